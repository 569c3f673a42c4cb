"""One rule per figure: the CLI and the screens show progress, next episodes, dates, ages,
ratings and counts the same way, from ``mediatrack.display``; long CLI jobs draw a
``rich.progress`` bar on a terminal and nothing elsewhere."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace

from rich.console import Console

from mediatrack.cli.progress import JobProgress
from mediatrack.display.dates import ago_text, air_text, day_text, duration_text, until_text
from mediatrack.display.entries import (
    counted,
    describe,
    next_text,
    progress_text,
    progress_words,
    rating_text,
    status_label,
)
from mediatrack.display.login import countdown
from mediatrack.display.sync import SyncLine
from mediatrack.kinds import Kind
from mediatrack.records import EntryKey, LibraryEntry
from mediatrack.widgets.library_table import cells, columns_for

TODAY = dt.date(2026, 10, 29)
NOW = dt.datetime(2026, 10, 29, 12, 0)


def entry(kind: Kind, progress: int, total: int | None, **more) -> LibraryEntry:
    return LibraryEntry(
        key=EntryKey(kind, 1),
        title="Title",
        original_title=None,
        creator=None,
        release_date="2020-01-01",
        status="watching",
        progress=progress,
        total=total,
        rating=None,
        updated_at=NOW,
        catalog_id="1",
        **more,
    )


SHOW = entry(Kind.TV, 16, 28, last_episode="S2E5", next_episode="S2E6", next_air_date="2026-11-03")


def test_progress_has_one_rule_per_kind():
    assert progress_text(SHOW) == "S2E5 · 16/28"
    assert progress_text(replace(SHOW, last_episode=None, progress=0)) == "0/28"
    assert progress_text(replace(SHOW, total=None)) == "S2E5 · 16"
    assert progress_text(entry(Kind.BOOK, 120, 412)) == "120/412"
    assert progress_text(entry(Kind.PODCAST, 3, 5)) == "3/5"
    assert progress_text(entry(Kind.MOVIE, 1, 1)) == "1/1"
    assert progress_words(SHOW) == "S2E5 · 16/28 episodes"
    assert progress_words(entry(Kind.BOOK, 1, None)) == "1 page"


def test_next_episode_and_air_dates_have_one_rule():
    assert next_text(SHOW, TODAY) == "S2E6 · in 5d"
    assert next_text(SHOW, dt.date(2026, 11, 3)) == "S2E6 · today"
    assert next_text(SHOW, dt.date(2026, 11, 4)) == "S2E6 · aired 2026-11-03"
    assert next_text(replace(SHOW, next_air_date=None), TODAY) == "S2E6 · no date"
    assert next_text(replace(SHOW, next_episode=None), TODAY) == ""
    assert air_text("2027-06-01", TODAY) == "on 2027-06-01"  # far off: a date, not "in 215d"
    assert air_text("not a date", TODAY) == "no date"
    assert until_text(dt.date(2026, 10, 30), TODAY) == "in 1d"


def test_dates_ages_durations_ratings_counts_and_labels():
    assert day_text(dt.datetime(2026, 11, 3, 23, 59)) == "2026-11-03"
    assert day_text(None, "no date") == "no date"
    ages = [dt.timedelta(seconds=s) for s in (5, 300, 7200, 3 * 86400, 20 * 86400)]
    ages += [dt.timedelta(days=100), dt.timedelta(days=800)]
    texts = [ago_text(NOW - age, NOW) for age in ages]
    assert texts == ["just now", "5m ago", "2h ago", "3d ago", "2w ago", "3mo ago", "2y ago"]
    assert duration_text(3723) == "1:02:03" and duration_text(2730) == "45:30"
    assert duration_text(None) == ""
    assert countdown(1786.2) == "29:47" and countdown(-5) == "0:00"
    assert rating_text(8) == "8/10" and rating_text(None) == "" and rating_text(None, "-") == "-"
    assert counted(1, "show") == "1 show" and counted(3, "show") == "3 shows"
    assert status_label("plan_to_watch") == "Plan to watch"
    rated = replace(SHOW, rating=8)
    assert describe(rated) == "watching, progress S2E5 · 16/28, rated 8/10"
    synced = SyncLine("synced", NOW - dt.timedelta(days=20))
    assert synced.text(NOW) == "synced 2w ago"


def test_the_progress_and_next_columns_fit_what_they_show():
    """Whole figures in the TUI table: no cut "S12E22 · 250/2…" that reads as something else."""
    longest = replace(SHOW, progress=250, total=264, last_episode="S12E22", next_episode="S12E23")
    widths = {column.title: column.width for column in columns_for(Kind.TV)}
    texts = cells(longest, NOW, dt.date(2026, 11, 30))
    assert len(texts[3]) <= widths["Progress"]  # "S12E22 · 250/264"
    assert len(next_text(SHOW, dt.date(2026, 11, 30))) <= widths["Next"]
    book = entry(Kind.BOOK, 1200, 1200)
    assert (
        len(progress_text(book))
        <= dict((c.title, c.width) for c in columns_for(Kind.BOOK))["Progress"]
    )


def test_a_job_bar_draws_on_a_terminal_with_count_and_inert_title():
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100, color_system="standard")
    with JobProgress(console) as bar:
        bar.update("Dune\x1b]0;pwned\x07 [bold]x[/bold]", 3, 10)
    drawn = screen.getvalue()
    assert "3/10" in drawn and "━" in drawn  # the count and rich's bar
    assert "Dune␛]0;pwned␇ [bold]x[/bold]" in drawn  # inert, and not read as markup
    assert "\x1b]0;" not in drawn


def test_a_job_bar_is_silent_off_a_terminal():
    screen = io.StringIO()
    with JobProgress(Console(file=screen)) as bar:  # a file: not a terminal
        bar.update("Dune", 3, 10)
    assert screen.getvalue() == ""


def test_a_friends_long_note_is_cut_to_two_lines_with_an_ellipsis():
    from mediatrack.display.history import FRIEND_NOTE_LIMIT, friend_note_line
    from mediatrack.records import FriendNote

    note = FriendNote(EntryKey(Kind.TV, 1), "Ana", "word " * 100, dt.datetime(2026, 1, 1))
    line = friend_note_line(note)
    assert line.startswith("Ana's note: word") and line.endswith("…")
    assert len(line) <= len("Ana's note: ") + FRIEND_NOTE_LIMIT


def test_a_note_summary_is_one_inert_line_with_the_friends_count():
    from mediatrack.display.history import NOTE_LINE_LIMIT, note_summary
    from mediatrack.records import ItemNote

    assert note_summary(None, 0) == ""
    assert note_summary(None, 1) == "1 friend's note"
    line = note_summary(ItemNote("a\x1b[31m\nb" + "x" * 300, shared=True), 2)
    assert line.startswith("Your note (shared): a␛[31m b") and "\n" not in line
    assert line.endswith("… · 2 friends' notes")
    assert len(line) <= len("Your note (shared): ") + NOTE_LINE_LIMIT + len(" · 2 friends' notes")


def test_the_runs_line_says_how_to_see_the_history_from_where_it_is_shown():
    import datetime as dt

    from mediatrack.kinds import Kind
    from mediatrack.records import EntryDetail, EntryKey, LibraryEntry
    from mediatrack.widgets.detail_pane import PANE_HISTORY_HINT, detail_content

    entry = LibraryEntry(
        key=EntryKey(Kind.MOVIE, 1),
        title="Heat",
        original_title=None,
        creator=None,
        release_date="1995",
        status="completed",
        progress=1,
        total=1,
        rating=None,
        updated_at=dt.datetime(2026, 1, 1),
        catalog_id="949",
    )
    detail = EntryDetail(entry=entry, overview=None, runs=2)
    # beside a library, h shows everything's history; on the item's own screen, its own
    assert "(enter, then h: history)" in detail_content(detail, PANE_HISTORY_HINT).plain
    assert "(h: history)" in detail_content(detail).plain
