"""Lines about imports that the CLI and the app both show."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Protocol

from mediatrack.display.entries import counted
from mediatrack.display.text import inert


def waiting_line(catalog: str, seconds: float) -> str:
    """``Waiting 12 s for iTunes' request limit``: said while a look-up waits its turn."""
    name = inert(catalog, limit=40)
    owner = f"{name}'" if name.endswith("s") else f"{name}'s"
    return f"Waiting {math.ceil(seconds)} s for {owner} request limit"


class _Malformed(Protocol):
    @property
    def line(self) -> int: ...

    @property
    def reason(self) -> str: ...


class ImportFigures(Protocol):
    """What an import's summary holds (``services.importing.ImportSummary``)."""

    source: str
    dry_run: bool
    matched: int
    added: int
    updated: int
    unchanged: int
    to_review: int
    skipped: int
    malformed: int
    skipped_reasons: dict[str, int]
    tags_not_kept: dict[str, int]

    @property
    def malformed_rows(self) -> Sequence[_Malformed]: ...


def import_summary_lines(summary: ImportFigures, *, most: int | None = None) -> list[str]:
    """The counts, then why rows were skipped and which lines were malformed (the first
    ``most`` of them, then how many more): the same words in the CLI and the app."""
    verb = "Would import" if summary.dry_run else "Imported"
    lines = [
        f"{verb} {inert(summary.source, limit=40)}: {summary.matched} matched, "
        f"{summary.added} added, {summary.updated} updated, {summary.unchanged} unchanged, "
        f"{summary.to_review} to review, {summary.skipped} skipped, "
        f"{summary.malformed} malformed."
    ]
    lines += [
        inert(f"  skipped {count}: {reason}")
        for reason, count in sorted(summary.skipped_reasons.items())
    ]
    if summary.tags_not_kept:
        lines.append(tags_line(summary.tags_not_kept))
    bad = list(summary.malformed_rows)
    shown = bad if most is None else bad[:most]
    lines += [inert(f"  line {row.line}: {row.reason}") for row in shown]
    if len(bad) > len(shown):
        lines.append(f"  and {len(bad) - len(shown)} more malformed lines")
    return lines


def review_row_line(title: str, source: str, line: int, reason: str) -> str:
    """``Interstellar · letterboxd line 2 · no catalog item has this title and year``."""
    return inert(f"{title} · {source} line {line} · {reason}")


def candidate_label(candidate: dict[str, Any]) -> str:
    """``Fight Club (1999) · 550``; a candidate whose year the catalog does not know has none."""
    year = f" ({candidate['year']})" if candidate.get("year") else ""
    return inert(f"{candidate['title']}{year} · {candidate['catalog_id']}")


def tags_line(tags: dict[str, int], most: int = 5) -> str:
    """``  2 shelves or tags not kept (mediatrack has no tags): favourites (3), owned``."""
    by_use = sorted(tags.items(), key=lambda pair: (-pair[1], pair[0]))
    names = [f"{name} ({count})" if count > 1 else name for name, count in by_use[:most]]
    if len(by_use) > most:
        names.append(f"and {len(by_use) - most} more")
    return inert(
        f"  {counted(len(tags), 'shelf or tag', 'shelves or tags')} not kept "
        "(mediatrack has no tags): " + ", ".join(names),
        limit=200,
    )
