"""A library table that costs nothing per row off screen.

A line-API ``ScrollView``: it keeps a reference to the visible entries and
renders only the lines on screen, so a 10,000-item library lays out as fast
as an empty one and a filter keystroke repaints one screenful.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from mediatrack.display.dates import ago_text
from mediatrack.display.entries import next_text, progress_text, rating_text, status_label
from mediatrack.display.text import inert
from mediatrack.kinds import KINDS, Kind
from mediatrack.records import EntryKey, LibraryEntry
from mediatrack.widgets.library_view import SortOrder


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    width: int  # 0: takes the remaining width
    sort: SortOrder | None = None
    drop: int = 0  # when the title gets too narrow, the highest goes first; 0: always shown


MIN_TITLE_WIDTH = 16


def columns_for(kind: Kind) -> list[Column]:
    """The table's columns; shows also get the next episode to watch."""
    creator = KINDS[kind].creator_label
    second = Column(creator, 6, SortOrder.RELEASED) if creator == "Year" else Column(creator, 18)
    columns = [
        Column("Title", 0, SortOrder.TITLE),
        second,
        Column("Status", 13),
        # "S12E22 · 250/264" and "1200/1200" fit whole
        Column("Progress", 16 if kind is Kind.TV else 9),
        Column("Rating", 6, SortOrder.RATING, drop=1),
        Column("Updated", 9, SortOrder.UPDATED, drop=2),
    ]
    if kind is Kind.TV:
        columns.insert(4, Column("Next", 23))  # "S2E6 · aired 2026-11-03"
    return columns


def cells(entry: LibraryEntry, now: dt.datetime, today: dt.date | None = None) -> list[str]:
    """One row's texts, in the order of ``columns_for(entry.kind)``."""
    second = str(entry.year or "") if KINDS[entry.kind].creator_label == "Year" else entry.creator
    texts = [
        entry.title,
        second or "",
        status_label(entry.status),
        progress_text(entry),
        rating_text(entry.rating),
        ago_text(entry.updated_at, now),
    ]
    if entry.kind is Kind.TV:
        texts.insert(4, next_text(entry, today or dt.date.today()))
    return texts


TEXTS_KEPT = dt.timedelta(seconds=15)  # how long "just now" and "3m ago" may stand as drawn


class LibraryTable(ScrollView, can_focus=True):
    """The rows of a library, with a cursor; a fixed header line on top."""

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,g", "jump(0)", "First", show=False),
        Binding("end,G", "jump(-1)", "Last", show=False),
    ]

    COMPONENT_CLASSES = {
        "library-table--header",
        "library-table--cursor",
        "library-table--active",
        "library-table--done",
        "library-table--planned",
        "library-table--dropped",
    }

    DEFAULT_CSS = """
    LibraryTable {
        height: 1fr;
        scrollbar-gutter: stable;
        overflow-x: hidden;
        & > .library-table--header { text-style: bold; color: $text-accent; }
        & > .library-table--cursor { background: $block-cursor-blurred-background; }
        &:focus > .library-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .library-table--active { color: $text-success; }
        & > .library-table--done { color: $text-primary; }
        & > .library-table--planned { color: $text-muted; }
        & > .library-table--dropped { color: $text-error; }
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True)

    class Highlighted(Message):
        """The cursor moved to another entry (``None`` when the table is empty)."""

        def __init__(self, entry: LibraryEntry | None) -> None:
            super().__init__()
            self.entry = entry

    def __init__(
        self,
        kind: Kind,
        *,
        id: str | None = None,
        on_highlight: Callable[[LibraryEntry | None], None] | None = None,
    ) -> None:
        """``on_highlight``: called as the cursor moves, before the frame that shows it is
        painted (the ``Highlighted`` message arrives a frame later), for what must follow
        the cursor in the same frame."""
        super().__init__(id=id)
        self.kind = kind
        self._on_highlight = on_highlight
        self.columns = columns_for(kind)
        self.entries: list[LibraryEntry] = []
        self.order = SortOrder.TITLE
        self._now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        self._today = dt.date.today()  # air dates are local dates
        self._announced: LibraryEntry | None = None
        self._styles: dict[str, Style] = {}  # by role; cleared when the CSS or focus change
        self._texts: dict[EntryKey, tuple[LibraryEntry, list[str]]] = {}  # cells, inert

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    # --- data -------------------------------------------------------------

    @property
    def current(self) -> LibraryEntry | None:
        if 0 <= self.cursor < len(self.entries):
            return self.entries[self.cursor]
        return None

    def show(
        self,
        entries: list[LibraryEntry],
        order: SortOrder,
        keep: EntryKey | None,
        at: int | None = -1,
    ) -> None:
        """Show ``entries``; the cursor stays on ``keep`` if it is still there (``at``: where
        it is, or None if it is not, when the caller knows: -1 looks for it)."""
        self.entries = entries
        self.order = order
        now, today = dt.datetime.now(dt.UTC).replace(tzinfo=None), dt.date.today()
        if now - self._now >= TEXTS_KEPT or today != self._today:
            self._now, self._today = now, today
            self._texts.clear()  # "3 days ago" is relative to now
        self._set_rows(len(entries))
        if at == -1:
            at = next((i for i, entry in enumerate(entries) if entry.key == keep), None)
        index = at
        if index is None:
            index = min(self.cursor, len(entries) - 1)
        self.cursor = max(index, 0)
        self.refresh()

    # --- cursor -------------------------------------------------------------

    def validate_cursor(self, cursor: int) -> int:
        return max(0, min(cursor, len(self.entries) - 1)) if self.entries else 0

    def watch_cursor(self, cursor: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        current = self.current
        if current is not self._announced:  # a new row, or the same row changed
            self._announced = current
            if self._on_highlight is not None:
                self._on_highlight(current)
            self.post_message(self.Highlighted(current))

    def _scroll_to_cursor(self) -> None:
        rows_on_screen = max(self.scrollable_content_region.height - 1, 1)
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + rows_on_screen:
            self.scroll_to(y=self.cursor - rows_on_screen + 1, animate=False, immediate=True)

    def action_cursor(self, step: int) -> None:
        self.cursor += step

    def action_page(self, direction: int) -> None:
        self.cursor += direction * max(self.scrollable_content_region.height - 2, 1)

    def action_jump(self, index: int) -> None:
        self.cursor = index if index >= 0 else len(self.entries) - 1

    def on_resize(self) -> None:
        self._set_rows(len(self.entries))
        self._scroll_to_cursor()

    def _set_rows(self, rows: int) -> None:
        """Make room for ``rows`` lines below the header without laying the screen out
        again: the table's own size does not change with its rows (a filter keystroke
        repaints the table and no more), only the scrollbar's may come or go."""
        size = Size(self.size.width, rows + 1)
        if size == self.virtual_size:
            return
        if not self.container_size or self.has_class("-empty"):
            self.virtual_size = size  # not laid out yet, or sized by its rows: lay out
            return
        scrollbar = self.show_vertical_scrollbar
        self.set_reactive(Widget.virtual_size, size)
        self._scroll_update(size)  # the scrollbar's length and the scroll's bounds
        if self.show_vertical_scrollbar != scrollbar:
            self.refresh(layout=True)

    # --- rendering ------------------------------------------------------------

    def _widths(self, width: int) -> list[int]:
        """Each column's width; 0 for the optional ones a narrow table leaves out.

        The column the rows are sorted by stays, so the order can be read.
        """
        fixed = sum(column.width + 1 for column in self.columns if column.width)
        hidden: set[str] = set()
        for column in sorted(self.columns, key=lambda column: -column.drop):
            if not column.drop or width - fixed - 1 >= MIN_TITLE_WIDTH:
                break
            if column.sort is self.order:
                continue
            hidden.add(column.title)
            fixed -= column.width + 1
        title = max(width - fixed - 1, 8)
        return [0 if column.title in hidden else column.width or title for column in self.columns]

    def _line(self, texts: list[str], widths: list[int], styles: list[Style]) -> list[Segment]:
        """One line of cells; ``texts`` are already inert."""
        segments = [Segment(" ", styles[0])]
        for text, width, style in zip(texts, widths, styles, strict=True):
            if not width:
                continue
            if len(text) > width:
                text = text[: max(width - 1, 0)] + "…"
            segments.append(Segment(set_cell_size(text, width), style))
            segments.append(Segment(" ", styles[0]))
        return segments

    def _style(self, role: str) -> Style:
        """The style of a part of the table (``base``, ``header``, ``cursor``, a status role
        on a row or under the cursor), worked out once per change of CSS, theme or focus."""
        style = self._styles.get(role)
        if style is None:
            base = self.rich_style
            if role == "base":
                style = base
            elif role in ("header", "cursor"):
                style = base + self.get_component_rich_style(f"library-table--{role}")
            else:
                row, _, status = role.partition(":")
                style = self._style(row) + self.get_component_rich_style(
                    f"library-table--{status}", partial=True
                )
            self._styles[role] = style
        return style

    def _cell_texts(self, entry: LibraryEntry) -> list[str]:
        """The entry's cells, made inert once per entry and load, not once per paint."""
        known = self._texts.get(entry.key)
        if known is not None and known[0] is entry:
            return known[1]
        # titles and names from outside: no control reaches the terminal
        texts = [inert(text) for text in cells(entry, self._now, self._today)]
        self._texts[entry.key] = (entry, texts)
        return texts

    def _header_texts(self) -> list[str]:
        texts = []
        for column in self.columns:
            marker = (
                " ▼" if column.sort is self.order and column.sort is not SortOrder.TITLE else ""
            )
            if column.sort is self.order is SortOrder.TITLE:
                marker = " ▲"
            texts.append(column.title + marker)
        return texts

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        widths = self._widths(width)
        if y == 0:
            style = self._style("header")
            texts = [inert(text) for text in self._header_texts()]
            return Strip(self._line(texts, widths, [style] * len(widths))).crop_extend(
                0, width, style
            )
        index = int(self.scroll_y) + y - 1
        if index >= len(self.entries):
            return Strip.blank(width, self._style("base"))
        entry = self.entries[index]
        row = "cursor" if index == self.cursor else "base"
        row_style = self._style(row)
        styles = [row_style] * len(self.columns)
        styles[2] = self._style(f"{row}:{self._status_role(entry.status)}")
        segments = self._line(self._cell_texts(entry), widths, styles)
        return Strip(segments).crop_extend(0, width, row_style)

    def _status_role(self, status: str) -> str:
        info = KINDS[self.kind]
        if status == info.active_status:
            return "active"
        if status == info.done_status:
            return "done"
        if status == info.plan_status:
            return "planned"
        return "dropped"
