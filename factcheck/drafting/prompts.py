"""Prompts are versioned files with YAML front matter; rendering fails loudly on a missing variable."""

from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from factcheck.errors import ConfigError

_REPO_PROMPTS = Path(__file__).resolve().parent.parent.parent / "prompts"


@dataclass(frozen=True)
class Prompt:
    name: str
    version: int
    variables: tuple[str, ...]
    template: str
    sha256: str

    def render(self, **values: object) -> str:
        missing = set(self.variables) - values.keys()
        unknown = values.keys() - set(self.variables)
        if missing or unknown:
            raise ConfigError(
                f"prompt {self.name} v{self.version}: missing {sorted(missing)} / unexpected "
                f"{sorted(unknown)} variables"
            )
        return string.Template(self.template).substitute({k: str(v) for k, v in values.items()})


def _prompt_dir() -> Path:
    """Inside an installed wheel prompts live in factcheck/prompt_files; in a checkout, at the top level."""
    packaged = resources.files("factcheck").joinpath("prompt_files")
    return Path(str(packaged)) if packaged.is_dir() else _REPO_PROMPTS


@cache
def load_prompt(name: str) -> Prompt:
    path = _prompt_dir() / f"{name}.md"
    if not path.is_file():
        raise ConfigError(f"prompt {name!r} not found in {path.parent}; reinstall factcheck")
    raw = path.read_text(encoding="utf-8")
    _, front, template = raw.split("---\n", 2)
    meta = yaml.safe_load(front)
    variables = tuple(meta.get("variables", []))
    placeholders = {m[1] or m[2] for m in string.Template.pattern.findall(template) if m[1] or m[2]}
    if placeholders != set(variables):
        raise ConfigError(
            f"prompt {name}: template uses {sorted(placeholders)} but declares {sorted(variables)}"
        )
    return Prompt(
        meta["name"],
        int(meta["version"]),
        variables,
        template,
        hashlib.sha256(raw.encode("utf-8")).hexdigest(),
    )
