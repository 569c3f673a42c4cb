"""The local SQLite store: schema (models), opening and migrations (db), library reads (queries).

peewee imports a PostgreSQL driver at import time whenever one is installed
(psycopg costs ~60 ms and ~11 MB); the local store never uses it, and the
sync code talks to psycopg directly. So peewee is first imported here, with
the drivers hidden. Everything in mediatrack imports peewee through this
package (a test checks it).
"""

import sys


def _import_peewee_without_postgres_drivers() -> None:
    if "peewee" in sys.modules:
        return
    drivers = [name for name in ("psycopg", "psycopg2") if name not in sys.modules]
    for name in drivers:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` fail
    try:
        import peewee  # noqa: F401
    finally:
        for name in drivers:
            del sys.modules[name]


_import_peewee_without_postgres_drivers()
