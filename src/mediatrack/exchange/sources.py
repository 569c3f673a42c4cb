"""Every import source by name: its parser and a line of help."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mediatrack.exchange import backup, goodreads, imdb, letterboxd, opml, storygraph, trakt
from mediatrack.exchange.records import ParseResult


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    parse: Callable[[Path], ParseResult]
    what: str


SOURCES: dict[str, Source] = {
    source.name: source
    for source in (
        Source("goodreads", goodreads.parse, "Goodreads' library export CSV"),
        Source("storygraph", storygraph.parse, "The StoryGraph's CSV export"),
        Source("letterboxd", letterboxd.parse, "Letterboxd's export ZIP or its folder"),
        Source("trakt", trakt.parse, "Trakt's JSON export (a file, its folder or ZIP)"),
        Source("imdb", imdb.parse, "IMDb's ratings or watchlist CSV"),
        Source("opml", opml.parse, "podcast subscriptions as OPML"),
        Source("mediatrack", backup.parse, "a mediatrack JSON backup (`mediatrack export`)"),
    )
}
