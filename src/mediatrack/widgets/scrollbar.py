"""A vertical scrollbar drawn as a few kept strips rather than through Rich.

Textual draws a scrollbar as a Rich renderable, with new styles on every
paint: paging through a long table repainted it at ~1.5 ms a key, more than
the rows it scrolls. This one asks Textual's own bar for its segments (the
same glyphs, colours and mouse actions) and draws each distinct one once.
"""

from __future__ import annotations

from math import ceil

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.scrollbar import ScrollBar
from textual.strip import Strip

DEFAULT_BACK = Color.parse("#555555")  # as Rich's renderer, for a style without colours
DEFAULT_BAR = Color.parse("bright_magenta")


class QuickScrollBar(ScrollBar):
    """A ``ScrollBar`` whose lines are the bar's segments, one strip per distinct segment."""

    def render_lines(self, crop: Region) -> list[Strip]:
        if not self.vertical or self.parent is None:
            return super().render_lines(crop)
        style = self._bar_style()
        if style is None:  # the screen hides scrollbars: Textual's own blank one
            return super().render_lines(crop)
        window_size = self.window_size if self.window_size < self.window_virtual_size else 0
        bar = self.renderer.render_bar(
            size=self.size.height,
            virtual_size=ceil(self.window_virtual_size),
            window_size=ceil(window_size),
            position=self.position,
            thickness=self.size.width,
            vertical=True,
            back_color=style.bgcolor or DEFAULT_BACK,
            bar_color=style.color or DEFAULT_BAR,
        )
        filters = self.get_line_filters()
        background = self.background_colors[1]
        width = self.size.width
        strips: dict[int, Strip] = {}  # by segment: the bar repeats a few segments
        lines = []
        segments: list[Segment] = bar.segments
        for y in crop.line_range:
            segment = segments[y] if y < len(segments) else segments[-1]
            strip = strips.get(id(segment))
            if strip is None:
                strip = Strip([segment], width)
                for line_filter in filters:
                    strip = strip.apply_filter(line_filter, background)
                strips[id(segment)] = strip
            lines.append(strip)
        if crop.column_span != (0, width):
            lines = [line.crop(*crop.column_span) for line in lines]
        return lines

    def _bar_style(self) -> Style | None:
        """The bar's colours, as ``ScrollBar.render`` works them out."""
        assert self.parent is not None
        styles = self.parent.styles
        if self.grabbed:
            background, color = styles.scrollbar_background_active, styles.scrollbar_color_active
        elif self.mouse_over:
            background, color = styles.scrollbar_background_hover, styles.scrollbar_color_hover
        else:
            background, color = styles.scrollbar_background, styles.scrollbar_color
        if background.a < 1:
            base_background, _ = self.parent.background_colors
            background = base_background + background
        color = background + color
        if self.screen.styles.scrollbar_color.a == 0:
            return None
        return Style.from_color(color.rich_color, background.rich_color)
