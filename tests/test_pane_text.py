"""The detail pane's text draws the very cells a Static would, by its quicker path."""

from __future__ import annotations

import pytest
from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.content import Content
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import Static

from mediatrack.widgets.pane_text import PaneText

WIDTH = 33

CONTENTS = {
    "summary": Content.assemble(
        Content.styled("Dark", "bold"),
        "\n",
        Content.styled("2017", "dim"),
        "\n\n",
        Content.styled("Your status  ", "bold"),
        "Watching",
        "\n",
        Content.styled("Progress     ", "bold"),
        "S2E6 · 16 of 26",
    ),
    "long lines wrap": Content.assemble(
        Content.styled("The Extraordinarily Long Title of a Show That Goes On " * 2, "italic"),
        "\n",
        "word " * 30,
        "\n",
        "x" * 80,  # one word longer than the width: folded
    ),
    "wide characters": Content.assemble(
        Content.styled("進撃の巨人 " * 2, "bold"), "\n", "Ça tourne · Über · échos"
    ),
    "wide characters that wrap": Content.styled("進撃の巨人 " * 6, "bold"),
    "blank lines": Content("first\n\n\nlast\n\n"),
    "a style across the wrap": Content.assemble(
        "before ", Content.styled("styled words that wrap over the edge " * 2, "bold red"), " after"
    ),
    "empty": Content(""),
}


class SideBySide(App[None]):
    CSS = f"""
    #plain, #static {{ width: {WIDTH}; height: 12; }}
    """

    def compose(self) -> ComposeResult:
        yield PaneText(id="plain")
        yield Static(id="static", markup=False)


def cells(strips: list[Strip]) -> list[list[tuple[str, object]]]:
    """Each line as its cells: (character, style)."""
    lines = []
    for strip in strips:
        line = []
        for segment in Segment.split_and_crop_lines(list(strip), strip.cell_length, pad=False):
            for text, style, _control in segment:
                line.extend((character, style) for character in text)
        lines.append(line)
    return lines


@pytest.mark.parametrize("name", list(CONTENTS))
async def test_it_draws_the_cells_a_static_draws(name: str) -> None:
    content = CONTENTS[name]
    app = SideBySide()
    async with app.run_test(size=(80, 30)) as pilot:
        plain = app.query_one("#plain", PaneText)
        static = app.query_one("#static", Static)
        static.auto_links = False
        plain.update(content)
        static.update(content)
        await pilot.pause()
        region = Region(0, 0, WIDTH, plain.size.height)
        assert plain.size == static.size
        ours = plain.render_lines(region)
        assert plain._drawn is not None  # drawn by its own path
        assert cells(ours) == cells(static.render_lines(region))
        assert [strip.cell_length for strip in ours] == [WIDTH] * region.height


async def test_a_changed_content_or_width_is_drawn_again() -> None:
    app = SideBySide()
    async with app.run_test(size=(80, 30)) as pilot:
        plain = app.query_one("#plain", PaneText)
        plain.update(Content("Dark"))
        await pilot.pause()
        region = Region(0, 0, WIDTH, 1)
        assert plain.render_lines(region)[0].text.startswith("Dark")
        plain.update(Content("Lost"))
        await pilot.pause()
        assert plain.render_lines(region)[0].text.startswith("Lost")
        plain.update(Content.styled("Lost", "bold"))  # the same text, styled: drawn again
        await pilot.pause()
        bold = [seg.style.bold for seg in plain.render_lines(region)[0] if seg.text.strip()]
        assert bold == [True]
        plain.styles.width = 10
        await pilot.pause()
        assert plain.render_lines(Region(0, 0, 10, 1))[0].cell_length == 10


async def test_a_kept_height_is_blank_below_the_text() -> None:
    app = SideBySide()
    async with app.run_test(size=(80, 30)) as pilot:
        plain = app.query_one("#plain", PaneText)
        plain.styles.height = "auto"
        plain.update(Content("Dark\n2017"), min_lines=6)
        await pilot.pause()
        assert plain.size.height == 6
        lines = plain.render_lines(Region(0, 0, WIDTH, 6))
        assert [line.text.strip() for line in lines] == ["Dark", "2017", "", "", "", ""]
        plain.update(Content("Dark\n2017"))
        await pilot.pause()
        assert plain.size.height == 2  # no longer kept
