"""A team in the workspace: accounts with roles, desk sign-in sessions, and the sign-off policy. The policy and
the roles are read from the workspace on every action, so the desk and the command line apply the same rules.
With no account yet, names are free text as before and anyone may do anything (a single editor's machine)."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from factcheck.errors import InputError, NotAllowed, NotFoundError
from factcheck.models import Account, Policy, Role
from factcheck.safety import one_line, person_key
from factcheck.settings import PublisherSettings
from factcheck.storage.connection import Connection
from factcheck.storage.team import TeamStore

MIN_PASSWORD = 10
MAX_NAME = 60
EVERYONE = frozenset({"review"})
EDITORS = EVERYONE | {"decide", "assign", "export", "draft"}
PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.reviewer: EVERYONE,
    Role.editor: frozenset(EDITORS),
    Role.admin: frozenset(EDITORS | {"sources", "accounts", "policy"}),
}
NEEDS = {"approve": "publish", "reject": "decide", "assign": "assign"}  # every other review action: "review"
WHAT = {
    "review": "review notes",
    "publish": "publish a note",
    "decide": "reject a note",
    "assign": "assign notes",
    "export": "export notes",
    "draft": "draft notes",
    "sources": "add sources",
    "accounts": "manage accounts",
    "policy": "change the policy",
}
POLICY_KEYS = ("signoffs", "publish_roles", "publisher_name", "publisher_url")
SYSTEM = "factcheck"  # the tool's own entries in a note's history


def _hasher():  # noqa: ANN202 (argon2 is imported only where passwords are handled)
    from argon2 import PasswordHasher

    return PasswordHasher()


def _check_password(password: str, name: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"a password needs at least {MIN_PASSWORD} characters; choose a longer one")
    if person_key(password) == person_key(name):
        raise InputError("a password must not be the account's name; choose another")


@dataclass
class Team:
    db: Connection
    signoffs_floor: int = 1  # the settings' `review.signoffs`: the policy can ask for more, never fewer
    session_hours: float = 12.0

    def __post_init__(self) -> None:
        self.store = TeamStore(self.db)

    # accounts -------------------------------------------------------------------------------------
    def active(self) -> bool:
        """Whether the workspace has accounts (then every action names one)."""
        return self.store.has_accounts()

    def accounts(self) -> list[Account]:
        return self.store.accounts()

    def find(self, name: str) -> Account | None:
        found = self.store.account(person_key(name))
        return found[0] if found else None

    def get(self, name: str) -> Account:
        account = self.find(name)
        if account is None:
            known = ", ".join(a.name for a in self.accounts()) or "none yet"
            raise NotFoundError(f"no account named {one_line(name, 40)!r}; accounts: {known}")
        return account

    def add(self, name: str, role: Role | str, password: str) -> Account:
        shown = one_line(name, MAX_NAME + 1)
        if not shown or shown != " ".join(name.split()) or len(shown) > MAX_NAME:
            raise InputError(f"an account name is one line of 1 to {MAX_NAME} printable characters")
        chosen = _role(role)
        _check_password(password, shown)
        if not self.store.add_account(person_key(shown), shown, chosen, _hasher().hash(password)):
            raise InputError(f"an account named {self.get(shown).name!r} exists already; choose another name")
        return self.get(shown)

    def set_password(self, name: str, password: str) -> Account:
        account = self.get(name)
        _check_password(password, account.name)
        self.store.update_account(person_key(account.name), password_hash=_hasher().hash(password))
        return account

    def set_role(self, name: str, role: Role | str) -> Account:
        account, chosen = self.get(name), _role(role)
        if account.role == Role.admin and chosen != Role.admin and self.store.admins() == 1:
            raise InputError(f"{account.name} is the only admin; make another account admin first")
        self.store.update_account(person_key(account.name), role=chosen)
        return self.get(name)

    def remove(self, name: str) -> Account:
        account = self.get(name)
        if account.role == Role.admin and self.store.admins() == 1 and len(self.accounts()) > 1:
            raise InputError(f"{account.name} is the only admin; make another account admin first")
        self.store.remove_account(person_key(account.name))
        return account

    def sign_in(self, name: str, password: str) -> Account:
        """The account, when the password is its own; the same refusal for an unknown name and a wrong
        password, so sign-in does not tell which names exist."""
        from argon2.exceptions import InvalidHashError, VerificationError

        found = self.store.account(person_key(name))
        refused = NotAllowed("that name and password do not match an account; check both and try again")
        if found is None:
            _hasher().hash(password)  # the same time as a wrong password
            raise refused
        try:
            _hasher().verify(found[1], password)
        except (VerificationError, InvalidHashError):
            raise refused from None
        return found[0]

    # desk sessions --------------------------------------------------------------------------------
    def open_session(self, account: Account) -> str:
        """A new sign-in session's secret (only its hash is stored); it expires after `session_hours`."""
        secret = secrets.token_urlsafe(32)
        now = time.time()
        self.store.add_session(
            _digest(secret), person_key(account.name), now + self.session_hours * 3600, now
        )
        return secret

    def session(self, secret: str) -> Account | None:
        """The account signed in with this secret, while its session lasts."""
        if not secret or len(secret) > 200:
            return None
        key = self.store.session_account(_digest(secret), time.time())
        found = self.store.account(key) if key else None
        return found[0] if found else None

    def close_session(self, secret: str) -> None:
        if secret and len(secret) <= 200:
            self.store.end_session(_digest(secret))

    # policy ---------------------------------------------------------------------------------------
    def policy(self) -> Policy:
        values = self.store.policy_values()
        stored = Policy(
            signoffs=int(values.get("signoffs", "1")),
            publish_roles=[Role(r) for r in values["publish_roles"].split(",")]
            if "publish_roles" in values
            else [Role.editor, Role.admin],
            publisher_name=values.get("publisher_name", ""),
            publisher_url=values.get("publisher_url", ""),
        )
        return stored.model_copy(update={"signoffs": max(stored.signoffs, self.signoffs_floor)})

    def set_policy(self, key: str, value: str, by: str) -> Policy:
        """Change one policy value; under accounts only an admin may (`by` names the account)."""
        if key not in POLICY_KEYS:
            raise InputError(f"no policy {key!r}; policies: {', '.join(POLICY_KEYS)}")
        who = self.acting(by, "policy") if self.active() else (one_line(by, MAX_NAME) or SYSTEM)
        text = one_line(value, 300)
        if key == "signoffs" and text not in ("1", "2", "3"):
            raise InputError("signoffs is 1, 2 or 3: how many different accounts approve a note")
        if key == "publish_roles":
            roles = [_role(r.strip()) for r in text.split(",") if r.strip()]
            if not roles:
                raise InputError("publish_roles names at least one role: reviewer, editor, admin")
            text = ",".join(dict.fromkeys(r.value for r in roles))
        if key == "publisher_url" and text and not text.startswith(("http://", "https://")):
            raise InputError("the publisher's address starts with https:// (or http://)")
        self.store.set_policy_value(key, text, who)
        return self.policy()

    def publisher(self, configured: PublisherSettings) -> PublisherSettings:
        """The publisher exports name: the one an admin set in the workspace, else the settings'."""
        policy = self.policy()
        chosen = {"name": policy.publisher_name, "url": policy.publisher_url}
        return configured.model_copy(update={k: v for k, v in chosen.items() if v})

    # who may do what ------------------------------------------------------------------------------
    def acting(self, name: str, permission: str) -> str:
        """The name an action is recorded under: under accounts, the account's own name, once it is allowed
        the permission; without accounts, the name as typed."""
        if not self.active():
            return name
        account = self.find(name)
        if account is None:
            raise NotAllowed(
                f"{one_line(name, 40)!r} is not an account of this workspace; act under your own account"
            )
        allowed = (
            account.role in self.policy().publish_roles
            if permission == "publish"
            else permission in PERMISSIONS[account.role]
        )
        if not allowed:
            raise NotAllowed(
                f"{account.name} is {_a(account.role)}, and {_a(account.role)} may not "
                f"{WHAT.get(permission, permission)}; ask an editor or an admin"
            )
        return account.name

    def permissions(self, name: str) -> frozenset[str]:
        """Everything this account may do ("publish" when the policy lets its role publish); without accounts,
        everything."""
        if not self.active():
            return frozenset([*PERMISSIONS[Role.admin], "publish"])
        account = self.find(name)
        if account is None:
            return frozenset()
        return PERMISSIONS[account.role] | (
            {"publish"} if account.role in self.policy().publish_roles else set()
        )

    def may(self, name: str, permission: str) -> bool:
        try:
            self.acting(name, permission)
        except NotAllowed:
            return False
        return True


def _a(role: Role) -> str:
    return f"{'an' if role.value[0] in 'aeiou' else 'a'} {role.value}"


def _role(role: Role | str) -> Role:
    try:
        return Role(str(role).strip().lower())
    except ValueError:
        raise InputError(f"no role {one_line(str(role), 30)!r}; roles: reviewer, editor, admin") from None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def team_of(db: Connection) -> Team:
    """The team rules as stored in this database (for the review actions, which are given only the database)."""
    return Team(db)


def recorded_name(db: Connection, reviewer: str, action: str) -> str:
    """The name a review action is recorded under, once the account may take it (see `Team.acting`)."""
    if one_line(reviewer) == SYSTEM and action == "stale":
        return SYSTEM
    return team_of(db).acting(reviewer, NEEDS.get(action, "review"))
