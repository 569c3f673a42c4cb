"""The local SQLite store: schema (models), opening and migrations (db), library reads (queries).

peewee imports a PostgreSQL driver at import time whenever one is installed
(psycopg costs ~60 ms and ~11 MB); the local store never uses it, and the
sync code talks to psycopg directly. So once this package is imported, the
first import of peewee (by whichever module asks first) runs with the drivers
hidden. It is not imported here: ``first_rows`` reads the app's first page with
sqlite3 alone, and must not wait for the ORM.
"""

from __future__ import annotations

import sys
from importlib.machinery import ModuleSpec, PathFinder
from types import ModuleType
from typing import Any

POSTGRES_DRIVERS = ("psycopg", "psycopg2")


class _DriversHidden:
    """peewee's own loader, run with the PostgreSQL drivers made unimportable."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def __getattr__(self, name: str) -> Any:  # get_source, get_filename...: peewee's own
        return getattr(self._loader, name)

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        hidden = [name for name in POSTGRES_DRIVERS if name not in sys.modules]
        for name in hidden:
            sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` fail
        try:
            self._loader.exec_module(module)
        finally:
            for name in hidden:
                del sys.modules[name]


class _PeeweeWithoutDrivers:
    """Finds peewee as usual, and hands its loader the drivers hidden."""

    @staticmethod
    def find_spec(name: str, path: Any = None, target: Any = None) -> ModuleSpec | None:
        if name != "peewee":
            return None
        spec = PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _DriversHidden(spec.loader)  # type: ignore[assignment]  # a Loader
        return spec


if "peewee" not in sys.modules and not any(
    isinstance(finder, _PeeweeWithoutDrivers) for finder in sys.meta_path
):
    sys.meta_path.insert(0, _PeeweeWithoutDrivers())
