"""Up Next (6) and Calendar (7) in the app: rows as drawn, space ticks, enter opens, / filters."""

from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable, OptionList, Static

from agenda_world import add_podcast, add_show, days_from
from mediatrack.app import MediaTrackApp
from mediatrack.kinds import Kind
from mediatrack.screens.calendar import CalendarScreen
from mediatrack.screens.show_detail import ShowDetailScreen
from mediatrack.screens.up_next import UpNextScreen
from mediatrack.services.episodes import Episodes
from mediatrack.services.library import Library, NewItem
from tui_helpers import SIZE, settle, until

TODAY = dt.date.today()
HOSTILE = "Evil\x1b[31mRed\u202eTitle"


def up_next_rows(app: MediaTrackApp) -> list[str]:
    widget = app.screen.query_one("#up-next", DataTable)
    lines = [widget.render_line(y).text for y in range(1, widget.size.height)]
    return [" ".join(line.split()) for line in lines if line.strip()]


def calendar_lines(app: MediaTrackApp) -> list[str]:
    widget = app.screen.query_one("#calendar", OptionList)
    return [str(widget.get_option_at_index(i).prompt) for i in range(widget.option_count)]


async def test_space_ticks_the_next_episode_and_the_row_moves_on(library):
    key = add_show(1, "Severance", [days_from(TODAY, -30, -20)])
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await until(pilot, lambda: isinstance(app.screen, UpNextScreen) and app.screen.loaded)
        assert up_next_rows(app)[0].startswith("Severance show S1E1 · Severance 1 2 left")
        await pilot.press("space")
        await until(pilot, lambda: "S1E2" in " ".join(up_next_rows(app)))
        assert [e.code for e in Episodes().show_episodes(key) if e.watched] == ["S01E01"]
        assert "1 left" in up_next_rows(app)[0]
        await pilot.press("space")
        await until(pilot, lambda: not up_next_rows(app))
        assert Library().entry(key).progress == 2
        assert app.screen.query_one("#up-next-empty", Static).display


async def test_enter_opens_the_show_and_slash_filters(library):
    add_show(1, "Severance", [days_from(TODAY, -30)])
    add_show(2, HOSTILE, [days_from(TODAY, -30)])
    add_podcast("9", "Radiolab", [dt.datetime(2026, 1, 1, tzinfo=dt.UTC)])
    Library().add(NewItem(Kind.BOOK, "Dune", 1965, total=412), "reading")
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await until(pilot, lambda: isinstance(app.screen, UpNextScreen) and app.screen.loaded)
        rows = up_next_rows(app)
        assert len(rows) == 4 and any(row.startswith("Dune book") for row in rows)
        assert not any("\x1b" in row or "\u202e" in row for row in rows)
        assert any("Evil␛[31mRedTitle" in row for row in rows)
        assert "Tick" in [command.title for command in app.screen.palette_commands()]
        await pilot.press("slash", "s", "e", "v")
        await pilot.pause()
        assert [row.split()[0] for row in up_next_rows(app)] == ["Severance"]
        await pilot.press("enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, ShowDetailScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, UpNextScreen))
        await pilot.press("escape")
        await pilot.pause()
        assert len(up_next_rows(app)) == 4


async def test_calendar_by_day_and_d_cycles_the_range(library):
    add_show(1, "Severance", [days_from(TODAY, -7), days_from(TODAY, 1, 20, 60)])
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await until(pilot, lambda: isinstance(app.screen, CalendarScreen) and app.screen.loaded)
        tomorrow = TODAY + dt.timedelta(days=1)
        assert calendar_lines(app) == [
            f"Tomorrow · {tomorrow.strftime('%a')} {tomorrow.isoformat()}",
            "  Severance  S2E1 · Severance 1  premiere",
        ]
        for days, count in ((30, 2), (90, 3)):
            await pilot.press("d")
            await until(pilot, lambda c=count: len(calendar_lines(app)) == 2 * c)
            assert f"Next {days} days" in str(app.screen.query_one("#calendar-range").render())
        assert calendar_lines(app)[-1].endswith("finale")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ShowDetailScreen))


async def test_up_next_follows_a_change_made_outside_the_app(library):
    key = add_show(1, "Severance", [days_from(TODAY, -30, -20)])
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await until(pilot, lambda: isinstance(app.screen, UpNextScreen) and app.screen.loaded)
        episodes = Episodes()
        episodes.set_watched(key, [episodes.find(key, "S01E01").id], True)  # as the CLI would
        await until(pilot, lambda: "S1E2" in " ".join(up_next_rows(app)))


async def test_up_next_gives_titles_the_room_a_resized_terminal_has(library):
    title = "The Remarkable Adventures of a Very Long Title"
    add_show(1, title, [days_from(TODAY, -30)])
    app = MediaTrackApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await until(pilot, lambda: isinstance(app.screen, UpNextScreen) and app.screen.loaded)
        assert title not in up_next_rows(app)[0]  # cut to fit 80 columns
        row = app.screen.query_one("#up-next", DataTable).cursor_row
        await pilot.resize_terminal(200, 40)
        await until(pilot, lambda: title in " ".join(up_next_rows(app)))
        assert app.screen.query_one("#up-next", DataTable).cursor_row == row
