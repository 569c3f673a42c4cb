"""Import parsers and export writers: files in, plain records out, and back.

Pure: no store, HTTP or Textual. ``services/importing.py`` runs a parser's
records through match -> decide -> apply -> report; ``services/exporting.py``
hands library rows to a writer.
"""

from __future__ import annotations

from mediatrack.exchange.records import (
    ExchangeError,
    ImportRecord,
    Malformed,
    ParseResult,
    Tick,
)

__all__ = ["ExchangeError", "ImportRecord", "Malformed", "ParseResult", "Tick"]
