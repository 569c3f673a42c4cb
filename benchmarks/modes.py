"""Opening Up Next (6) and Calendar (7) on a large library, in a real terminal, vs. the floor.

Builds the synthetic library of ``benchmarks/library.py`` (10,000 items; ``--tiny``
for a smoke run), then makes it look lived in: the shows being watched get the
ticks their progress says (and so their watch positions, as ticking in the app
leaves them), and some episodes air in the coming 90 days. Then, in a real pty
of 120x40, each run:

- starts ``mediatrack`` and waits for the Shows rows; presses ``6`` and times
  until Up Next's first rows are drawn (a row's "N left"); presses ``7`` and
  times until the calendar's first episode is drawn;
- starts a bare Textual app and times from spawn to its first frame ("hello"):
  the floor, paired with each run in alternation (ours, floor, ours, floor...).

Each figure is the ratio of the two samples of one pair; median and range are
printed. Last, the first frame of this tree's app is timed against main's (from
``--main PATH``, default /work/main), also in alternation, and the visible
text of both first frames is compared.

Run with ``python benchmarks/modes.py [--runs N] [--tiny]``. This is not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import fcntl
import importlib.util
import os
import pty
import random
import re
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from collections.abc import Sequence
from pathlib import Path

SIZE = (120, 40)  # columns, rows
GIVE_UP = 60.0  # seconds to wait for anything to be drawn
UPCOMING = "Upcoming"  # the name of the episodes moved into the coming days
HEADER = b"mediatrack"  # the header's title: the first frame
ROWS = b"aired "  # a watched show's Next column: the Shows rows are drawn
ANSI = re.compile(
    rb"\x1b(\[[0-9;?<>=$ ]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])"
)
HERE = Path(__file__).resolve().parent
BARE = """
from textual.app import App
from textual.widgets import Static


class Bare(App):
    def compose(self):
        yield Static("hello")


Bare().run()
"""


def _library_module():
    spec = importlib.util.spec_from_file_location("bench_library", HERE / "library.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def build(path: Path, tiny: bool) -> str:
    """The library of ``benchmarks/library.py``, lived in; a line saying what it holds."""
    library = _library_module()
    counts = library.build_library(path, 80 if tiny else 10_000)  # shows come with their ticks
    from peewee import fn

    from mediatrack.store import episodes as store_episodes
    from mediatrack.store import models as m
    from mediatrack.store.models import database

    rng = random.Random(7)
    today = dt.date.today()
    with database.connection_context(), database.atomic():
        watching = list(
            m.UserProgress.select(m.UserProgress.media_item, m.UserProgress.progress)
            .join(m.MediaItem, on=(m.UserProgress.media_item == m.MediaItem.id))
            .where((m.UserProgress.status == "watching") & (m.MediaItem.type == "tv"))
            .tuples()
        )
        ticks = m.EpisodeWatch.select().count()
        last_episodes = [
            episode_id
            for (episode_id,) in m.Episode.select(fn.MAX(m.Episode.id))
            .group_by(m.Episode.season)
            .tuples()
        ]
        upcoming = rng.sample(last_episodes, max(len(last_episodes) // 10, 3))
        for n, episode_id in enumerate(upcoming):
            day = today + dt.timedelta(days=n % 90)
            m.Episode.update(air_date=day.isoformat(), name=f"{UPCOMING} {n}").where(
                m.Episode.id == episode_id
            ).execute()
        for show_id, _ in watching:
            store_episodes.save_watch_position(library.USER, show_id, today)
    listed = ", ".join(f"{count:,} {table}" for table, count in counts.items())
    return f"{listed}; {ticks:,} ticks; {len(upcoming):,} episodes in the next 90 days"


# --- a program in a pty ---------------------------------------------------------------


class Terminal:
    """A child process on a pty of ``SIZE``; what it drew, as text without escapes."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child
            try:
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        columns, rows = SIZE
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.raw = b""
        self.text = b""

    def wait_for(self, marker: bytes, after: int = 0) -> float:
        """Read until ``marker`` is drawn (past text offset ``after``); the perf_counter then."""
        deadline = time.perf_counter() + GIVE_UP
        while marker not in self.text[after:]:
            left = deadline - time.perf_counter()
            if left <= 0:
                tail = self.text[-400:].decode(errors="replace")
                raise RuntimeError(f"{marker!r} never drawn; the screen ended with {tail!r}")
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.5))
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise RuntimeError(f"the program ended before drawing {marker!r}")
                self.raw += chunk
                self.text = ANSI.sub(b"", self.raw)
        return time.perf_counter()

    def drain(self, quiet: float = 0.3) -> None:
        """Read until nothing is drawn for ``quiet`` seconds."""
        while select.select([self.fd], [], [], quiet)[0]:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.raw += chunk
        self.text = ANSI.sub(b"", self.raw)

    def press(self, key: str) -> float:
        at = time.perf_counter()
        os.write(self.fd, key.encode())
        return at

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)
        deadline = time.time() + 5
        while time.time() < deadline:
            try:
                done, _ = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                break
            if done:
                break
            try:
                while select.select([self.fd], [], [], 0.05)[0] and os.read(self.fd, 65536):
                    pass
            except OSError:
                pass
        else:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.fd)


def environment(db_path: Path, source: Path | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "COLUMNS": str(SIZE[0]),
        "LINES": str(SIZE[1]),
        "MEDIATRACK_DB": str(db_path),  # never the user's own library
    }
    if source is not None:  # another tree's mediatrack first on the path
        env["PYTHONPATH"] = str(source)
    return env


def app_argv(db_path: Path) -> list[str]:
    return [sys.executable, "-m", "mediatrack", "--db", str(db_path)]


def time_modes(db_path: Path) -> tuple[float, float]:
    """(seconds from pressing 6 to Up Next's rows, from pressing 7 to the calendar's rows)."""
    term = Terminal(app_argv(db_path), environment(db_path))
    try:
        term.wait_for(ROWS)
        term.drain()
        mark = len(term.text)
        pressed = term.press("6")
        up_next = term.wait_for(b" left", mark) - pressed
        term.drain()
        mark = len(term.text)
        pressed = term.press("7")
        calendar = term.wait_for(UPCOMING.encode(), mark) - pressed
        return up_next, calendar
    finally:
        term.close()


def time_bare(folder: Path, db_path: Path) -> float:
    """Seconds from spawning a bare Textual app to its first frame."""
    script = folder / "bare.py"
    script.write_text(BARE, encoding="utf-8")
    term = Terminal([sys.executable, str(script)], environment(db_path))
    try:
        return term.wait_for(b"hello") - term.started
    finally:
        term.close()


def first_frame(db_path: Path, source: Path | None) -> tuple[float, float, str]:
    """Seconds from spawn to the first frame (the header), to the Shows rows; the text drawn."""
    term = Terminal(app_argv(db_path), environment(db_path, source))
    try:
        frame = term.wait_for(HEADER) - term.started
        rows = term.wait_for(ROWS) - term.started
        term.drain()
        return frame, rows, term.text.decode(errors="replace")
    finally:
        term.close()


def _summary(ratios: Sequence[float]) -> str:
    return f"median {statistics.median(ratios):.2f}x (range {min(ratios):.2f}-{max(ratios):.2f})"


def _ms(samples: Sequence[float]) -> str:
    return " ".join(f"{sample * 1000:.0f}" for sample in samples)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="pairs per figure (default 5)")
    parser.add_argument("--tiny", action="store_true", help="a tiny library: a smoke run")
    parser.add_argument(
        "--main", type=Path, default=Path("/work/main/src"), help="main's src, for the first frame"
    )
    args = parser.parse_args(argv)
    runs = max(args.runs, 1)
    with tempfile.TemporaryDirectory(prefix="mediatrack-modes-") as name:
        folder = Path(name)
        db_path = folder / "library.db"
        os.environ["MEDIATRACK_DB"] = str(db_path)
        started = time.perf_counter()
        holds = build(db_path, args.tiny)
        print(f"built in {time.perf_counter() - started:.1f} s: {holds}")
        time_modes(db_path)  # warm-up: caches, the migrated file
        time_bare(folder, db_path)
        up_next, calendar, bare = [], [], []
        for _ in range(runs):
            modes = time_modes(db_path)
            floor = time_bare(folder, db_path)
            up_next.append(modes[0])
            calendar.append(modes[1])
            bare.append(floor)
        print(f"pty {SIZE[0]}x{SIZE[1]}, {runs} pairs, in alternation with the bare app")
        print(f"  up next (6) ms:   {_ms(up_next)}")
        print(f"  calendar (7) ms:  {_ms(calendar)}")
        print(f"  bare first frame ms: {_ms(bare)}")
        print(
            f"  up next / floor:  {_summary([u / b for u, b in zip(up_next, bare, strict=True)])}"
        )
        print(
            f"  calendar / floor: {_summary([c / b for c, b in zip(calendar, bare, strict=True)])}"
        )

        if not (args.main / "mediatrack").is_dir():
            print(f"no main tree at {args.main}: first frame not compared")
            return 0
        ours: list[tuple[float, float]] = []
        mains: list[tuple[float, float]] = []
        texts = {}
        first_frame(db_path, args.main)  # warm-up
        for _ in range(runs):
            *took, texts["ours"] = first_frame(db_path, None)
            ours.append((took[0], took[1]))
            *took, texts["main"] = first_frame(db_path, args.main)
            mains.append((took[0], took[1]))
        print(f"start-up vs main's, {runs} pairs in alternation")
        for index, what in enumerate(("first frame", "Shows rows")):
            here = [pair[index] for pair in ours]
            there = [pair[index] for pair in mains]
            ratios = [h / t for h, t in zip(here, there, strict=True)]
            print(f"  {what} ms: this tree {_ms(here)}; main {_ms(there)}")
            print(f"  {what} this / main: {_summary(ratios)}")
        same = _visible(texts["ours"]) == _visible(texts["main"])
        print(f"  the first frame's text is {'the same' if same else 'different'} as main's")
        if not same:
            extra = sorted(set(_visible(texts["ours"])) - set(_visible(texts["main"])))
            gone = sorted(set(_visible(texts["main"])) - set(_visible(texts["ours"])))
            print(f"    only here: {extra[:8]}")
            print(f"    only in main: {gone[:8]}")
    return 0


def _visible(text: str) -> list[str]:
    """The words drawn, in order (the stream repaints; words, not cells, are compared)."""
    return [word for word in re.split(r"\s+", text) if word and "\x1b" not in word]


if __name__ == "__main__":
    sys.exit(main())
