"""Opening Friends (5), Up Next (6) and Calendar (7) on a large library, in a real terminal.

Builds the synthetic library of ``benchmarks/library.py`` (10,000 items; ``--tiny``
for a smoke run), then makes it look lived in: the shows being watched get the
ticks their progress says (and so their watch positions, as ticking in the app
leaves them), and some episodes air in the coming 90 days. Then, in a real pty
of 120x40, each run:

- starts ``mediatrack`` and waits for the Shows rows; presses ``5`` and times
  until the Friends screen has read who is in (no one: "Friends need an account");
  presses ``6`` and times until Up Next's first rows are drawn (a row's "N left");
  presses ``7`` and times until the calendar's first episode is drawn;
- starts a bare Textual app with the same modes (each screen shows one line) and
  does the same: the floor of a first mode switch, paired with each run in
  alternation (ours first, then the floor first, and so on).

Each figure is the ratio of the two samples of one pair; median and range are
printed. Last, the first frame of this tree's app is timed against another tree's
(``--main PATH``: its ``src``, default /work/main/src), also in alternation, both on
one 10k library built by the other tree's ``benchmarks/library.py`` (this tree
migrates its copy first), and the visible text of both first frames is compared.

Run with ``python benchmarks/modes.py [--runs N] [--tiny] [--main PATH]``. This is
not a test.
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
import shutil
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
FRIENDS = b"need an account"  # the Friends screen has read who is in (no one)
BARE = """
from textual.app import App
from textual.screen import Screen
from textual.widgets import Static


def screen(text):
    class Line(Screen):
        def compose(self):
            yield Static(text)

    return Line


class Bare(App):
    MODES = {
        "main": screen("hello"),
        "friends": screen("Friends need an account"),
        "up_next": screen("3 left"),
        "calendar": screen("Upcoming 0"),
    }
    DEFAULT_MODE = "main"
    BINDINGS = [
        ("5", "switch_mode('friends')", "Friends"),
        ("6", "switch_mode('up_next')", "Up Next"),
        ("7", "switch_mode('calendar')", "Calendar"),
    ]


Bare().run()
"""
KEYS = (("5", FRIENDS), ("6", b" left"), ("7", UPCOMING.encode()))


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


def press_modes(term: Terminal, ready: bytes) -> list[float]:
    """Once ``ready`` is drawn: seconds from each of 5, 6, 7 to its screen's first content."""
    term.wait_for(ready)
    term.drain()
    took = []
    for key, marker in KEYS:
        mark = len(term.text)
        pressed = term.press(key)
        took.append(term.wait_for(marker, mark) - pressed)
        term.drain()
    return took


def time_modes(db_path: Path) -> list[float]:
    """Seconds from 5, 6 and 7 to Friends, Up Next and the calendar, in mediatrack."""
    term = Terminal(app_argv(db_path), environment(db_path))
    try:
        return press_modes(term, ROWS)
    finally:
        term.close()


def time_bare(folder: Path, db_path: Path) -> list[float]:
    """The same in a bare Textual app whose modes show one line each."""
    script = folder / "bare.py"
    script.write_text(BARE, encoding="utf-8")
    term = Terminal([sys.executable, str(script)], environment(db_path))
    try:
        return press_modes(term, b"hello")
    finally:
        term.close()


def first_frame(db_path: Path, source: Path | None) -> tuple[float, str]:
    """Seconds from spawn to the first frame (the header); the text drawn by then and in
    the moment after (the first frame's full text)."""
    term = Terminal(app_argv(db_path), environment(db_path, source))
    try:
        frame = term.wait_for(HEADER) - term.started
        term.drain()
        return frame, term.text.decode(errors="replace")
    finally:
        term.close()


BUILD = """
import importlib.util, inspect, sys
from pathlib import Path
spec = importlib.util.spec_from_file_location("tree_library", sys.argv[1])
module = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = module
spec.loader.exec_module(module)
size = int(sys.argv[3])
if "size" in inspect.signature(module.build_library).parameters:
    module.build_library(Path(sys.argv[2]), size)
else:  # an older builder: its sizes are module constants
    if size < 10_000:
        for name, value in {"SHOWS": 20, "MOVIES": 20, "EPISODES": 400, "BOOKS": 20,
                            "PODCASTS": 20}.items():
            setattr(module, name, value)
    module.build_library(Path(sys.argv[2]))
"""


def build_with(tree: Path, path: Path, tiny: bool) -> None:
    """A library at ``path`` built by ``tree``'s own code (``tree`` holds src/, benchmarks/)."""
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(tree / "src"), "MEDIATRACK_DB": str(path)}
    argv = [sys.executable, "-c", BUILD, str(tree / "benchmarks" / "library.py"), str(path)]
    subprocess.run([*argv, "80" if tiny else "10000"], env=env, check=True)


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
        ours, floor = [], []
        for run in range(runs):
            if run % 2:  # alternate which goes first
                floor.append(time_bare(folder, db_path))
                ours.append(time_modes(db_path))
            else:
                ours.append(time_modes(db_path))
                floor.append(time_bare(folder, db_path))
        print(f"pty {SIZE[0]}x{SIZE[1]}, {runs} pairs in alternation with a bare app's modes")
        for index, name in enumerate(("friends (5)", "up next (6)", "calendar (7)")):
            here = [sample[index] for sample in ours]
            there = [sample[index] for sample in floor]
            ratios = [h / t for h, t in zip(here, there, strict=True)]
            print(f"  {name} ms: mediatrack {_ms(here)}; bare {_ms(there)}")
            print(
                f"  {name}: mediatrack median {statistics.median(here) * 1000:.0f} ms, "
                f"bare {statistics.median(there) * 1000:.0f} ms; ratio {_summary(ratios)}"
            )

        main_tree = args.main.parent
        if not (args.main / "mediatrack").is_dir():
            print(f"no tree at {args.main}: first frame not compared")
            return 0
        # One library for both trees, built by the other tree's builder (the older tree
        # cannot read a newer file); this tree migrates its copy during the warm-up.
        there_db, here_db = folder / "first-there.db", folder / "first-here.db"
        build_with(main_tree, there_db, args.tiny)
        shutil.copyfile(there_db, here_db)
        texts = {}
        first_frame(there_db, args.main)  # warm-up
        first_frame(here_db, HERE.parent / "src")
        mine: list[float] = []
        theirs: list[float] = []
        for run in range(runs):
            for which in ("there", "here") if run % 2 else ("here", "there"):
                if which == "here":
                    took, texts["ours"] = first_frame(here_db, HERE.parent / "src")
                    mine.append(took)
                else:
                    took, texts["main"] = first_frame(there_db, args.main)
                    theirs.append(took)
        ratios = [h / t for h, t in zip(mine, theirs, strict=True)]
        print(f"start-up vs {args.main}, {runs} pairs in alternation, the same library")
        print(f"  first frame ms: this tree {_ms(mine)}; other {_ms(theirs)}")
        print(
            f"  first frame: this tree median {statistics.median(mine) * 1000:.0f} ms, "
            f"other {statistics.median(theirs) * 1000:.0f} ms; ratio {_summary(ratios)}"
        )
        same = _visible(texts["ours"]) == _visible(texts["main"])
        print(f"  the first frame's text is {'the same' if same else 'different'} as the other's")
        if not same:
            extra = sorted(set(_visible(texts["ours"])) - set(_visible(texts["main"])))
            gone = sorted(set(_visible(texts["main"])) - set(_visible(texts["ours"])))
            print(f"    only here: {extra[:8]}")
            print(f"    only there: {gone[:8]}")
    return 0


def _visible(text: str) -> list[str]:
    """The words drawn, in order (the stream repaints; words, not cells, are compared)."""
    return [word for word in re.split(r"\s+", text) if word and "\x1b" not in word]


if __name__ == "__main__":
    sys.exit(main())
