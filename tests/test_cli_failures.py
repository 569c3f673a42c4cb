"""Every bad input and broken surrounding ends in one sentence and exit status 1, never a traceback.

Process-level behaviour (closed pipes, a file size limit, a read-only file) is
tested on a real ``python -m mediatrack`` process.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import os
import resource
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from mediatrack.catalog.records import FeedEpisode
from mediatrack.kinds import Kind
from mediatrack.services.library import Library, NewItem
from mediatrack.store import metadata
from mediatrack.store.db import connection

HUGE = "99999999999999999999999"  # past SQLite's 64-bit integers


def one_sentence(result) -> str:
    """The single stderr line of a failed run (exit status 1, nothing on stdout)."""
    assert result.code == 1, result
    assert result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("mediatrack: ")
    assert "Traceback" not in result.err
    return lines[0]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["add", "tv", "--tmdb-id", "abc"], "A TMDB id is a whole number, not 'abc'."),
        (["add", "movie", "--tmdb-id", HUGE], f"{HUGE} is not a TMDB id: it is out of range."),
        (["add", "tv", "--title", "A show", "--tmdb-id", HUGE], "is not a TMDB id"),
        (["add", "podcast", "--itunes-id", "12 34"], "An iTunes id is a whole number"),
        (["add", "book", "--google-id", "x" * 1000], "is not a Google Books id"),
        (["add", "tv", "--title", "A show", "--total", HUGE], "is more than mediatrack can track"),
        (
            ["add", "tv", "--title", "x" * 50_001],
            "A title can be at most 500 characters long (this one has 50,001).",
        ),
        (["add", "book", "--title", "Dune", "--author", "y" * 600], "An author or artist can be"),
        (["set", "tv:1", "--progress", HUGE], "is more than mediatrack can track"),
        (["set", f"tv:{HUGE}", "--status", "watching"], "too large for mediatrack to store"),
        (["list", "--db", "/proc/self/status"], "/proc/self/status is not a mediatrack database"),
    ],
)
def test_bad_values_are_one_sentence(cli, args: list[str], expected: str) -> None:
    assert cli("add", "tv", "--title", "Already here").code == 0

    line = one_sentence(cli(*args))

    assert expected in line


def test_a_title_of_500_characters_is_still_fine(cli) -> None:
    assert cli("add", "tv", "--title", "t" * 500).code == 0


def test_a_db_in_a_missing_folder_is_refused_and_nothing_is_created(cli, tmp_path: Path) -> None:
    wanted = tmp_path / "no" / "such" / "folder" / "x.db"

    line = one_sentence(cli("--db", str(wanted), "list"))

    assert f"The folder {wanted.parent} does not exist" in line
    assert not (tmp_path / "no").exists()


def test_the_app_refuses_a_db_in_a_missing_folder_before_it_starts(tmp_path: Path) -> None:
    wanted = tmp_path / "no" / "such" / "folder" / "x.db"

    refused = run("--db", str(wanted), timeout=20)  # a started app would wait for keys

    assert refused.returncode == 1
    assert refused.stderr.startswith(f"mediatrack: The folder {wanted.parent} does not exist")
    assert not (tmp_path / "no").exists()


def test_the_default_location_gets_its_folder(
    cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from mediatrack.config import default_database_path

    monkeypatch.delenv("MEDIATRACK_DB")
    assert not default_database_path().parent.exists()

    assert cli("add", "tv", "--title", "First").code == 0
    assert default_database_path().is_file()


def test_json_nested_100000_deep_from_a_catalog_is_one_sentence(
    cli, httpserver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEDIATRACK_TMDB_URL", httpserver.url_for("/").rstrip("/"))
    monkeypatch.setenv("MEDIATRACK_TMDB_TOKEN", "test-token")
    httpserver.expect_request("/3/tv/1399").respond_with_data(
        "[" * 100_000 + "]" * 100_000, content_type="application/json"
    )

    line = one_sentence(cli("add", "tv", "--tmdb-id", "1399"))

    assert line == "mediatrack: TMDB sent JSON nested too deeply to read; try again later."


def test_after_an_html_page_the_recovered_catalog_is_asked_again(
    cli, httpserver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache (on, as for every user) never answers with the error page it was sent."""
    from catalog_server import FakeCatalogs, fixture

    base = httpserver.url_for("/").rstrip("/")
    monkeypatch.setenv("MEDIATRACK_TMDB_URL", base)
    monkeypatch.setenv("MEDIATRACK_TMDB_TOKEN", "test-token")
    fake = FakeCatalogs(httpserver)
    fake.shows[91003] = {**fixture("tmdb/tv_details_ended.json"), "id": 91003}
    httpserver.expect_oneshot_request("/3/tv/91003").respond_with_data(
        "<html>502 Bad Gateway</html>", content_type="text/html"
    )
    httpserver.expect_request("/3/tv/91003").respond_with_handler(fake._show)

    line = one_sentence(cli("add", "tv", "--tmdb-id", "91003"))
    added = cli("add", "tv", "--tmdb-id", "91003")

    assert line == "mediatrack: TMDB sent a reply that is not JSON; try again later."
    assert added.code == 0, added.err
    assert added.out.startswith("Added 'Game of Thrones' as tv:")
    assert len(httpserver.log) == 3  # the page, then the show and its seasons, asked anew


# --- as a real process -------------------------------------------------------------------


def run(
    *args: str,
    preexec_fn: Callable[[], None] | None = None,
    shell: str | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mediatrack", *args]
    if shell is not None:  # a pipeline: `mediatrack ARGS | shell`
        command = ["sh", "-c", f'"$0" -m mediatrack "$@" | {shell}', sys.executable, *args]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=dict(os.environ),  # the test's isolated MEDIATRACK_DB, HOME and XDG dirs
        preexec_fn=preexec_fn,
        timeout=timeout,
    )


@pytest.fixture
def big_library(library: Library, db_path: Path) -> Path:
    """A library whose `list --json` and podcast episodes are far larger than a pipe's buffer."""
    for number in range(300):
        library.add(NewItem(kind=Kind.BOOK, title=f"Book {number} " + "z" * 200))
    podcast = library.add(NewItem(kind=Kind.PODCAST, title="A long-running podcast"))
    assert str(podcast.key) == "podcast:1"
    start = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)
    with connection():
        metadata.save_podcast_episodes(
            podcast.key.item_id,
            [
                FeedEpisode(
                    guid=f"episode-{n}",
                    title=f"Episode {n}: " + "q" * 100,
                    published=start + dt.timedelta(days=n),
                    duration_seconds=1800,
                    enclosure_url=None,
                )
                for n in range(2000)
            ],
        )
    return db_path


@pytest.mark.parametrize(
    ("args", "reader"),
    [(["list", "--json"], "head -c 100"), (["episodes", "podcast:1"], "head -1")],
    ids=["list --json | head -c 100", "episodes | head -1"],
)
def test_a_closed_pipe_ends_quietly(big_library: Path, args: list[str], reader: str) -> None:
    done = run(*args, shell=f"{reader} >/dev/null")

    assert done.stderr == ""  # no BrokenPipeError traceback, no "Exception ignored" at exit


def test_a_closed_pipe_exits_with_status_1(big_library: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "mediatrack", "list", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ),
    )
    assert process.stdout.read(100)
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == 1
    assert stderr == b""


def file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # as Python itself does: EFBIG, no kill
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_full_disk_is_one_sentence_and_loses_nothing(cli, db_path: Path) -> None:
    assert cli("add", "tv", "--title", "Kept").code == 0
    before = sqlite3.connect(db_path).execute("SELECT title FROM media_items").fetchall()

    # Room for the WAL index but not for the write: as if the disk filled up now.
    refused = run(
        "add", "book", "--title", "b" * 400, "--author", "a" * 400,
        preexec_fn=file_size_limit(40 * 1024),
    )  # fmt: skip

    assert refused.returncode == 1
    assert refused.stdout == ""
    assert refused.stderr.count("\n") == 1, refused.stderr
    assert refused.stderr.startswith(f"mediatrack: Could not write to {db_path}: the disk is full")
    listing = run("list")
    assert listing.returncode == 0
    assert "Kept" in listing.stdout
    assert sqlite3.connect(db_path).execute("SELECT title FROM media_items").fetchall() == before


def test_a_new_library_on_a_full_disk_is_one_sentence(db_path: Path) -> None:
    refused = run("add", "tv", "--title", "First", preexec_fn=file_size_limit(8 * 1024))

    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1, refused.stderr
    assert "the disk is full" in refused.stderr
    assert run("add", "tv", "--title", "First").returncode == 0  # once there is room again


def without_root_override() -> None:
    """As a process that cannot write a file it may only read: root's DAC override dropped.

    PR_CAPBSET_DROP(CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) before exec leaves a root
    process bound by the file's mode bits, as any other user is.
    """
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(24, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "cannot drop the DAC override capability")


@pytest.fixture
def read_only_library(cli, db_path: Path) -> Path:
    assert cli("add", "tv", "--title", "Read me").code == 0
    assert cli("add", "podcast", "--title", "Hear me").code == 0
    from mediatrack.store.models import database

    database.close()
    probe = run("--version", preexec_fn=without_root_override)
    if probe.returncode != 0:
        pytest.skip(f"cannot run a process without the DAC override here: {probe.stderr}")
    return db_path


@pytest.mark.parametrize(
    ("file_mode", "folder_mode"),
    [(0o444, 0o755), (0o444, 0o555), (0o644, 0o555)],
    ids=["file", "file and folder", "folder"],
)
def test_a_read_only_library_reads_and_refuses_writes_in_one_sentence(
    read_only_library: Path, file_mode: int, folder_mode: int
) -> None:
    folder = read_only_library.parent
    read_only_library.chmod(file_mode)
    folder.chmod(folder_mode)
    try:
        listing = run("list", preexec_fn=without_root_override)
        episodes = run("episodes", "podcast:1", preexec_fn=without_root_override)
        added = run("add", "movie", "--title", "New", preexec_fn=without_root_override)
        changed = run("set", "tv:1", "--status", "watching", preexec_fn=without_root_override)
    finally:
        folder.chmod(0o755)

    assert listing.returncode == 0, listing.stderr
    assert "Read me" in listing.stdout
    assert episodes.returncode == 0, episodes.stderr
    for refused in (added, changed):
        assert refused.returncode == 1
        assert refused.stderr == (
            f"mediatrack: {read_only_library} is read-only, so mediatrack cannot change it; "
            "reading commands (list, episodes) still work.\n"
        )
    titles = sqlite3.connect(read_only_library).execute("SELECT title FROM media_items")
    assert [title for (title,) in titles] == ["Read me"]
