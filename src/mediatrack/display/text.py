"""Outside text made inert before it reaches a terminal.

Titles, names, overviews and messages come from catalogs, feeds, other people
and hand entry; any of them may carry terminal controls (ESC and its CSI/OSC
sequences, C1 controls such as U+009B, CR that rewinds a line) or bidi
overrides that reorder what follows. ``inert`` makes every control visible as
its Unicode control picture (ESC becomes ``␛``), drops the bidi overrides and
isolates, and turns line breaks into a space where one line is expected.
``json_inert`` does the same job for JSON text without changing what it means.
"""

from __future__ import annotations

ELLIPSIS = "…"
NAME_LIMIT = 80  # a person's name or email as shown: written by that person, unchecked
TITLE_LIMIT = 200  # a title where nothing else bounds it (a list line that would wrap)
REPLACEMENT = "\ufffd"

# Explicit embeddings and overrides (LRE, RLE, PDF, LRO, RLO) and isolates (LRI, RLI, FSI, PDI).
BIDI_CONTROLS = frozenset([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
LINE_BREAKS = frozenset([0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029])


def _stand_in(code: int) -> str:
    """What a control shows as: its control picture (C0, DEL), else U+FFFD (C1, surrogates)."""
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return REPLACEMENT


_UNSAFE = [*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0xD800, 0xE000)]
_TABLE: dict[int, str | None] = {code: _stand_in(code) for code in _UNSAFE}
_TABLE.update(dict.fromkeys(BIDI_CONTROLS))
_TABLE[0x09] = " "
_SINGLE_LINE = {**_TABLE, **dict.fromkeys(LINE_BREAKS, " ")}
_MULTI_LINE = {**_TABLE, **dict.fromkeys(LINE_BREAKS, "\n")}
# json.dumps escapes C0 itself, and the newlines between lines of indented JSON are structure.
_JSON = {code: f"\\u{code:04x}" for code in [*_UNSAFE[0x20:], *BIDI_CONTROLS, 0x2028, 0x2029]}


def inert(text: str | None, *, single_line: bool = True, limit: int | None = None) -> str:
    """``text`` safe to show on a terminal; ``None`` becomes ``""``.

    Controls show as control pictures (``␛``, ``␇``) or U+FFFD (C1, lone
    surrogates), bidi overrides and isolates are dropped, a tab is a space.
    Line breaks (CR, LF, CRLF, NEL, U+2028/9) become one space with
    ``single_line``, else ``\\n``. With ``limit``, longer text is cut to
    ``limit`` characters ending in ``…``.
    """
    if not text:
        return ""
    if not text.isprintable():  # every character we change is non-printable: the fast path
        if single_line:
            text = text.replace("\r\n", " ").translate(_SINGLE_LINE)
        else:
            text = text.replace("\r\n", "\n").translate(_MULTI_LINE)
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + ELLIPSIS
    return text


def json_inert(json_text: str) -> str:
    """JSON text with DEL, C1, bidi controls and lone surrogates written as ``\\uXXXX``.

    ``json.dumps(..., ensure_ascii=False)`` leaves DEL, C1 controls (U+009B is
    CSI on many terminals) and bidi overrides raw; they can only occur inside
    strings, where the escape means the very same character: the data stays exact.
    """
    return json_text.translate(_JSON)
