"""The progress of a long command (``refresh --all``, ``sync``) as a ``rich.progress`` bar.

The bar goes to stderr and shows a description, the bar, ``done/total``, the
rate and the time left; it is drawn only on a terminal (stdout and stderr
both), so a script or a pipe reads nothing but the command's own lines.
Descriptions are outside text (titles from catalogs): they pass ``inert()``
and are never read as rich markup.
"""

from __future__ import annotations

import sys
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from mediatrack.display.text import inert

DESCRIPTION_LIMIT = 40


class RateColumn(ProgressColumn):
    """Items per second, ``2.5/s``; empty until rich has a speed."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:.1f}/s", style="progress.data.speed")


def stderr_console() -> Console:
    """Where bars are drawn: stderr, and only when stdout and stderr are both terminals."""
    return Console(stderr=True, quiet=not sys.stdout.isatty())


def job_bars(console: Console, *, enabled: bool = True) -> Progress:
    """Bars with a description, ``done/total``, the rate and the time left, drawn on
    ``console`` only when it is a terminal that is not quiet (and ``enabled``)."""
    return Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not enabled or not console.is_terminal or console.quiet,
    )


class JobProgress:
    """One bar for a job of ``total`` steps; ``update`` it as steps are done.

    A context manager: the bar disappears when the job ends, so the summary
    line that follows stands alone.
    """

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or stderr_console()
        self.progress = job_bars(self.console)
        self._task = self.progress.add_task("", total=None)
        self._started = False

    def __enter__(self) -> JobProgress:
        return self  # the bar starts at the first step: no empty "0/?" bar before it

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._started:
            self.progress.stop()

    def update(self, description: str, done: int, total: int) -> None:
        """``done`` of ``total`` steps; ``description`` says what (a title, ``pushing``)."""
        self.progress.update(
            self._task,
            description=inert(description, limit=DESCRIPTION_LIMIT),
            completed=done,
            total=total,
        )
        if not self._started:
            self._started = True
            self.progress.start()
