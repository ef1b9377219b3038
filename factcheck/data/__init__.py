"""Data shipped inside the package: the verification model, the calibration, the check-worthiness weights.

The calibration and the check-worthiness weights are pinned like the model: `pins.json` holds the SHA-256 of each,
written by the script that makes the file, and `shipped` returns a file's bytes only when they match."""

from __future__ import annotations

import hashlib
import json
from importlib import resources

PINS_FILE = "pins.json"


class ShippedFileError(Exception):
    """A shipped data file is missing, changed since it was pinned, or its pin is missing."""


def shipped(name: str) -> bytes:
    """The bytes of a shipped data file, verified against its pinned SHA-256 (ShippedFileError otherwise)."""
    folder = resources.files(__name__)
    try:
        raw = folder.joinpath(name).read_bytes()
        pins = json.loads(folder.joinpath(PINS_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError) as exc:
        raise ShippedFileError(
            f"factcheck/data/{name} or its pin cannot be read ({type(exc).__name__})"
        ) from None
    expected = (pins.get(name) or {}).get("sha256")
    if hashlib.sha256(raw).hexdigest() != expected:
        raise ShippedFileError(
            f"factcheck/data/{name} does not match its pinned SHA-256 (it was changed after it was made); "
            "reinstall factcheck"
        )
    return raw


def pin(name: str, raw: bytes) -> None:
    """Record the SHA-256 of a data file a script has just written (the scripts that make them call this)."""
    path = resources.files(__name__).joinpath(PINS_FILE)
    pins = json.loads(path.read_text(encoding="utf-8"))
    pins[name] = {"sha256": hashlib.sha256(raw).hexdigest()}
    with resources.as_file(path) as target:
        target.write_text(json.dumps(pins, indent=1, sort_keys=True) + "\n", encoding="utf-8")
