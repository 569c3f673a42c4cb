"""Library benchmark: the app in a real terminal, against a bare Textual app, at several sizes.

For each size (items in the library, a quarter of each kind) the project's
builder makes a library once (shows with seasons, episodes and ticks; cached
under the temporary folder, copied for each run), then runs pairs of fresh
processes in alternation, mediatrack then the bare app, each in its own
pseudo-terminal of 120x40, reading what the process writes to it:

- first frame: from spawn to the first frame (the header; "hello" for the bare app);
- rows on screen: to the frame that paints the Shows' first row (the bare app's
  floor is its first frame);
- filter keystroke: once the app is idle (no output, no CPU time: the whole library
  is read), after ``/``, typing ``star`` and erasing it, from each key written to
  the last byte of the repaint it causes (the bare app repaints one widget per
  key: that is the floor);
- 50 x PgDn: the same, summed over fifty Page Down keys in the table;
- RSS: the process's peak resident memory (VmHWM) after all of that.

Each figure is a ratio taken per pair; the median and range over the pairs are
printed. ``--sizes 8 --pairs 1 --pages 2`` is the smoke run.

``--views`` goes on to the other screens on the 10k library, each against the
bare app's mode switch: Friends, Up Next and Calendar, then the first frame
against another tree's (``benchmarks/modes.py``, ``--main PATH``), then Stats
(``benchmarks/stats.py``). This is not a test.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import random
import select
import shutil
import signal
import sqlite3
import statistics
import struct
import sys
import tempfile
import termios
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

USER = "local"
COLUMNS, LINES = 120, 40
CHUNK = 500  # rows per INSERT
TYPED = "star"  # typed into the Shows filter, then erased with backspace
PAGES = 50
QUIET = 0.12  # seconds without output and (nearly) without CPU time: the app is idle again
IDLE_TICKS = 1  # clock ticks (10 ms) a process may use in QUIET and still be idle: timers
BURST = 0.06  # a pause this long ends the repaint a key caused (not the detail read, at 0.1 s)
GIVE_UP = 60.0  # seconds to wait for any one frame
PAGE_DOWN = b"\x1b[6~"
BACKSPACE = b"\x7f"


def _words(text: str) -> list[str]:
    return text.split()


WORDS = _words(
    """
    star stars storm stone street state station stranger story last lost long light little night
    dark dead dream blue black red white golden silver iron glass city house home world river
    sea ocean island mountain valley forest garden road bridge tower castle kingdom empire crown
    king queen prince princess lord lady hunter killer doctor detective love heart blood fire
    ice shadow ghost angel devil wolf dragon bird tiger lion horse war peace game secret silent
    hidden broken wild free young old new first final summer winter spring autumn morning
    evening midnight sun moon sky earth space time line edge point circle code signal echo
    mirror paper letter song music dance family brother sister mother father son daughter
    friends strangers neighbours crime law order justice truth lies money power glory honour
    fortune luck chance journey return escape rise fall fight run chase hunt search quest
    mission zero one two three seven hundred thousand million north south east west
    """
)
PEOPLE = _words("Anna Ben Clara David Emma Frank Grace Henry Iris Jack Kate Leo Maya Nina Oscar")
SURNAMES = _words("Smith Jones Taylor Brown Moreau Rossi Novak Tanaka Silva Garcia Okafor Berg")


# --- the library, built by the project's own models ---------------------------------


def _title(rng: random.Random) -> str:
    def word() -> str:
        return rng.choice(WORDS).capitalize()

    roll = rng.random()
    if roll < 0.25:
        return f"The {word()} {word()}"
    if roll < 0.45:
        return f"{word()} of {word()}"
    if roll < 0.70:
        return f"{word()} {word()}"
    if roll < 0.85:
        return word()
    return f"{word()} {word()} {word()}"


def _date(rng: random.Random, first_year: int = 1950, last_year: int = 2025) -> str:
    year, month, day = rng.randint(first_year, last_year), rng.randint(1, 12), rng.randint(1, 28)
    return f"{year:04d}-{month:02d}-{day:02d}"


def build_library(
    path: Path, size: int = 10_000, seed: int = 2024, *, ticks: bool = True
) -> dict[str, int]:
    """A library of ``size`` items (a quarter of each kind) at ``path``; rows per table.

    Shows get 1-4 seasons of 6-14 episodes; those being watched or completed get
    their ticks (one row per episode seen) and their watch position (``ticks=False``:
    neither, for a caller that ticks its own way).
    """
    import datetime as dt

    from mediatrack.store import models as m
    from mediatrack.store.db import open_database

    rng = random.Random(seed)
    now = m.utcnow()
    db = open_database(path)
    quarter = max(size // 4, 1)
    weights = (2, 4, 3, 1)  # active, done, planned, dropped
    rows: dict[Any, list[tuple]] = {}

    def add(model: Any, row: tuple) -> None:
        rows.setdefault(model, []).append(row)

    def moments() -> tuple[dt.datetime, dt.datetime]:
        updated = now - dt.timedelta(seconds=rng.uniform(0, 2 * 365 * 86_400))
        return updated - dt.timedelta(seconds=rng.uniform(0, 365 * 86_400)), updated

    season_id = episode_id = tick_id = 0
    for item_id in range(1, 2 * quarter + 1):
        is_tv = item_id <= quarter
        created, updated = moments()
        title = _title(rng)
        status = rng.choices(m.WATCH_STATUSES, weights)[0]
        if not is_tv:
            add(m.MediaItem, (item_id, created, updated, 2_000_000 + item_id, "movie", title,
                              title, f"A film about {title.lower()}.", _date(rng), 70,
                              rng.randint(10, 30_000), None, None))  # fmt: skip
            add(m.UserProgress, (item_id, created, updated, USER, item_id, status,
                                 int(status == "completed")))  # fmt: skip
        else:
            episode_ids: list[int] = []
            seasons = rng.randint(1, 4)
            for number in range(1, seasons + 1):
                season_id += 1
                count = rng.randint(6, 14)
                add(m.Season, (season_id, created, created, item_id, 5_000_000 + season_id,
                               number, f"Season {number}", count))  # fmt: skip
                for episode in range(1, count + 1):
                    episode_id += 1
                    episode_ids.append(episode_id)
                    add(m.Episode, (episode_id, created, created, season_id,
                                    10_000_000 + episode_id, episode, f"Episode {episode}",
                                    _date(rng), 45))  # fmt: skip
            total = len(episode_ids)
            add(m.MediaItem, (item_id, created, updated, 1_000_000 + item_id, "tv", title,
                              title if rng.random() < 0.8 else _title(rng),
                              f"A show about {title.lower()}.", _date(rng), 70,
                              rng.randint(10, 30_000), seasons, total))  # fmt: skip
            done = {"completed": total, "plan_to_watch": 0}.get(status, rng.randint(0, total))
            add(m.UserProgress, (item_id, created, updated, USER, item_id, status, done))
            for watched in episode_ids[:done] if ticks else []:
                tick_id += 1
                add(m.EpisodeWatch, (tick_id, created, updated, USER, watched, updated))
            last = episode_ids[done - 1] if done else None
            following = episode_ids[done] if done < total else None
            if ticks:
                add(m.WatchPosition, (item_id, USER, item_id, last, following))
        if rng.random() < 0.4:
            add(m.Rating, (item_id, created, updated, USER, item_id, rng.randint(1, 10)))
    for number in range(1, quarter + 1):
        created, updated = moments()
        pages = rng.randint(80, 1200)
        status = rng.choices(m.BOOK_STATUSES, weights)[0]
        read = {"completed": pages, "plan_to_read": 0}.get(status, rng.randint(0, pages))
        author = f"{rng.choice(PEOPLE)} {rng.choice(SURNAMES)}"
        add(m.Book, (number, created, updated, f"gb{number:07d}", _title(rng), [author],
                     _date(rng, 1850), pages, "en"))  # fmt: skip
        add(m.UserBookProgress, (number, created, updated, USER, number, status, read,
                                 rng.randint(1, 10) if rng.random() < 0.4 else None))  # fmt: skip
        count = rng.randint(5, 800)
        status = rng.choices(m.PODCAST_STATUSES, weights)[0]
        heard = {"listened": count, "plan_to_listen": 0}.get(status, rng.randint(0, count))
        artist = f"{rng.choice(PEOPLE)} {rng.choice(SURNAMES)}"
        add(m.Podcast, (number, created, updated, f"it{number:07d}", _title(rng), artist,
                        _date(rng, 2005), count))  # fmt: skip
        rating = rng.randint(1, 10) if rng.random() < 0.3 else None
        add(m.UserPodcastProgress, (number, created, updated, USER, number, status, heard, rating))

    mi, se, ep, up, ra = m.MediaItem, m.Season, m.Episode, m.UserProgress, m.Rating
    ew, wp, bo, ub, po, pp = (m.EpisodeWatch, m.WatchPosition, m.Book, m.UserBookProgress,
                              m.Podcast, m.UserPodcastProgress)  # fmt: skip
    fields: dict[Any, list[Any]] = {
        mi: [mi.id, mi.created_at, mi.updated_at, mi.tmdb_id, mi.type, mi.title,
             mi.original_title, mi.overview, mi.release_date, mi.vote_average, mi.vote_count,
             mi.number_of_seasons, mi.number_of_episodes],
        se: [se.id, se.created_at, se.updated_at, se.media_item, se.tmdb_id, se.season_number,
             se.name, se.episode_count],
        ep: [ep.id, ep.created_at, ep.updated_at, ep.season, ep.tmdb_id, ep.episode_number,
             ep.name, ep.air_date, ep.runtime],
        up: [up.id, up.created_at, up.updated_at, up.user, up.media_item, up.status, up.progress],
        ew: [ew.id, ew.created_at, ew.updated_at, ew.user, ew.episode, ew.watched_at],
        wp: [wp.id, wp.user, wp.media_item, wp.last_episode, wp.next_episode],
        ra: [ra.id, ra.created_at, ra.updated_at, ra.user, ra.media_item, ra.rating],
        bo: [bo.id, bo.created_at, bo.updated_at, bo.google_id, bo.title, bo.authors,
             bo.published_date, bo.page_count, bo.language],
        ub: [ub.id, ub.created_at, ub.updated_at, ub.user, ub.book, ub.status, ub.progress,
             ub.rating],
        po: [po.id, po.created_at, po.updated_at, po.itunes_id, po.collection_name,
             po.artist_name, po.release_date, po.episode_count],
        pp: [pp.id, pp.created_at, pp.updated_at, pp.user, pp.podcast, pp.status, pp.progress,
             pp.rating],
    }  # fmt: skip
    with db.connection_context(), db.atomic():
        for model in fields:  # parents before children
            table = rows.get(model, [])
            for start in range(0, len(table), CHUNK):
                model.insert_many(table[start : start + CHUNK], fields=fields[model]).execute()
    db.close()
    return {model._meta.table_name: len(rows.get(model, [])) for model in fields}


def first_show_title(path: Path) -> str:
    """The title the Shows table puts on its first row (sorted by folded title, then as stored)."""
    from mediatrack.folding import fold

    with sqlite3.connect(path) as connection:
        titles = connection.execute(
            "SELECT m.title FROM user_progress p JOIN media_items m ON m.id = p.media_item_id "
            "WHERE p.user_id = ? AND p.deleted_at IS NULL AND m.type = 'tv'",
            (USER,),
        ).fetchall()
    connection.close()
    return min((fold(title), title) for (title,) in titles)[1]


# --- one process in a pseudo-terminal -------------------------------------------------

BARE = """
from textual.app import App
from textual.widgets import Static


class Bare(App):
    '''The floor: a first frame, then one widget repainted per key.'''

    def compose(self):
        yield Static("hello", id="hello")

    def on_key(self, event):
        self.keys = getattr(self, "keys", 0) + 1
        self.query_one("#hello", Static).update(f"hello {self.keys} {event.key}")


Bare().run()
"""


class Terminal:
    """A child process in a pseudo-terminal of COLUMNS x LINES, and what it wrote."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child
            os.execvpe(argv[0], argv, env)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        self.output = bytearray()

    def _read(self, timeout: float) -> float | None:
        """Read what is there within ``timeout``; the time it arrived, None if nothing did."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return None
        try:
            chunk = os.read(self.fd, 1 << 16)
        except OSError:
            chunk = b""
        if not chunk:
            raise RuntimeError(f"the process ended; it wrote:\n{self.output[-2000:]!r}")
        self.output += chunk
        return time.perf_counter()

    def wait_for(self, text: str, since: int = 0) -> float:
        """Seconds from spawn until ``text`` is in the output written after offset ``since``."""
        wanted = text.encode()
        deadline = time.perf_counter() + GIVE_UP
        while wanted not in self.output[since:]:
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{text!r} never appeared; last output:\n{self.output[-800:]!r}")
            self._read(0.5)
        return time.perf_counter() - self.started

    def settle(self) -> None:
        """Read until the process is idle: no output and no CPU time used for ``QUIET``.

        Quiet output alone is not idle: a library of 100k items is still being read in
        a thread, writing nothing, for about half a second after its first rows are
        on screen, and a key typed then measures that read as much as the key.
        """
        deadline = time.perf_counter() + GIVE_UP
        while True:
            used = self.cpu_ticks()
            if self._read(QUIET) is None and self.cpu_ticks() - used <= IDLE_TICKS:
                return
            if time.perf_counter() > deadline:
                raise RuntimeError("the process never went idle")

    def cpu_ticks(self) -> int:
        """The CPU time the process has used, in clock ticks (user and system)."""
        with open(f"/proc/{self.pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    def key(self, data: bytes) -> float:
        """Write one key; seconds to the end of the repaint it caused (0: none), then idle.

        The repaint is the first burst of output; what comes after a pause of
        ``BURST`` (the detail pane's delayed read, a cursor blink) is not counted.
        """
        self.settle()
        sent = time.perf_counter()
        os.write(self.fd, data)
        first = self._read(GIVE_UP if data != PAGE_DOWN else QUIET)
        if first is None:
            return 0.0
        last = first
        while (arrived := self._read(BURST)) is not None:
            last = arrived
        return last - sent

    def peak_rss_mb(self) -> float:
        with open(f"/proc/{self.pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except OSError:
            pass
        os.close(self.fd)


@dataclass
class Run:
    """What one process showed and cost."""

    figures: dict[str, float] = field(default_factory=dict)


def run_once(
    argv: list[str], env: dict[str, str], frame: str, rows: str, filter_ready: str, pages: int
) -> Run:
    """Spawn, wait for the first frame and the rows, type in the filter, page down, measure."""
    terminal = Terminal(argv, env)
    try:
        run = Run()
        run.figures["first frame"] = terminal.wait_for(frame)
        run.figures["rows on screen"] = terminal.wait_for(rows)
        terminal.settle()
        mark = len(terminal.output)
        terminal.key(b"/")
        terminal.wait_for(filter_ready, since=mark)
        keys = [key.encode() for key in TYPED] + [BACKSPACE] * len(TYPED)
        run.figures["filter keystroke"] = statistics.median(terminal.key(key) for key in keys)
        terminal.key(b"\r")  # back to the table
        run.figures[f"{pages} x PgDn"] = sum(terminal.key(PAGE_DOWN) for _ in range(pages))
        run.figures["peak RSS"] = terminal.peak_rss_mb()
        return run
    finally:
        terminal.close()


# --- pairs and the report --------------------------------------------------------------

UNITS = {"first frame": "s", "rows on screen": "s", "filter keystroke": "ms", "peak RSS": "MB"}


def measure_size(
    size: int, cache: Path, pairs: int, folder: Path, pages: int = PAGES
) -> dict[str, list[tuple]]:
    """(mediatrack, bare) figures of ``pairs`` alternated runs on a library of ``size`` items."""
    built = cache / f"library-{size}.db"
    if not built.exists():
        started = time.perf_counter()
        counts = build_library(folder / "building.db", size)
        shutil.move(folder / "building.db", built)
        listed = ", ".join(f"{count:,} {table}" for table, count in counts.items())
        print(f"  built in {time.perf_counter() - started:.0f} s: {listed}", flush=True)
    # Opened once by this code (migrations, if any, run here, not in a timed run).
    prepared = folder / f"prepared-{size}.db"
    shutil.copy(built, prepared)
    from mediatrack.store.db import database, open_database

    open_database(prepared)
    database.close()
    rows = first_show_title(prepared)
    home = folder / "home"
    home.mkdir(exist_ok=True)
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config")}
    env |= {"XDG_DATA_HOME": str(home / "data"), "XDG_CACHE_HOME": str(home / "cache")}
    env |= {"TERM": "xterm-256color", "COLUMNS": str(COLUMNS), "LINES": str(LINES)}
    bare = folder / "bare.py"
    bare.write_text(BARE, encoding="utf-8")
    figures: dict[str, list[tuple]] = {}
    for pair in range(pairs + 1):  # the first pair warms the caches and is not counted
        library = folder / "run.db"
        shutil.copy(prepared, library)
        ours = run_once(
            [sys.executable, "-m", "mediatrack", "--db", str(library)],
            {**env, "MEDIATRACK_DB": str(library)},
            "mediatrack",
            rows,
            "Filter by title",
            pages,
        )
        floor = run_once([sys.executable, str(bare)], env, "hello", "hello", "hello 1", pages)
        for name in ours.figures:
            if pair:
                figures.setdefault(name, []).append((ours.figures[name], floor.figures[name]))
    return figures


def summary_line(name: str, samples: list[tuple]) -> str:
    unit = UNITS.get(name, "s")  # "50 x PgDn": seconds
    scale = 1000 if unit == "ms" else 1
    ours = statistics.median(sample[0] for sample in samples) * scale
    floor = statistics.median(sample[1] for sample in samples) * scale
    ratios = sorted(mine / base for mine, base in samples if base > 0)
    ratio = ""
    if ratios:
        ratio = f"{statistics.median(ratios):5.2f}x ({ratios[0]:.2f}-{ratios[-1]:.2f})"
    return f"  {name:<18} {ours:9.3f} {unit:<2} {floor:9.3f} {unit:<2}  {ratio}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,10000,100000", help="items per library")
    parser.add_argument("--pairs", type=int, default=5, help="timed pairs per size (default 5)")
    parser.add_argument("--cache", type=Path, help="keep built libraries here (default: a temp)")
    parser.add_argument("--pages", type=int, default=PAGES, help="Page Down keys (default 50)")
    parser.add_argument(
        "--views", action="store_true", help="also Friends, Up Next, Calendar, Stats (10k)"
    )
    parser.add_argument(
        "--main", type=Path, help="with --views: the tree whose first frame to match"
    )
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    compiled()
    with tempfile.TemporaryDirectory(prefix="mediatrack-bench-") as temporary:
        folder = Path(temporary)
        os.environ["MEDIATRACK_DB"] = str(folder / "none.db")  # never the user's own library
        cache = args.cache or folder
        cache.mkdir(parents=True, exist_ok=True)
        print(f"{'':20} {'mediatrack':>12} {'bare app':>12}  ratio per pair: median (range)")
        for size in sizes:
            print(f"{size:,} items, {max(args.pairs, 1)} pairs", flush=True)
            figures = measure_size(size, cache, max(args.pairs, 1), folder, max(args.pages, 1))
            for name, samples in figures.items():
                print(summary_line(name, samples), flush=True)
    if args.views:
        views = ["--runs", str(max(args.pairs, 1))]
        first = ["--main", str(args.main)] if args.main else []
        _sibling("modes").main(views + first)
        _sibling("stats").main(views)
    return 0


def compiled() -> None:
    """Byte-compile mediatrack, as ``pip install .`` leaves it: the bare app's Textual is
    compiled, and an editable install under PYTHONDONTWRITEBYTECODE would compile
    mediatrack from source on every start (about 30 ms that no installed copy pays)."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("mediatrack")
    if spec is not None and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            compileall.compile_dir(folder, quiet=1)


def _sibling(name: str):
    """Another benchmark script of this folder, as a module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        f"benchmark_{name}", Path(__file__).resolve().parent / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


if __name__ == "__main__":
    sys.exit(main())
