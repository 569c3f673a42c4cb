"""What makes a file a mediatrack library, and which version it is, without the ORM.

Kept free of peewee so that the app's first read (``store/first_rows.py``) can
check a file before the models are imported; ``db.py`` opens and migrates.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

# PRAGMA application_id marks a file as a mediatrack database ("mtrk").
APPLICATION_ID = 0x6D74726B
SQLITE_HEADER = b"SQLite format 3\x00"
LOCAL_USER_ID = "local"  # whose rows they are before any login

# The titles with characters other than printable ASCII: a partial index lists them
# (migration 0008), and a query that names this index must say the same words.
NON_ASCII = "GLOB '*[^ -~]*'"


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def _steps() -> list[tuple[int, str, Traversable]]:
    folder = resources.files("mediatrack.store") / "migrations"
    steps = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            number, _, name = entry.name.removesuffix(".sql").partition("_")
            steps.append((int(number), name, entry))
    return sorted(steps, key=lambda step: step[0])


def migrations() -> list[Migration]:
    """The ordered migration steps: ``store/migrations/NNNN_name.sql``."""
    return [
        Migration(number, name, entry.read_text(encoding="utf-8"))
        for number, name, entry in _steps()
    ]


def latest_version() -> int:
    """The schema version this code writes: its last migration step's number."""
    return _steps()[-1][0]
