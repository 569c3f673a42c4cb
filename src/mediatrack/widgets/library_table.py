"""A library table that costs nothing per row off screen.

A line-API ``ScrollView``: it keeps a reference to the visible entries and
renders only the lines on screen, so a 10,000-item library lays out as fast
as an empty one and a filter keystroke repaints one screenful. A row drawn
once is kept (per entry, width and style) for a while: paging back, erasing a
filter's letter or moving the cursor redraws from what was drawn; once a page
move is on screen, the rows of the next page are made while the keyboard
rests. A move of the cursor within the screen repaints its two lines, no more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget

from mediatrack.display.dates import ago_text
from mediatrack.display.entries import next_text, progress_text, rating_text, status_label
from mediatrack.display.text import inert
from mediatrack.kinds import KINDS, Kind
from mediatrack.records import EntryKey, LibraryEntry
from mediatrack.widgets.library_view import SortOrder
from mediatrack.widgets.plain_lines import draws_plain, for_terminal
from mediatrack.widgets.scrollbar import QuickScrollBar


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
ROWS_KEPT = 1024  # rows kept as drawn: a few screenfuls either way, and a filter's backspace
PREPARE_DELAY = 0.01  # seconds after a scroll, once its frame is written: the next page's rows


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

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)  # watch_cursor repaints

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
        self._widths_for: tuple[int, SortOrder, list[int]] | None = None  # width, order: widths
        # rows as drawn: the entry, its widths and row style, its line (oldest first)
        self._rows: dict[EntryKey, tuple[LibraryEntry, list[int], Style, Strip]] = {}
        self._prepare_timer: Timer | None = None
        self._header: tuple[list[int], SortOrder, Style, Strip] | None = None  # as drawn

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._rows.clear()

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """The scrollbar, drawn without Rich: moving through the rows repaints it at each key."""
        if self._vertical_scrollbar is None:
            bar = QuickScrollBar(
                vertical=True, name="vertical", thickness=self.scrollbar_size_vertical
            )
            bar.display = False
            self._vertical_scrollbar = bar
            self.app._start_widget(self, bar)
        return self._vertical_scrollbar

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
            self._rows.clear()
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

    def watch_cursor(self, old: int, cursor: int) -> None:
        top = self.scroll_y
        self._scroll_to_cursor()
        if self.scroll_y != top:  # other rows: all of them, and the next page's made later
            self.refresh()
            if self._prepare_timer is not None:
                self._prepare_timer.stop()
            direction = 1 if self.scroll_y > top else -1
            self._prepare_timer = self.set_timer(
                PREPARE_DELAY, lambda: self._prepare_rows(direction)
            )
        elif old != cursor:  # the same rows: the cursor's old line and its new one, no more
            self.refresh(self._row_region(old), self._row_region(cursor))
        else:
            self.refresh()
        current = self.current
        if current is not self._announced:  # a new row, or the same row changed
            self._announced = current
            if self._on_highlight is not None:
                self._on_highlight(current)
            self.post_message(self.Highlighted(current))

    def _row_region(self, index: int) -> Region:
        """Where the row of entry ``index`` is drawn (below the header line)."""
        return Region(0, index - int(self.scroll_y) + 1, self.size.width, 1)

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
        known = self._widths_for
        if known is not None and known[0] == width and known[1] is self.order:
            return known[2]
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
        widths = [0 if column.title in hidden else column.width or title for column in self.columns]
        self._widths_for = (width, self.order, widths)
        return widths

    def _line(
        self, texts: list[str], widths: list[int], styles: list[Style], width: int, full: int
    ) -> Strip:
        """One line of cells, ``width`` cells of them then the gutter up to ``full`` (the
        widget's width, under its scrollbar); ``texts`` are already inert.

        Neighbouring cells of one style make one segment: fewer to filter for the
        terminal and to write to it."""
        segments: list[Segment] = []
        run = [" "]  # the texts of the segment being made, in ``style``
        style = styles[0]
        for text, cell_width, cell_style in zip(texts, widths, styles, strict=True):
            if not cell_width:
                continue
            if len(text) > cell_width:
                text = text[: max(cell_width - 1, 0)] + "…"
            if cell_style is not style:
                segments.append(Segment("".join(run), style))
                run, style = [], cell_style
            run.append(set_cell_size(text, cell_width))
            if style is not styles[0]:
                segments.append(Segment("".join(run), style))
                run, style = [], styles[0]
            run.append(" ")
        line = "".join(run)
        drawn = sum(segment.cell_length for segment in segments) + cell_len(line)
        if drawn == width + 1:  # the last column's space falls under the gutter
            line, drawn = line[:-1], width
        if line:
            segments.append(Segment(line, style))
        if drawn != width:  # a table too narrow for its columns
            segments = list(Strip(segments, drawn).crop_extend(0, width, styles[0]))
        if full > width:
            segments.append(Segment(" " * (full - width), self._style("gutter")))
        return Strip(segments, max(full, width))

    def _style(self, role: str) -> Style:
        """The style of a part of the table (``base``, ``header``, ``cursor``, a status role
        on a row or under the cursor), worked out once per change of CSS, theme or focus."""
        style = self._styles.get(role)
        if style is None:
            base = self.rich_style
            if role == "base":
                style = base
            elif role == "gutter":  # as Textual pads a line: the background alone
                base_background, background = self.background_colors
                style = Style(bgcolor=(base_background + background).rich_color)
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
        return self._render_row(y, self.scrollable_content_region.width, self.size.width)

    def _render_row(self, y: int, width: int, full: int) -> Strip:
        """Line ``y``: the header, a row or a blank; the cells take ``width``, the gutter
        the rest of ``full``."""
        widths = self._widths(width)
        if y == 0:
            style = self._style("header")
            kept = self._header
            if (
                kept is not None
                and kept[:3] == (widths, self.order, style)
                and kept[3].cell_length == full
            ):
                return kept[3]
            texts = [inert(text) for text in self._header_texts()]
            strip = self._line(texts, widths, [style] * len(widths), width, full)
            self._header = (widths, self.order, style, strip)
            return strip
        index = int(self.scroll_y) + y - 1
        if index >= len(self.entries):
            return self._blank(width, full)
        return self._row(index, widths, width, full)

    def _row(self, index: int, widths: list[int], width: int, full: int) -> Strip:
        """The row of entry ``index``, as kept if it was drawn so before."""
        entry = self.entries[index]
        row = "cursor" if index == self.cursor else "base"
        row_style = self._style(row)
        drawn = self._rows.get(entry.key)
        if (
            drawn is not None
            and drawn[0] is entry
            and drawn[1] is widths
            and drawn[2] is row_style
            and drawn[3].cell_length == full
        ):
            return drawn[3]
        styles = [row_style] * len(self.columns)
        styles[2] = self._style(f"{row}:{self._status_role(entry.status)}")
        strip = self._line(self._cell_texts(entry), widths, styles, width, full)
        if len(self._rows) >= ROWS_KEPT:
            del self._rows[next(iter(self._rows))]  # the oldest
        self._rows.pop(entry.key, None)
        self._rows[entry.key] = (entry, widths, row_style, strip)
        return strip

    def _prepare_rows(self, direction: int) -> None:
        """Make the rows a page further in ``direction`` ready, drawn, filtered and written
        out for the terminal, while nothing else is asked: the next Page Down finds them."""
        self._prepare_timer = None
        if not self.is_attached or not draws_plain(self):
            return
        rows = max(self.scrollable_content_region.height - 1, 1)
        top = int(self.scroll_y)
        start = top + rows - 2 if direction > 0 else max(top - rows, 0)
        width, full = self.scrollable_content_region.width, self.size.width
        widths = self._widths(width)
        end = min(start + rows + 2, len(self.entries))
        strips = [self._row(index, widths, width, full) for index in range(start, end)]
        console = self.app.console
        for strip in for_terminal(strips, self):  # filtered: kept by the strip
            strip.render(console)  # its terminal sequences, kept by the strip too

    def _blank(self, width: int, full: int) -> Strip:
        """A line below the last row: the table's background, then the gutter's."""
        segments = [Segment(" " * width, self._style("base"))]
        if full > width:
            segments.append(Segment(" " * (full - width), self._style("gutter")))
        return Strip(segments, max(full, width))

    def render_lines(self, crop: Region) -> list[Strip]:
        """The lines as drawn, each filtered for the terminal once (a kept row keeps it)."""
        full = self.size.width
        if not draws_plain(self) or crop.column_span != (0, full):
            return super().render_lines(crop)
        width = self.scrollable_content_region.width
        return for_terminal([self._render_row(y, width, full) for y in crop.line_range], self)

    def _status_role(self, status: str) -> str:
        info = KINDS[self.kind]
        if status == info.active_status:
            return "active"
        if status == info.done_status:
            return "done"
        if status == info.plan_status:
            return "planned"
        return "dropped"
