"""Logging etiquette for a library: factcheck never changes the logging of the process it runs in. Where a
dependency logs something that would confuse a person (a quantiser's advice meant for image models, a
download error factcheck reports itself in one line), that record alone is dropped, only while factcheck's
own call runs, and the logger is left as it was found."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator


class _Drop(logging.Filter):
    def __init__(self, contains: str) -> None:
        super().__init__()
        self.contains = contains

    def filter(self, record: logging.LogRecord) -> bool:
        return self.contains not in record.getMessage()


@contextlib.contextmanager
def dropped(logger: str = "", contains: str = "") -> Iterator[None]:
    """Within the block, records of `logger` ('' = the root logger) whose message contains `contains` (every
    record when empty) are dropped; the logger's level, handlers and filters are untouched after it."""
    target = logging.getLogger(logger or None)
    rule = _Drop(contains) if contains else _DropAll()
    target.addFilter(rule)
    try:
        yield
    finally:
        target.removeFilter(rule)


class _DropAll(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return False
