"""Stats (key 8): what you finished, watched, read, listened to and rated, as charts and numbers.

The figures are read in a worker (SQL aggregates: see ``store/stats.py`` for
which date counts); the summary lines come first, then the tables of numbers and
the Footer, then the charts. Every chart has its numbers beside it (``n`` hides
or shows them). ``y`` switches between the last 12 months and a calendar year
(``[`` and ``]`` step through years).
This module is imported when the mode is first opened; textual-plotext (and
plotext) once the first figures are on screen, which they never wait for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label, Static

from mediatrack.display import stats as shown
from mediatrack.display.sync import SyncLine
from mediatrack.kinds import KINDS, Kind
from mediatrack.screens.common import ReadsAgainWhenChanged, ScreenCommands, WorkerErrors
from mediatrack.widgets.footer import ModeFooter

if TYPE_CHECKING:
    from textual.worker import Worker
    from textual_plotext import PlotextPlot

    from mediatrack.app import MediaTrackApp
    from mediatrack.figures import Ranked, Stats

CHARTS = ("completed", "ratings", "genres", "authors")
NARROW_BELOW = 100  # columns: under this, each chart stands over its numbers (stats.tcss)
KIND_COLORS = {Kind.TV: "cyan", Kind.MOVIE: "magenta", Kind.BOOK: "green", Kind.PODCAST: "orange"}


def _whole_ticks(plot, top: int, axis: str = "y") -> None:
    """Counts are whole numbers: ticks at whole steps (about five of them)."""
    step = max(1, -(-top // 5))
    ticks = list(range(0, max(top, 1) + step, step))
    (plot.yticks if axis == "y" else plot.xticks)(ticks)


class StatsScreen(ReadsAgainWhenChanged, WorkerErrors, Screen[None]):
    """Charts and numbers of one period: the last 12 months, or a year in review."""

    CSS_PATH = "stats.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW_BELOW, "-wide")]
    COMMANDS = {ScreenCommands}
    BINDINGS = [
        Binding("y", "toggle_year", "Year/12 months"),
        Binding("left_square_bracket", "step_year(-1)", "Previous year"),
        Binding("right_square_bracket", "step_year(1)", "Next year"),
        Binding("n", "toggle_numbers", "Numbers"),
        Binding("j,down", "scroll(1)", "Down", show=False),
        Binding("k,up", "scroll(-1)", "Up", show=False),
        Binding("g,home", "scroll_edge(0)", "Top", show=False),
        Binding("G,end", "scroll_edge(1)", "Bottom", show=False),
    ]

    app: MediaTrackApp

    def __init__(self, today: dt.date | None = None) -> None:
        super().__init__()
        self.today = today or dt.date.today()
        self.year: int | None = None  # None: the last 12 months
        self.stats: Stats | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="stats-period", markup=False)
        yield Label("Reading your stats…", id="stats-reading", markup=False)
        with VerticalScroll(id="stats-body"):
            yield Static(id="stats-review", markup=False)

    def on_mount(self) -> None:
        self.show_sync(self.app.sync_line)
        self.app.sync_changed.subscribe(self, self.show_sync)
        # read again when shown: a tick on Shows does not rerun the totals behind it
        self.app.library_changed.subscribe(self, self._library_changed)
        self.query_one("#stats-body").display = False
        self.load()

    def show_sync(self, line: SyncLine) -> None:
        self.sub_title = line.with_label("Stats")

    # --- loading ----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load(self) -> None:
        from mediatrack.services.stats import StatsService

        service = StatsService(self.app.services.account.id)
        figures = service.stats(self.year, self.today)
        self.app.call_from_thread(self._show, figures)

    def worker_failed(self, worker: Worker, sentence: str) -> bool:
        self.query_one("#stats-reading").display = False
        self._add_footer()
        return False

    def _add_footer(self) -> None:
        """The Footer, once the figures are drawn: its ~20 keys take longer to style than
        the figures to read, and would hold them back."""
        if not self.query(ModeFooter):
            self.mount(ModeFooter())
            self.call_after_refresh(self.refresh_bindings)  # a Footer lists its keys when told

    def _show(self, stats: Stats) -> None:
        self.stats, self.loaded = stats, True
        self.query_one("#stats-reading").display = False
        self.query_one("#stats-body").display = True
        self.query_one("#stats-period", Label).update(shown.period_text(stats.period))
        self.query_one("#stats-review", Static).update("\n".join(shown.review_lines(stats)))
        if self.query("#completed-row"):
            self._fill_sections(stats)
            self.call_after_refresh(self._draw_charts, stats)
        else:  # the first figures: the tables, the Footer and the charts a frame later
            self.call_after_refresh(self._first_sections)

    async def _first_sections(self) -> None:
        """The sections' tables, made once the summary is on screen: four tables take
        longer to style than the figures to read, and would hold them back."""
        if not self.query("#completed-row"):
            await self.query_one("#stats-body").mount_all(
                widget
                for name in CHARTS
                for widget in (
                    Label("", id=f"{name}-title", classes="section", markup=False),
                    Horizontal(
                        DataTable(id=f"{name}-numbers", classes="numbers", cursor_type="none"),
                        id=f"{name}-row",
                        classes="chart-row",
                    ),
                )
            )
        if self.stats is not None:  # the latest figures, should newer ones have come
            self._fill_sections(self.stats)
            self._add_footer()
            self.call_after_refresh(self._draw_charts, self.stats)

    def _fill_sections(self, stats: Stats) -> None:
        self._section("completed", "Finished per month", shown.completed_table(stats))
        self._section("ratings", "Your ratings of what you finished", shown.ratings_table(stats))
        self._section("genres", "Top genres", shown.ranked_table("Genre", stats.genres))
        self._section("authors", "Top authors", shown.ranked_table("Author", stats.authors))

    def _section(self, name: str, title: str, table: shown.Table) -> None:
        header, rows = table
        self.query_one(f"#{name}-title", Label).update(title if rows else f"{title}: none yet")
        self.query_one(f"#{name}-row").display = bool(rows)
        numbers = self.query_one(f"#{name}-numbers", DataTable)
        numbers.clear(columns=True)
        numbers.add_columns(*header)
        numbers.add_rows(  # Text, never markup; figures aligned right
            [Text(row[0]), *(Text(cell, justify="right") for cell in row[1:])] for row in rows
        )

    def _draw_charts(self, stats: Stats) -> None:
        """The charts, after the numbers are on screen (made, and plotext imported, once)."""
        if not self.query("PlotextPlot"):
            from textual_plotext import PlotextPlot

            for name in CHARTS:
                self.query_one(f"#{name}-row").mount(PlotextPlot(id=f"{name}-chart"), before=0)
        months = [shown.month_text(month, short=True) for month in stats.period.months]
        plot = self._plot("completed")
        plot.stacked_bar(
            months,
            [stats.completed[kind] for kind in Kind],
            labels=[KINDS[kind].label for kind in Kind],
            color=[KIND_COLORS[kind] for kind in Kind],
        )
        _whole_ticks(plot, max(map(sum, zip(*stats.completed.values(), strict=True))))
        self._refresh("completed")
        plot = self._plot("ratings")
        kinds = [kind for kind in Kind if sum(stats.ratings[kind])] or [Kind.MOVIE]
        plot.multiple_bar(
            [str(score) for score in range(1, 11)],
            [stats.ratings[kind] for kind in kinds],
            labels=[KINDS[kind].label for kind in kinds],
            color=[KIND_COLORS[kind] for kind in kinds],
        )
        _whole_ticks(plot, max(max(stats.ratings[kind]) for kind in kinds))
        self._refresh("ratings")
        self._ranked_chart("genres", stats.genres)
        self._ranked_chart("authors", stats.authors)

    def _ranked_chart(self, name: str, ranked: list[Ranked]) -> None:
        plot = self._plot(name)
        if ranked:
            top = list(reversed(ranked))  # the most at the top
            plot.bar(
                [shown.short_name(row.name) for row in top],
                [row.count for row in top],
                orientation="horizontal",
                width=0.3,
            )
            _whole_ticks(plot, ranked[0].count, axis="x")
        self._refresh(name)

    def _plot(self, name: str):
        plot = self._chart(name).plt
        plot.clear_data()
        plot.clear_figure()
        return plot

    def _refresh(self, name: str) -> None:
        self._chart(name).refresh()

    def _chart(self, name: str) -> PlotextPlot:
        from textual_plotext import PlotextPlot

        return self.query_one(f"#{name}-chart", PlotextPlot)

    # --- actions ----------------------------------------------------------------------

    def action_toggle_year(self) -> None:
        self.year = None if self.year is not None else self.today.year
        self.load()

    def action_step_year(self, step: int) -> None:
        year = (self.year or self.today.year) + step
        if year > self.today.year:
            self.notify("No stats from the future.")
            return
        self.year = year
        self.load()

    def action_toggle_numbers(self) -> None:
        self.toggle_class("numbers-hidden")

    def action_scroll(self, step: int) -> None:
        body = self.query_one("#stats-body", VerticalScroll)
        body.scroll_relative(y=step * 3, animate=False)

    def action_scroll_edge(self, end: int) -> None:
        body = self.query_one("#stats-body", VerticalScroll)
        if end:
            body.scroll_end(animate=False)
        else:
            body.scroll_home(animate=False)

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Year in review",
            "This year, or back to the last 12 months (y)",
            self.action_toggle_year,
        )
        yield SystemCommand(
            "Previous year", "The year before, in review ([)", lambda: self.action_step_year(-1)
        )
        yield SystemCommand(
            "Next year", "The year after, in review (])", lambda: self.action_step_year(1)
        )
        yield SystemCommand(
            "Show or hide numbers", "The figures beside each chart (n)", self.action_toggle_numbers
        )
