"""Stats benchmarks: the SQL aggregates, and opening the Stats mode, on a 10k-item library.

Builds the synthetic library of ``benchmarks/library.py`` (2,500 shows with
100,000 episodes, 2,500 movies, 3,000 books, 2,000 podcasts: 10,000 items),
ticks about two thirds of the episodes of the shows under way or done (ticks
spread over two years), then prints:

- store: the time of every figure of the Stats screen (``store.stats.stats``)
  for the last 12 months and for a calendar year, in process (median, range);
- open: in a real pseudo-terminal at 120x40, the app is started on the library
  and left until its output is quiet; then ``8`` is typed, and the time runs
  until the first figures ("Finished ...") are written to the terminal. The
  floor is a bare Textual app that switches, on ``8``, to a mode whose screen
  shows one line of text. The two run in alternation, one pair per run; the
  ratio is taken per pair; median and range are printed. Target: under 0.3 s.

Run with ``python benchmarks/stats.py [--runs N] [--tiny]``; ``--tiny`` builds a
100-item library and runs once, for CI. This is not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import importlib.util
import os
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Sequence
from pathlib import Path

SIZE = (120, 40)
TARGET = 0.3  # seconds from the key to the first figures, at 10k items
QUIET = 0.6  # seconds without output: the app has settled
GIVE_UP = 30.0  # seconds
FIGURES = b"Finished"  # the first line of the figures
TINY = {"SHOWS": 25, "MOVIES": 25, "EPISODES": 500, "BOOKS": 30, "PODCASTS": 20}

BARE = '''
"""The floor: a bare app whose key 8 switches to a mode showing one line."""
from textual.app import App
from textual.screen import Screen
from textual.widgets import Static


class Main(Screen):
    def compose(self):
        yield Static("hello")


class Figures(Screen):
    def compose(self):
        yield Static("Finished 0 items")


class Bare(App):
    MODES = {"main": Main, "figures": Figures}
    DEFAULT_MODE = "main"
    BINDINGS = [("8", "switch_mode('figures')", "Figures"), ("q", "quit", "Quit")]


Bare().run()
'''


def _library_module():
    """``benchmarks/library.py``: its library builder."""
    path = Path(__file__).with_name("library.py")
    spec = importlib.util.spec_from_file_location("library_benchmark", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def add_ticks(db_path: Path) -> int:
    """Tick two episodes in three of every show under way or done, over the last two years."""
    from mediatrack.store.db import open_database

    db = open_database(db_path)
    with db.connection_context(), db.atomic():
        db.execute_sql(
            """INSERT INTO episode_watches (created_at, updated_at, user_id, episode_id, watched_at)
            SELECT p.updated_at, p.updated_at, p.user_id, e.id,
                   datetime(p.updated_at, '-' || (e.id % 700) || ' days')
            FROM episodes e JOIN seasons s ON s.id = e.season_id
            JOIN user_progress p ON p.media_item_id = s.media_item_id
            WHERE p.status IN ('watching', 'completed') AND e.id % 3 <> 0"""
        )
        (count,) = db.execute_sql("SELECT count(*) FROM episode_watches").fetchone()
    db.close()
    return count


def time_store(db_path: Path, runs: int) -> dict[str, list[float]]:
    """Seconds per call of every Stats figure, for 12 months and for a year."""
    from mediatrack.figures import Period
    from mediatrack.store import stats
    from mediatrack.store.db import connection, open_database

    open_database(db_path)
    today = dt.date.today()
    periods = {"last 12 months": Period.last_twelve_months(today)}
    periods[f"year {today.year - 1}"] = Period.calendar_year(today.year - 1)
    samples: dict[str, list[float]] = {name: [] for name in periods}
    with connection():
        stats.stats("local", periods["last 12 months"])  # warm-up: the page cache
        for _ in range(runs):
            for name, period in periods.items():
                started = time.perf_counter()
                figures = stats.stats("local", period)
                samples[name].append(time.perf_counter() - started)
    print(
        f"  (last 12 months: {figures.total_completed:,} finished, "
        f"{figures.consumption.minutes_watched // 60:,} h watched)"
    )
    return samples


class Terminal:
    """A process in a pseudo-terminal of ``SIZE``, and what it has written so far."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        master, slave = os.openpty()
        columns, rows = SIZE
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self.fd = master
        self.output = bytearray()

    def read(self, timeout: float) -> bool:
        """Read what is there within ``timeout``; False when nothing came."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            return False
        self.output += chunk
        return bool(chunk)

    def settle(self) -> None:
        """Until the app has drawn something and then stayed quiet for ``QUIET`` seconds."""
        deadline = time.monotonic() + GIVE_UP
        while not self.output or self.read(QUIET):
            if time.monotonic() > deadline:
                raise RuntimeError("the app never settled")
            if not self.output:
                self.read(0.1)

    def time_key(self, key: bytes, marker: bytes) -> float:
        """Seconds from typing ``key`` to ``marker`` in the output."""
        start = len(self.output)
        started = time.perf_counter()
        os.write(self.fd, key)
        while marker not in self.output[start:]:
            if time.perf_counter() - started > GIVE_UP:
                raise RuntimeError(f"{marker!r} never came on screen")
            self.read(0.05)
        return time.perf_counter() - started

    def close(self) -> None:
        try:
            os.write(self.fd, b"q")
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=5)
        finally:
            os.close(self.fd)


def open_once(argv: list[str], env: dict[str, str]) -> float:
    terminal = Terminal(argv, env)
    try:
        terminal.settle()
        return terminal.time_key(b"8", FIGURES)
    finally:
        terminal.close()


def time_open(db_path: Path, bare: Path, runs: int) -> list[tuple[float, float]]:
    """(mediatrack, bare) seconds from the key to the figures, one pair per run."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("COLUMNS", "LINES", "TEXTUAL")
    }
    env.update(TERM="xterm-256color", MEDIATRACK_DB=str(db_path))
    ours = [sys.executable, "-m", "mediatrack", "--db", str(db_path)]
    floor = [sys.executable, str(bare)]
    open_once(ours, env)  # warm-up: bytecode and page caches
    open_once(floor, env)
    pairs = []
    for run in range(runs):
        if run % 2:  # alternate which goes first
            base = open_once(floor, env)
            mine = open_once(ours, env)
        else:
            mine = open_once(ours, env)
            base = open_once(floor, env)
        pairs.append((mine, base))
    return pairs


def _ms(samples: Sequence[float]) -> str:
    return (
        f"median {statistics.median(samples) * 1000:.0f} ms "
        f"(range {min(samples) * 1000:.0f} to {max(samples) * 1000:.0f})"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per figure (default 7)")
    parser.add_argument("--tiny", action="store_true", help="a 100-item library, one run (CI)")
    options = parser.parse_args(argv)
    runs = 1 if options.tiny else max(options.runs, 1)
    library = _library_module()
    if options.tiny:
        for name, value in TINY.items():
            setattr(library, name, value)

    with tempfile.TemporaryDirectory(prefix="mediatrack-bench-") as folder:
        root = Path(folder)
        db_path = root / "library.db"
        os.environ["MEDIATRACK_DB"] = str(db_path)  # nothing here may touch the user's library
        started = time.perf_counter()
        counts = library.build_library(db_path, 100 if options.tiny else 10_000, ticks=False)
        ticks = add_ticks(db_path)
        items = sum(counts[table] for table in ("media_items", "books", "podcasts"))
        print(
            f"built a library of {items:,} items with {ticks:,} ticks "
            f"in {time.perf_counter() - started:.1f} s"
        )

        print(f"store: every Stats figure, {runs} runs")
        for name, samples in time_store(db_path, runs).items():
            print(f"  {name}: {_ms(samples)}")

        bare = root / "bare.py"
        bare.write_text(BARE, encoding="utf-8")
        pairs = time_open(db_path, bare, runs)
        mine = [pair[0] for pair in pairs]
        base = [pair[1] for pair in pairs]
        ratios = [ours / floor for ours, floor in pairs]
        print(f"open Stats (key 8 to the first figures, pty {SIZE[0]}x{SIZE[1]}), {runs} pairs")
        print(f"  mediatrack: {_ms(mine)}")
        print(f"  bare mode switch: {_ms(base)}")
        print(
            f"  ratio per pair: median {statistics.median(ratios):.2f} "
            f"(range {min(ratios):.2f} to {max(ratios):.2f})"
        )
        verdict = "met" if statistics.median(mine) < TARGET else "MISSED"
        print(f"  target: under {TARGET * 1000:.0f} ms at 10k items: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
