"""Where mediatrack keeps its files. Environment variables override the defaults."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "mediatrack"


def default_database_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "mediatrack.db"


def database_path(override: str | os.PathLike[str] | None = None) -> Path:
    """The SQLite file: ``--db``, else ``MEDIATRACK_DB``, else the user's data dir."""
    chosen = override or os.environ.get("MEDIATRACK_DB")
    return Path(chosen).expanduser() if chosen else default_database_path()
