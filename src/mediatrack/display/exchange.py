"""Lines about imports that the CLI and the app both show."""

from __future__ import annotations

import math

from mediatrack.display.text import inert


def waiting_line(catalog: str, seconds: float) -> str:
    """``Waiting 12 s for iTunes' request limit``: said while a look-up waits its turn."""
    name = inert(catalog, limit=40)
    owner = f"{name}'" if name.endswith("s") else f"{name}'s"
    return f"Waiting {math.ceil(seconds)} s for {owner} request limit"
