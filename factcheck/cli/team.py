"""`factcheck users` and `factcheck policy`: the team of a workspace, its accounts and its sign-off policy.
Whoever can write the workspace folder runs these (the desk's operator); in the desk, an admin does the same
on the Team page."""

from __future__ import annotations

from typing import Annotated

import typer

from factcheck.cli.common import open_workspace, read_password, say, to_stdout
from factcheck.errors import InputError
from factcheck.models import Role
from factcheck.workspace import Workspace

users = typer.Typer(
    help="Accounts that sign in to the desk and act in the review commands.", no_args_is_help=True
)
policy = typer.Typer(
    help="The workspace's sign-off policy and publisher, the same in the desk and here.", no_args_is_help=True
)

RoleOption = Annotated[Role, typer.Option("--role", help="reviewer, editor or admin.")]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin.")
]


By = Annotated[
    str,
    typer.Option(
        "--by",
        help="The admin account making the change, once the workspace has accounts (asks its password).",
    ),
]


def _new_password(name: str, from_stdin: bool) -> str:
    return read_password(f"password for {name}", twice=not from_stdin)


def _as_admin(workspace: Workspace, by: str, permission: str = "accounts") -> str:
    """Under accounts, a change to the team is an admin's: --by names one and its password is asked (the first
    line of stdin, in a script). Without accounts yet, anyone may make the first."""
    if not workspace.team.active():
        return by
    if not by:
        raise InputError("this workspace has accounts: name the admin making the change with --by NAME")
    account = workspace.team.sign_in(by, read_password(f"password for {by}"))
    return workspace.team.acting(account.name, permission)


@users.command("add")
def add(
    ctx: typer.Context,
    name: str,
    role: RoleOption = Role.reviewer,
    password_stdin: PasswordStdin = False,
    by: By = "",
) -> None:
    """Add an account (the password is asked twice, or read from stdin: the admin's line first)."""
    with open_workspace(ctx, create=True) as workspace:
        _as_admin(workspace, by)
        account = workspace.team.add(name, role, _new_password(name, password_stdin))
    say(f"added {account.name} ({account.role.value})")


@users.command("list")
def list_accounts(ctx: typer.Context) -> None:
    """The accounts and their roles."""
    with open_workspace(ctx, create=False) as workspace:
        accounts = workspace.team.accounts()
    if not accounts:
        say("no accounts: anyone acts under any name. Add one with `factcheck users add NAME --role admin`")
    for account in accounts:
        to_stdout(f"{account.name}\t{account.role.value}\t{account.created_at:%Y-%m-%d}")


@users.command("remove")
def remove(ctx: typer.Context, name: str, by: By = "") -> None:
    """Remove an account (its past decisions stay in the history under its name)."""
    with open_workspace(ctx, create=False) as workspace:
        _as_admin(workspace, by)
        account = workspace.team.remove(name)
    say(f"removed {account.name}")


@users.command("passwd")
def passwd(ctx: typer.Context, name: str, password_stdin: PasswordStdin = False, by: By = "") -> None:
    """Set an account's password (signs its desk sessions out); an admin's change, or the account's own."""
    with open_workspace(ctx, create=False) as workspace:
        if by or not workspace.team.active():
            _as_admin(workspace, by)
        else:  # one's own: the current password first
            workspace.team.sign_in(name, read_password(f"current password for {name}"))
        account = workspace.team.set_password(name, _new_password(name, password_stdin))
    say(f"password of {account.name} changed; its desk sessions are signed out")


@users.command("role")
def role(
    ctx: typer.Context,
    name: str,
    new_role: Annotated[Role, typer.Argument(help="reviewer, editor or admin.")],
    by: By = "",
) -> None:
    """Change an account's role."""
    with open_workspace(ctx, create=False) as workspace:
        _as_admin(workspace, by)
        account = workspace.team.set_role(name, new_role)
    say(f"{account.name} is now {account.role.value}")


@policy.command("show")
def show(ctx: typer.Context) -> None:
    """The policy in force (sign-offs include FACTCHECK_REVIEW__SIGNOFFS when that asks for more)."""
    with open_workspace(ctx, create=False) as workspace:
        current = workspace.team.policy()
    to_stdout(f"signoffs\t{current.signoffs}")
    to_stdout(f"publish_roles\t{','.join(r.value for r in current.publish_roles)}")
    to_stdout(f"publisher_name\t{current.publisher_name}")
    to_stdout(f"publisher_url\t{current.publisher_url}")


@policy.command("set")
def set_policy(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="signoffs, publish_roles, publisher_name or publisher_url.")],
    value: str,
    by: Annotated[
        str, typer.Option("--by", help="The admin account making the change (under accounts).")
    ] = "",
) -> None:
    """Change the policy: `signoffs 2` (two different accounts approve each note), `publish_roles editor,admin`."""
    with open_workspace(ctx, create=True) as workspace:
        by = _as_admin(workspace, by, "policy")
        current = workspace.team.set_policy(key, value, by)
    shown = (
        ",".join(r.value for r in current.publish_roles) if key == "publish_roles" else getattr(current, key)
    )
    say(f"{key} is now {shown}")
