"""``PaneText``: a Static whose lines skip Textual's styled-line pass.

The detail pane shows the highlighted row's summary in the frame that moves the
cursor; through a Static that summary took 1-2 ms of a Page Down's 6. Its lines
are the Static's own (``Visual.to_strips``: wrapped, aligned, marked for
selecting text); with no CSS decoration on the text (``plain_lines``) they are
only padded and filtered, as Textual's styled line would, and kept until the
text, width, style or selection changes. A summary shorter than the record it
replaces keeps the pane's height with blank lines drawn as blanks
(``min_lines``), not formatted as empty lines of the text.
"""

from __future__ import annotations

from textual.geometry import Region, Size
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style
from textual.visual import Visual, VisualType
from textual.widgets import Static

from mediatrack.widgets.plain_lines import draws_plain, for_terminal


class PaneText(Static):
    """Text shown in a pane, drawn as a Static draws it, in less time."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.auto_links = False  # no links in it: no link styling pass over each line
        self._min_lines = 0
        # the lines last drawn: of which visual, at which width, style and selection
        self._drawn: tuple[Visual, int, Style, Selection | None, list[Strip]] | None = None

    def update(self, content: VisualType = "", *, layout: bool = True, min_lines: int = 0) -> None:
        """Show ``content``; ``min_lines``: the height kept at least (blank lines below a
        shorter content, drawn as blanks rather than formatted as empty lines of it)."""
        self._min_lines = min_lines
        self._drawn = None
        super().update(content, layout=layout)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(super().get_content_height(container, viewport, width), self._min_lines)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._drawn = None

    def render_lines(self, crop: Region) -> list[Strip]:
        width = self.size.width
        if not draws_plain(self) or crop.column_span != (0, width):
            return super().render_lines(crop)
        lines = self._lines(width)
        blank = Strip.blank(width, self.visual_style.rich_style)  # as a Static's
        return for_terminal([lines[y] if y < len(lines) else blank for y in crop.line_range], self)

    def _lines(self, width: int) -> list[Strip]:
        """The lines a Static draws (wrapped, aligned, marked for selecting text), padded
        to ``width`` with the background as Textual pads a content line."""
        visual, style, selection = self.visual, self.visual_style, self.text_selection
        drawn = self._drawn
        # the visual by identity: Content's == compares the text alone, not its styles
        if drawn is not None and drawn[0] is visual and drawn[1:4] == (width, style, selection):
            return drawn[4]
        base_background, background = self.background_colors
        padding = Style(background=base_background + background).rich_style
        strips = [
            strip.adjust_cell_length(width, padding)
            for strip in Visual.to_strips(self, visual, width, None, style)
        ]
        self._drawn = (visual, width, style, selection, strips)
        return strips
