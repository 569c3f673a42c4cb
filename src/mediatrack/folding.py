"""One way to compare what the user types with titles and names: accents and case folded away.

The TUI filter, the library sort, and the store's text filter (an SQLite
function, see ``store/db.py``) all use ``fold``, so ``ca tourne`` finds
"Ça Tourne, Minuit" and "Ça…" sorts under C wherever the user looks.
"""

from __future__ import annotations

import unicodedata

__all__ = ["fold", "fold_or_none"]


def fold(text: str) -> str:
    """``Ça Tourne`` -> ``ca tourne``, ``Lübeck`` -> ``lubeck``, ``Straße`` -> ``strasse``.

    NFKD splits letters from their accents (and ``ﬁ`` into ``fi``), the text
    is casefolded, and the combining marks are dropped (NFKD again after the
    casefold: ``İ`` casefolds to ``i`` plus a combining dot).
    """
    if text.isascii():
        return text.lower()  # the common case, several times faster; the same for ASCII
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return "".join(char for char in folded if not unicodedata.combining(char))


def fold_or_none(text: str | None) -> str | None:
    """``fold`` for a nullable column: the SQLite function ``fold(x)``."""
    return None if text is None else fold(str(text))
