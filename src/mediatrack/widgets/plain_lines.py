"""Lines a widget draws itself, past Textual's styled-line pass, when nothing needs that pass.

Textual draws each line of a widget through its styles: borders, padding, tint,
opacity, hatching, then the app's line filters. A widget with none of these
(``draws_plain``) can hand its lines to the screen as it made them, only
filtered for the terminal (``for_terminal``): the library table and the detail
pane's text do, since moving the cursor redraws both with each key.
"""

from __future__ import annotations

from textual.strip import Strip
from textual.widget import Widget


def draws_plain(widget: Widget) -> bool:
    """Whether no CSS decoration of ``widget`` needs Textual's styled line."""
    styles = widget.styles
    return not (
        any(styles.gutter)
        or any(edge for edge, _color in styles.outline)
        or styles.tint.a
        or styles.text_opacity != 1.0
        or widget.opacity != 1.0
        or styles.has_rule("hatch")
    )


def for_terminal(strips: list[Strip], widget: Widget) -> list[Strip]:
    """``strips`` through the app's line filters, as Textual's styled lines end (a strip
    keeps what a filter made of it: a line drawn again is not filtered again)."""
    filters = widget.get_line_filters()
    if not filters:
        return strips
    background = widget.background_colors[1]
    filtered = []
    for strip in strips:
        for line_filter in filters:
            strip = strip.apply_filter(line_filter, background)
        filtered.append(strip)
    return filtered
