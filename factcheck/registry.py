"""One shape for every extension point (judges, export formats, article readers, archive formats, claim and
verdict dataset formats): a `Registry` maps a name to a spec, registers with a decorator or a call, lists its
`names()`, and `get()` says "use one of ..." for a name it does not have.

Other packages add entries without touching factcheck: an entry point in the `factcheck.plugins` group names a
module, and importing that module registers its entries (`@EXPORT_FORMATS.register(...)` and the like). Plugins
load once, the first time any registry is read; one that fails to load is a warning line, never a crash.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar, overload

from factcheck.errors import InputError

PLUGIN_GROUP = "factcheck.plugins"
T = TypeVar("T")
log = logging.getLogger("factcheck.plugins")
_plugins: dict[str, str] = {}  # entry point -> "" when loaded, else why not
_looked = False


def load_plugins(again: bool = False) -> dict[str, str]:
    """Import every module named in the `factcheck.plugins` entry-point group (once; `again` to look anew).
    Returns each entry point's name with "" when it loaded, or why it did not."""
    global _looked
    if _looked and not again:
        return _plugins
    from importlib.metadata import entry_points

    _looked = True  # before loading: a plugin's own registrations read the registries too
    _plugins.clear()
    for point in entry_points(group=PLUGIN_GROUP):
        try:
            point.load()
            _plugins[point.name] = ""
        except Exception as exc:  # a broken plugin must not stop factcheck
            _plugins[point.name] = f"{type(exc).__name__}: {exc}"
            log.warning("the factcheck plugin %r could not be loaded (%s); it is left out", point.name, exc)
    return _plugins
    from importlib.metadata import entry_points

    _loading = True
    try:
        if again:
            _plugins.clear()
        for point in entry_points(group=PLUGIN_GROUP):
            try:
                point.load()
                _plugins[point.name] = ""
            except Exception as exc:  # a broken plugin must not stop factcheck
                _plugins[point.name] = f"{type(exc).__name__}: {exc}"
                log.warning(
                    "the factcheck plugin %r could not be loaded (%s); it is left out", point.name, exc
                )
        _plugins.setdefault("", "")  # looked, even when there are none
    finally:
        _loading = False
    return _plugins


class Registry(Generic[T]):
    """Named specs of one kind. `kind` names it in messages ("no export format 'x'; use one of md, html")."""

    def __init__(self, kind: str, error: type[Exception] = InputError) -> None:
        self.kind = kind
        self.error = error
        self._entries: dict[str, T] = {}

    @overload
    def register(self, name: str) -> Callable[[T], T]: ...

    @overload
    def register(self, name: str, spec: T) -> T: ...

    def register(self, name: str, spec: T | None = None) -> T | Callable[[T], T]:
        """Add `spec` under `name` (a later registration replaces an earlier one); without `spec`, a decorator."""
        if spec is not None:
            self._entries[name] = spec
            return spec

        def decorator(item: T) -> T:
            self._entries[name] = item
            return item

        return decorator

    def _entries_loaded(self) -> dict[str, T]:
        load_plugins()
        return self._entries

    def names(self) -> list[str]:
        return list(self._entries_loaded())

    def find(self, name: str) -> T | None:
        return self._entries_loaded().get(name)

    def get(self, name: str) -> T:
        found = self.find(name)
        if found is None:
            raise self.error(f"no {self.kind} {name!r}; use one of {', '.join(self._entries_loaded())}")
        return found

    def items(self) -> list[tuple[str, T]]:
        return list(self._entries_loaded().items())

    def values(self) -> list[T]:
        return list(self._entries_loaded().values())

    def __getitem__(self, name: str) -> T:
        return self.get(name)

    def __setitem__(self, name: str, spec: T) -> None:
        self._entries[name] = spec

    def __delitem__(self, name: str) -> None:
        del self._entries[name]

    def __contains__(self, name: object) -> bool:
        return name in self._entries_loaded()

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self._entries_loaded())
