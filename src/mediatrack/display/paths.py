"""Paths as people read them on screen: the home folder written ``~``."""

from __future__ import annotations

import os
from pathlib import Path


def shown_path(path: str | os.PathLike[str]) -> str:
    """``~/.config/mediatrack/config.toml`` for a path under the home folder, else as given.

    Screens use it where a path is read, not copied: it is shorter, and the same
    on every machine. The CLI prints full paths, which scripts use.
    """
    given = Path(path)
    try:
        rest = given.relative_to(Path.home())
    except (ValueError, RuntimeError):  # elsewhere, or no home folder known
        return str(given)
    return "~" if rest == Path() else f"~/{rest.as_posix()}"
