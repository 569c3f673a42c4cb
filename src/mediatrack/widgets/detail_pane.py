"""The pane beside a library table: everything about the highlighted item."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from rich.cells import cell_len
from textual.containers import VerticalScroll
from textual.content import Content

from mediatrack.display.dates import ago_text, day_text
from mediatrack.display.entries import (
    next_text,
    progress_words,
    rating_text,
    status_label,
)
from mediatrack.display.history import (
    FRIEND_NOTE_LINES,
    friend_notes_shown,
    note_lines,
    runs_badge,
)
from mediatrack.display.text import NAME_LIMIT, inert
from mediatrack.kinds import Kind
from mediatrack.records import EntryDetail, LibraryEntry
from mediatrack.widgets.pane_text import PaneText
from mediatrack.widgets.poster import Poster


def _summary(entry: LibraryEntry) -> list[Content | str]:
    subtitle = inert(entry.creator) or (str(entry.year) if entry.year else "")
    parts: list[Content | str] = [Content.styled(inert(entry.title), "bold")]
    if entry.original_title and entry.original_title != entry.title:
        parts += ["\n", Content.styled(inert(entry.original_title), "italic")]
    if subtitle:
        parts += ["\n", Content.styled(subtitle, "dim")]
    parts += [
        "\n\n",
        Content.styled("Your status  ", "bold"),
        status_label(entry.status),
        "\n",
        Content.styled("Progress     ", "bold"),
        progress_words(entry),
        "\n",
        Content.styled("Your rating  ", "bold"),
        rating_text(entry.rating, "not rated"),
        "\n",
        Content.styled("Updated      ", "bold"),
        ago_text(entry.updated_at),
    ]
    if entry.kind is Kind.TV and entry.next_episode:
        next_episode = next_text(entry, dt.date.today())
        parts += ["\n", Content.styled("Next         ", "bold"), next_episode]
    return parts


MIN_SCREEN_WIDTH = 90  # on a narrower terminal the table needs the room
PANE_HISTORY_HINT = "enter, then h: history"  # h beside a library is everything's history


class DetailPane(VerticalScroll, can_focus=False):
    """Shows a summary at once, then the full record once a worker has read it."""

    DEFAULT_CSS = """
    DetailPane {
        width: 36;
        border-left: vkey $foreground 20%;
        padding: 0 1;
        & > #detail-body { width: 1fr; }
    }
    """

    _detail: EntryDetail | None = None  # the full record last shown

    def compose(self):
        yield Poster(id="detail-poster")
        yield PaneText(id="detail-body")

    def on_mount(self) -> None:
        self.display = self.app.size.width >= MIN_SCREEN_WIDTH

    def show_entry(self, entry: LibraryEntry | None) -> None:
        """The row's summary at once; the full record follows once the cursor rests."""
        poster = self.query_one(Poster)
        if entry is None or entry.key != poster.key:
            poster.show(None)  # fetched once the cursor rests (``show_detail``), not per row
        shown = self._detail
        if entry is not None and shown is not None and shown.entry.key == entry.key:
            # The same item changed: its record stays, with the new status and progress,
            # until the new one is read; the pane never falls back to the bare summary.
            self._put(detail_content(replace(shown, entry=entry), PANE_HISTORY_HINT))
            return
        self._detail = None
        self._put(Content("") if entry is None else Content.assemble(*_summary(entry)), pad=True)

    def show_detail(self, detail: EntryDetail) -> None:
        self._detail = detail
        self._put(detail_content(detail, PANE_HISTORY_HINT))
        self.query_one(Poster).show(detail.entry.key)

    def _put(self, content: Content, *, pad: bool = False) -> None:
        """Show ``content``, laying the screen out again only if the pane's height changes:
        moving the cursor repaints the pane, no more. ``pad``: keep the height (blank lines
        below a summary shorter than the record it replaces, until that record comes)."""
        body = self.query_one("#detail-body", PaneText)
        width, height = body.content_size
        lines = _height(content, body, width) if width > 0 else -1
        kept = 0
        if pad and 0 < lines < height:
            kept = lines = height
        # Hidden (a narrow terminal) or not laid out yet: no layout pass for it now; showing
        # the pane lays the screen out anyway. Before, each cursor move there cost one.
        body.update(content, layout=width > 0 and lines != height, min_lines=kept)


def _height(content: Content, body: PaneText, width: int) -> int:
    """The lines ``content`` takes at ``width``: counted when none is long enough to wrap
    (a summary, mostly: no wrapping worked out twice per cursor move), else wrapped."""
    plain = content.plain
    lines = plain.split("\n")
    if "\t" not in plain and all(cell_len(line) <= width for line in lines):
        return len(lines)
    # the styles are the rules a Visual reads, as Textual's own widgets pass them
    return content.get_height(body.styles, width)  # type: ignore[arg-type]


def detail_content(detail: EntryDetail, history_hint: str = "h: history") -> Content:
    """The full record: the summary, when it was added, the facts, the notes, the overview.
    ``history_hint``: how to see its history from where it is shown."""
    parts = _summary(detail.entry)
    if detail.added_at is not None:
        parts += [
            "\n",
            Content.styled("Added        ", "bold"),
            day_text(detail.added_at),
        ]
    if detail.facts:
        parts.append("\n")
        for label, value in detail.facts:
            parts += ["\n", Content.styled(f"{label}: ", "bold"), inert(value)]
    parts += _runs_and_note(detail, history_hint)
    parts += _friend_notes(detail)
    if detail.overview:
        parts += ["\n\n", inert(detail.overview, single_line=False)]
    return Content.assemble(*parts)


def _runs_and_note(detail: EntryDetail, history_hint: str) -> list[Content | str]:
    """How many times it was finished (from 2 on), and the user's note (outside text)."""
    parts: list[Content | str] = []
    if badge := runs_badge(detail.runs):
        parts += ["\n", Content.styled("Finished     ", "bold"), f"{badge} ({history_hint})"]
    if detail.note is not None:
        sharing = "shared with friends" if detail.note.shared else "private"
        parts += [
            "\n\n",
            Content.styled("Your note", "bold"),
            Content.styled(f" ({sharing}; n to edit)", "dim"),
            "\n",
            note_lines(inert(detail.note.text, single_line=False)),
        ]
    return parts


def _friend_notes(detail: EntryDetail) -> list[Content | str]:
    """What friends shared on the item, newest first: their name, when, the note (outside text)."""
    shown, more = friend_notes_shown(detail.friend_notes)
    if not shown:
        return []
    parts: list[Content | str] = ["\n\n", Content.styled("Friends' notes", "bold")]
    for note in shown:
        parts += [
            "\n",
            Content.styled(inert(note.friend_name, limit=NAME_LIMIT), "italic"),
            Content.styled(f" · {ago_text(note.updated_at)}", "dim"),
            "\n",
            note_lines(inert(note.text, single_line=False), limit=FRIEND_NOTE_LINES),
        ]
    if more:
        parts += ["\n", Content.styled(more, "dim")]
    return parts
