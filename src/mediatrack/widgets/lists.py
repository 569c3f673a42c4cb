"""Lists that move with the library table's keys: ``j`` ``k`` ``g`` ``G`` beside the arrows.

Every list in the app (seasons, episodes, podcast episodes, friends, search
results, pickers, the comparison table) is one of these, so the keys learnt
in the library work everywhere.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable, OptionList


class KeyList(OptionList):
    """An ``OptionList`` with ``j`` ``k`` ``g`` ``G``."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "first", "First", show=False),
        Binding("G", "last", "Last", show=False),
    ]


class KeyTable(DataTable):
    """A ``DataTable`` with ``j`` ``k`` ``g`` ``G``."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "scroll_top", "First", show=False),
        Binding("G", "scroll_bottom", "Last", show=False),
    ]
