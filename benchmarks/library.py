"""Library benchmarks: start-up, filter latency and memory against bare Textual floors.

Builds a synthetic library (2,500 shows with 100,000 episodes, 2,500 movies,
3,000 books, 2,000 podcasts) in a temporary database, then prints figures:

- start-up: median over ``--runs`` fresh processes of the time from just before
  the process is spawned to the app's ``Ready`` event (Textual posts it after the
  first frame), and to the frame that paints the Shows rows, against a bare app
  that paints one ``Static("hello")``. The end of the first compositor refresh
  is shown too: ``Ready`` is handled after whatever the app queued meanwhile.
- filter: in process, through ``run_test`` and Pilot, from pressing a key in the
  Shows filter to the end of the last frame that redrew the table (after the
  app is idle again), against a bare app that clears and refills a
  ``DataTable`` with the matching rows on every ``Input.Changed``.
- peak RSS (VmHWM) of the start-up processes once their rows are on screen.

Run with ``python benchmarks/library.py [--runs N]``. This is not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import importlib.util
import inspect
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

USER = "local"
SIZE = (130, 40)  # terminal size for every app, in process and in the children
CHUNK = 500  # rows per INSERT
SHOWS, MOVIES, EPISODES = 2_500, 2_500, 100_000
BOOKS, PODCASTS = 3_000, 2_000
TYPED = "star"  # typed into the Shows filter, then erased with backspace
TARGETS = {"first frame": 1.3, "filter keystroke": 0.5, "peak RSS": 1.5}  # ratio <= target


def _words(text: str) -> list[str]:
    """The words of a block of text."""
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
SURNAMES = _words(
    """
    Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans
    Walker White Roberts Green Hall Wood Jackson Clarke Martin Moreau Rossi Novak Tanaka
    Kowalski Silva Garcia Lopez Nakamura Okafor Mensah Larsen Berg Fischer Weber
    """
)
GIVEN = _words(
    """
    Anna Ben Clara David Emma Frank Grace Henry Iris Jack Kate Leo Maya Nina Oscar Paul Rosa Sam
    Tara Uma Victor Wendy Yusuf Zoe Ada Ravi Mei Omar Lena Ivan
    """
)


# --- the synthetic library ---------------------------------------------------------


def _title(rng: random.Random) -> str:
    """A title made of random words: "The Silent Kingdom", "Edge of Midnight"..."""

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


def _person(rng: random.Random) -> str:
    """A made-up author or artist."""
    return f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}"


def _date(rng: random.Random, first_year: int = 1950, last_year: int = 2025) -> str:
    """An ISO date between the two years."""
    return dt.date(
        rng.randint(first_year, last_year), rng.randint(1, 12), rng.randint(1, 28)
    ).isoformat()


def _moments(rng: random.Random, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """(created_at, updated_at): a few touched in the last day, most over two years."""
    age = rng.uniform(0, 86_400) if rng.random() < 0.05 else rng.uniform(0, 2 * 365 * 86_400)
    updated = now - dt.timedelta(seconds=age)
    return updated - dt.timedelta(seconds=rng.uniform(0, 365 * 86_400)), updated


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` split into ``parts`` positive, uneven shares."""
    weights = [rng.paretovariate(1.5) for _ in range(parts)]
    scale = (total - parts) / sum(weights)
    shares = [1 + int(weight * scale) for weight in weights]
    shares[0] += total - sum(shares)
    return shares


def _insert(model: Any, fields: Sequence[Any], rows: list[tuple]) -> None:
    """Bulk insert in chunks (the caller holds the transaction)."""
    for start in range(0, len(rows), CHUNK):
        model.insert_many(rows[start : start + CHUNK], fields=fields).execute()


def build_library(path: Path, seed: int = 2024) -> dict[str, int]:
    """Create the synthetic library at ``path``; returns the row count per table."""
    from mediatrack.store import models as m
    from mediatrack.store.db import open_database

    rng = random.Random(seed)
    now = m.utcnow()
    db = open_database(path)
    watch, books, pods = m.WATCH_STATUSES, m.BOOK_STATUSES, m.PODCAST_STATUSES
    weights = (2, 4, 3, 1)  # active, done, planned, dropped
    items, seasons, episodes, progress, ratings = [], [], [], [], []
    episode_id = season_id = 0
    for item_id, episode_total in enumerate(_split(EPISODES, SHOWS, rng), start=1):
        created, updated = _moments(rng, now)
        title = _title(rng)
        per_season = _split(episode_total, min(rng.randint(1, 8), episode_total), rng)
        items.append(
            (item_id, created, updated, 1_000_000 + item_id, "tv", title,
             title if rng.random() < 0.8 else _title(rng), f"A show about {title.lower()}.",
             _date(rng), rng.randint(30, 90), rng.randint(10, 30_000), ["Drama"],
             None, rng.choice(("Ended", "Returning Series")), len(per_season), episode_total)
        )  # fmt: skip
        for number, count in enumerate(per_season, start=1):
            season_id += 1
            seasons.append((season_id, created, created, item_id, 5_000_000 + season_id, number,
                            f"Season {number}", count))  # fmt: skip
            for episode in range(1, count + 1):
                episode_id += 1
                episodes.append((episode_id, created, created, season_id, 10_000_000 + episode_id,
                                 episode, f"Episode {episode}", _date(rng), 45))  # fmt: skip
        status = rng.choices(watch, weights)[0]
        done = {"completed": episode_total, "plan_to_watch": 0}.get(
            status, rng.randint(0, episode_total)
        )
        progress.append((item_id, created, updated, USER, item_id, status, done))
    for item_id in range(SHOWS + 1, SHOWS + MOVIES + 1):
        created, updated = _moments(rng, now)
        title = _title(rng)
        items.append(
            (item_id, created, updated, 2_000_000 + item_id, "movie", title, title,
             f"A film about {title.lower()}.", _date(rng), rng.randint(30, 90),
             rng.randint(10, 30_000), ["Thriller"], rng.randint(80, 180), "Released", None, None)
        )  # fmt: skip
        status = rng.choices(watch, weights)[0]
        progress.append(
            (item_id, created, updated, USER, item_id, status, int(status == "completed"))
        )
    for row in progress:
        if rng.random() < 0.4:
            ratings.append((row[0], row[1], row[2], USER, row[4], rng.randint(1, 10)))

    book_rows, book_progress = [], []
    for book_id in range(1, BOOKS + 1):
        created, updated = _moments(rng, now)
        pages = rng.randint(80, 1200)
        status = rng.choices(books, weights)[0]
        read = {"completed": pages, "plan_to_read": 0}.get(status, rng.randint(0, pages))
        authors = [_person(rng) for _ in range(1 if rng.random() < 0.85 else 2)]
        book_rows.append((book_id, created, updated, f"gb{book_id:07d}", _title(rng), authors,
                          _date(rng, 1850), pages, "en"))  # fmt: skip
        rating = rng.randint(1, 10) if rng.random() < 0.4 else None
        book_progress.append((book_id, created, updated, USER, book_id, status, read, rating))

    pod_rows, pod_progress = [], []
    for pod_id in range(1, PODCASTS + 1):
        created, updated = _moments(rng, now)
        count = rng.randint(5, 800)
        status = rng.choices(pods, weights)[0]
        heard = {"listened": count, "plan_to_listen": 0}.get(status, rng.randint(0, count))
        pod_rows.append((pod_id, created, updated, f"it{pod_id:07d}", _title(rng), _person(rng),
                         _date(rng, 2005), count))  # fmt: skip
        rating = rng.randint(1, 10) if rng.random() < 0.3 else None
        pod_progress.append((pod_id, created, updated, USER, pod_id, status, heard, rating))

    mi, se, ep, up, ra = m.MediaItem, m.Season, m.Episode, m.UserProgress, m.Rating
    ub, po, pp = m.UserBookProgress, m.Podcast, m.UserPodcastProgress
    tables: list[tuple[Any, Sequence[Any], list[tuple]]] = [
        (mi, [mi.id, mi.created_at, mi.updated_at, mi.tmdb_id, mi.type, mi.title,
              mi.original_title, mi.overview, mi.release_date, mi.vote_average, mi.vote_count,
              mi.genres, mi.runtime, mi.status, mi.number_of_seasons,
              mi.number_of_episodes], items),
        (se, [se.id, se.created_at, se.updated_at, se.media_item, se.tmdb_id, se.season_number,
              se.name, se.episode_count], seasons),
        (ep, [ep.id, ep.created_at, ep.updated_at, ep.season, ep.tmdb_id, ep.episode_number,
              ep.name, ep.air_date, ep.runtime], episodes),
        (up, [up.id, up.created_at, up.updated_at, up.user, up.media_item, up.status,
              up.progress], progress),
        (ra, [ra.id, ra.created_at, ra.updated_at, ra.user, ra.media_item, ra.rating], ratings),
        (m.Book, [m.Book.id, m.Book.created_at, m.Book.updated_at, m.Book.google_id,
                  m.Book.title, m.Book.authors, m.Book.published_date, m.Book.page_count,
                  m.Book.language], book_rows),
        (ub, [ub.id, ub.created_at, ub.updated_at, ub.user, ub.book, ub.status, ub.progress,
              ub.rating], book_progress),
        (po, [po.id, po.created_at, po.updated_at, po.itunes_id, po.collection_name, po.artist_name,
              po.release_date, po.episode_count], pod_rows),
        (pp, [pp.id, pp.created_at, pp.updated_at, pp.user, pp.podcast, pp.status,
              pp.progress, pp.rating], pod_progress),
    ]  # fmt: skip
    with db.connection_context(), db.atomic():
        for model, fields, rows in tables:
            _insert(model, fields, rows)
    return {model._meta.table_name: len(rows) for model, _, rows in tables}


# --- start-up and memory: fresh processes -------------------------------------------

CHILD = '''
"""One timed start-up: prints JSON {paint, frame, rows, count, rss_kb} once the app exits."""
import json, os, resource, sys, time

GIVE_UP = 30  # seconds
marks = {}
if os.environ.get("BENCH_WITHOUT_PSYCOPG"):
    # As if psycopg (a dev extra) were not installed: peewee imports it when it can.
    sys.modules["psycopg"] = sys.modules["psycopg2"] = None


def peak_rss_kb():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def app_arguments(path):
    """Open the library the way the app's own entry point does, for either app API."""
    import inspect

    from mediatrack.app import MediaTrackApp

    if "db_path" in inspect.signature(MediaTrackApp).parameters:
        return {"db_path": path}  # the app opens the file in its first worker
    from mediatrack.store.db import open_database

    open_database(path)
    return {}


def stamp_first_paint():
    """Also stamp the end of the first compositor refresh: the first frame, before Ready."""
    from textual.screen import Screen

    paint = Screen._compositor_refresh

    def timed_paint(self):
        paint(self)
        marks.setdefault("paint", time.time())

    Screen._compositor_refresh = timed_paint


def done(app):
    if marks.get("frame") and marks.get("rows"):
        marks["rss_kb"] = peak_rss_kb()
        app.exit()


if sys.argv[1] == "bare":
    from textual.app import App
    from textual.widgets import Static

    stamp_first_paint()

    class Bare(App):
        def compose(self):
            yield Static("hello")

        def on_ready(self):
            marks["frame"] = marks["rows"] = time.time()
            marks["count"] = 1
            done(self)

    Bare().run(headless=True)
else:
    from pathlib import Path

    import mediatrack.app
    from mediatrack.widgets.library_table import LibraryTable

    stamp_first_paint()
    show = LibraryTable.show

    def rows_painted(table):
        marks["rows"] = time.time()
        marks["count"] = len(table.entries)
        done(table.app)

    def timed_show(self, entries, *args, **kwargs):
        """The first non-empty rows after the load: stamp the frame that paints them."""
        show(self, entries, *args, **kwargs)
        if entries and getattr(self.screen, "loaded", True) and "rows" not in marks:
            marks["rows"] = None
            self.call_after_refresh(rows_painted, self)

    LibraryTable.show = timed_show

    css = mediatrack.app.MediaTrackApp.CSS_PATH or []
    here = Path(mediatrack.app.__file__).parent

    class Timed(mediatrack.app.MediaTrackApp):
        # CSS paths resolve beside the class's file: keep them beside mediatrack/app.py.
        CSS_PATH = [str(here / path) for path in ([css] if isinstance(css, str) else css)]

        def on_ready(self):
            marks["frame"] = time.time()
            done(self)
            self.set_timer(GIVE_UP, self.give_up)

        def give_up(self):
            marks["error"] = f"no rows on screen after {GIVE_UP} s"
            self.exit()

    Timed(**app_arguments(Path(sys.argv[2]))).run(headless=True)
print(json.dumps(marks))
sys.exit(1 if "error" in marks else 0)
'''


@dataclass
class StartUp:
    """The samples of one kind of start-up process."""

    frame: list[float]  # seconds from Popen to the Ready event (after the first frame)
    paint: list[float]  # seconds from Popen to the end of the first compositor refresh
    rows: list[float]  # seconds from Popen to the rows on screen
    rss_kb: list[int]
    count: int  # rows on screen


def time_start_up(
    child: Path, mode: str, db_path: Path, runs: int, *, without_psycopg: bool = False
) -> StartUp:
    """Samples of ``runs`` fresh processes (after one untimed warm-up)."""
    env = {
        **os.environ,
        "COLUMNS": str(SIZE[0]),
        "LINES": str(SIZE[1]),
        "MEDIATRACK_DB": str(db_path),  # never the user's own library
    }
    if without_psycopg:
        env["BENCH_WITHOUT_PSYCOPG"] = "1"
    result = StartUp([], [], [], [], 0)
    for run in range(runs + 1):
        started = time.time()
        done = subprocess.run(
            [sys.executable, str(child), mode, str(db_path)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=env,
            check=False,
            timeout=60,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{mode} start-up failed:\n{done.stdout}\n{done.stderr}")
        marks = json.loads(done.stdout.strip().splitlines()[-1])
        if run == 0:
            continue  # warm-up: bytecode and page caches
        result.frame.append(marks["frame"] - started)
        result.paint.append(marks["paint"] - started)
        result.rows.append(marks["rows"] - started)
        result.rss_kb.append(marks["rss_kb"])
        result.count = marks["count"]
    return result


# --- filter keystrokes: in process, through Pilot ------------------------------------


class PaintProbe:
    """Records each frame the screen paints: when, the CPU used, and whether it drew ``widget``."""

    def __init__(self, screen: Any, widget: Any) -> None:
        self.frames: list[tuple[float, float, bool]] = []  # (perf_counter, process_time, drawn)
        self._drawn = False
        paint = screen._compositor_refresh
        render_line = widget.render_line

        def timed_paint() -> None:
            self._drawn = False
            paint()
            self.frames.append((time.perf_counter(), time.process_time(), self._drawn))

        def marked_render_line(y: int) -> Any:
            self._drawn = True
            return render_line(y)

        screen._compositor_refresh = timed_paint  # instance attributes shadow the methods
        widget.render_line = marked_render_line

    def drawn(self) -> list[tuple[float, float]]:
        """(perf_counter, process_time) at the end of each frame that drew the widget."""
        return [(wall, cpu) for wall, cpu, drawn in self.frames if drawn]


@dataclass
class Keystroke:
    """One timed filter keystroke."""

    settled: float  # seconds to the end of the last frame that redrew the table
    first: float  # seconds to the end of the first frame that redrew it
    cpu: float  # CPU seconds (all threads) used up to the settled frame


def keystrokes() -> list[str]:
    """Type ``TYPED`` then erase it: narrowing, then widening result sets."""
    return [*TYPED, *["backspace"] * len(TYPED)]


async def time_key(pilot: Any, probe: PaintProbe, key: str) -> Keystroke:
    """Press ``key``, wait until the app is idle, and read the frames it painted meanwhile."""
    probe.frames.clear()
    started, cpu = time.perf_counter(), time.process_time()
    await pilot.press(key)
    await pilot.pause()
    drawn = probe.drawn()
    if not drawn:
        raise RuntimeError(f"the table was not redrawn after {key!r}")
    return Keystroke(drawn[-1][0] - started, drawn[0][0] - started, drawn[-1][1] - cpu)


async def filter_mediatrack(db_path: Path, runs: int) -> tuple[list[Keystroke], list[int]]:
    """Keystroke latencies in the Shows filter, and the rows shown after each key."""
    from mediatrack.app import MediaTrackApp
    from mediatrack.store.db import open_database
    from mediatrack.widgets.library_table import LibraryTable

    if "db_path" in inspect.signature(MediaTrackApp).parameters:
        app = MediaTrackApp(db_path=db_path)
    else:
        open_database(db_path)
        app = MediaTrackApp()
    samples: list[Keystroke] = []
    shown: list[int] = []
    async with app.run_test(size=SIZE) as pilot:
        deadline = time.monotonic() + 30
        while not getattr(app.screen, "loaded", False) and time.monotonic() < deadline:
            await pilot.pause(0.01)
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(LibraryTable)
        if not table.entries:
            raise RuntimeError("the Shows screen showed no rows")
        probe = PaintProbe(app.screen, table)
        for _ in range(runs):
            await pilot.press("slash")
            await pilot.pause()
            for key in keystrokes():
                samples.append(await time_key(pilot, probe, key))
                shown.append(len(table.entries))
            await pilot.press("escape")
            await pilot.pause()
            await app.workers.wait_for_complete()
    return samples, shown


async def filter_baseline(db_path: Path, runs: int) -> tuple[list[Keystroke], list[int]]:
    """The same keystrokes in a bare app that refills a DataTable on every change."""
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Input

    from mediatrack.kinds import Kind
    from mediatrack.services.library import Library
    from mediatrack.store.db import open_database
    from mediatrack.widgets.library_table import cells, columns_for
    from mediatrack.widgets.library_view import SortOrder, sort_entries

    open_database(db_path)
    entries = sort_entries(Library().entries(Kind.TV), SortOrder.TITLE)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = [(entry.search_text, cells(entry, now)) for entry in entries]

    class Baseline(App[None]):
        def compose(self) -> ComposeResult:
            yield Input(id="filter")
            yield DataTable(cursor_type="row")

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns(*(column.title for column in columns_for(Kind.TV)))
            table.add_rows(row for _, row in rows)
            self.query_one(Input).focus()

        def on_input_changed(self, event: Input.Changed) -> None:
            needle = event.value.casefold().strip()
            table = self.query_one(DataTable)
            table.clear()
            table.add_rows(row for haystack, row in rows if needle in haystack)

    app = Baseline()
    samples: list[Keystroke] = []
    shown: list[int] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.query_one(DataTable)
        probe = PaintProbe(app.screen, table)
        for _ in range(runs):
            for key in keystrokes():
                samples.append(await time_key(pilot, probe, key))
                shown.append(table.row_count)
    return samples, shown


# --- report ---------------------------------------------------------------------------


@dataclass
class Figure:
    """One line of the results table."""

    name: str
    mediatrack: float
    baseline: float
    unit: str
    target: float | None = None  # highest passing ratio; None: shown for information

    @property
    def ratio(self) -> float:
        return self.mediatrack / self.baseline


def report(figures: list[Figure]) -> None:
    """The results table: figure, mediatrack, baseline, ratio, target, PASS/MISS."""
    header = (
        f"{'figure':<26} {'mediatrack':>12} {'baseline':>12} {'ratio':>6} {'target':>7}  result"
    )
    print(header)
    print("-" * len(header))
    for figure in figures:
        target = "" if figure.target is None else f"<= {figure.target}"
        verdict = ""
        if figure.target is not None:
            verdict = "PASS" if figure.ratio <= figure.target else "MISS"
        print(
            f"{figure.name:<26} {figure.mediatrack:>9.1f} {figure.unit:<2} "
            f"{figure.baseline:>9.1f} {figure.unit:<2} {figure.ratio:>6.2f} {target:>7}  {verdict}"
        )


def _ms(samples: Sequence[float]) -> float:
    """Median, in milliseconds."""
    return statistics.median(samples) * 1000


def _list(samples: Sequence[float]) -> str:
    """Samples in whole milliseconds, for the log lines."""
    return " ".join(f"{sample * 1000:.0f}" for sample in samples)


def per_key(ours: list[Keystroke], base: list[Keystroke], shown: list[int]) -> None:
    """Median settled latency for each key of the typed sequence, across runs."""
    keys = keystrokes()
    print(f"  {'key':<10} {'rows':>5} {'mediatrack':>11} {'baseline':>9}")
    for index, key in enumerate(keys):
        mine = [sample.settled for sample in ours[index :: len(keys)]]
        theirs = [sample.settled for sample in base[index :: len(keys)]]
        print(f"  {key:<10} {shown[index]:>5} {_ms(mine):>8.1f} ms {_ms(theirs):>6.1f} ms")


def start_up_figures(ours: StartUp, bare: StartUp, no_pg: StartUp | None) -> list[Figure]:
    """First frame (the targeted figure), first paint and rows on screen."""
    figures = [
        Figure(
            "first frame (Ready)", _ms(ours.frame), _ms(bare.frame), "ms", TARGETS["first frame"]
        ),
        Figure("  first compositor paint", _ms(ours.paint), _ms(bare.paint), "ms"),
        Figure("rows on screen (vs hello)", _ms(ours.rows), _ms(bare.rows), "ms"),
    ]
    if no_pg is not None:
        figures += [
            Figure("  first frame, no psycopg", _ms(no_pg.frame), _ms(bare.frame), "ms"),
            Figure("  rows, no psycopg", _ms(no_pg.rows), _ms(bare.rows), "ms"),
        ]
    return figures


def filter_figures(ours: list[Keystroke], base: list[Keystroke]) -> list[Figure]:
    """Median keystroke to settled table (the targeted figure), first table frame, CPU."""

    def median_ms(samples: list[Keystroke], field: str) -> float:
        return _ms([getattr(sample, field) for sample in samples])

    return [
        Figure(
            "filter keystroke",
            median_ms(ours, "settled"),
            median_ms(base, "settled"),
            "ms",
            TARGETS["filter keystroke"],
        ),
        Figure(
            "  first frame with table", median_ms(ours, "first"), median_ms(base, "first"), "ms"
        ),
        Figure("  CPU until settled", median_ms(ours, "cpu"), median_ms(base, "cpu"), "ms"),
    ]


def memory_figures(ours: StartUp, bare: StartUp, no_pg: StartUp | None) -> list[Figure]:
    """Median peak RSS of the start-up processes."""

    def median_mb(run: StartUp) -> float:
        return statistics.median(run.rss_kb) / 1024

    figures = [Figure("peak RSS", median_mb(ours), median_mb(bare), "MB", TARGETS["peak RSS"])]
    if no_pg is not None:
        figures.append(Figure("  peak RSS, no psycopg", median_mb(no_pg), median_mb(bare), "MB"))
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    """Build the library, measure, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (default 5)")
    runs = max(parser.parse_args(argv).runs, 1)

    with tempfile.TemporaryDirectory(prefix="mediatrack-bench-") as folder:
        root = Path(folder)
        db_path = root / "library.db"
        os.environ["MEDIATRACK_DB"] = str(db_path)  # nothing here may touch the user's library
        started = time.perf_counter()
        counts = build_library(db_path)
        took = time.perf_counter() - started
        size_mb = db_path.stat().st_size / 1e6
        listed = ", ".join(f"{count:,} {table}" for table, count in counts.items())
        print(f"built the library in {took:.2f} s ({size_mb:.0f} MB): {listed}")

        child = root / "start_up.py"
        child.write_text(CHILD, encoding="utf-8")
        started = time.perf_counter()
        bare = time_start_up(child, "bare", db_path, runs)
        ours = time_start_up(child, "mediatrack", db_path, runs)
        no_pg = None
        if importlib.util.find_spec("psycopg") is not None:
            # peewee imports psycopg whenever it is installed (here: the dev extra).
            no_pg = time_start_up(child, "mediatrack", db_path, runs, without_psycopg=True)
        print(
            f"start-up: {runs} fresh processes per app ({time.perf_counter() - started:.1f} s); "
            f"mediatrack painted {ours.count:,} rows"
        )
        print(f"  first frame ms: mediatrack {_list(ours.frame)}; bare {_list(bare.frame)}")
        print(f"  rows on screen ms: mediatrack {_list(ours.rows)}")
        if no_pg is not None:
            print("  psycopg is installed and peewee imports it: also timed with it hidden")

        started = time.perf_counter()
        ours_keys, ours_shown = asyncio.run(filter_mediatrack(db_path, runs))
        base_keys, base_shown = asyncio.run(filter_baseline(db_path, runs))
        print(
            f"filter: {len(ours_keys)} keystrokes per app ({time.perf_counter() - started:.1f} s),"
            f" typing {TYPED!r} in Shows then erasing it"
        )
        if ours_shown != base_shown:
            print(f"  warning: the apps showed different row counts: {ours_shown} {base_shown}")
        per_key(ours_keys, base_keys, ours_shown)

    print()
    report(
        start_up_figures(ours, bare, no_pg)
        + filter_figures(ours_keys, base_keys)
        + memory_figures(ours, bare, no_pg)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
