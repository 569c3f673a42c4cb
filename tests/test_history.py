"""History (newest first, paged), rewatches (a new run, the old one kept, undone) and notes."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from catalog_server import FakeCatalogs
from mediatrack.cli import main
from mediatrack.kinds import Kind
from mediatrack.services.catalog import CatalogService
from mediatrack.services.episodes import Episodes
from mediatrack.services.history import CannotRepeat, History
from mediatrack.services.library import InvalidValue, Library, NeedsConfirmation, NewItem
from mediatrack.store import history as history_rows

DAY = dt.datetime(2024, 3, 1, 20, 0, tzinfo=dt.UTC)


@pytest.fixture
def show(httpserver, library):
    return CatalogService(FakeCatalogs(httpserver).catalog()).add(Kind.TV, "1399").key


def tick_on_days(show, count: int) -> list:
    """Tick the first ``count`` regular episodes, one a day from ``DAY``."""
    episodes = [e for e in Episodes().show_episodes(show) if e.season_number > 0][:count]
    for day, episode in enumerate(episodes):
        with time_machine.travel(DAY + dt.timedelta(days=day), tick=False):
            Episodes().set_watched(show, [episode.id], True, confirm=True)
    return episodes


def test_history_is_newest_first_across_kinds(show):
    ticked = tick_on_days(show, 3)
    with time_machine.travel(DAY + dt.timedelta(days=10), tick=False):
        book = Library().add(NewItem(Kind.BOOK, "Dune", 1965, total=412), "reading").key
        Library().set_status(book, "completed")
    events = History().events()
    assert [(e.key.kind, e.event) for e in events] == [
        (Kind.BOOK, "finished"),
        *[(Kind.TV, "watched")] * 3,
    ]
    assert [(e.season, e.episode) for e in events[1:]] == [
        (e.season_number, e.episode_number) for e in reversed(ticked)
    ]
    assert events[1].at == (DAY + dt.timedelta(days=2)).replace(tzinfo=None)


def test_pages_follow_each_other_without_overlap(show):
    tick_on_days(show, 12)
    everything = History().events(limit=100)
    pages = [History().events(limit=5, offset=offset) for offset in (0, 5, 10)]
    assert [len(page) for page in pages] == [5, 5, 2]
    assert [e for page in pages for e in page] == everything
    assert [e.at for e in everything] == sorted((e.at for e in everything), reverse=True)
    with pytest.raises(InvalidValue):
        History().events(limit=0)


def test_a_page_reads_the_ticks_through_their_time_index(show, db):
    """Each branch walks a (user, time) index newest first and stops after the page: a page
    costs the same on 100,000 ticks as on 10 (benchmarks/history.py has the figures)."""
    sql, params = history_rows.page_query("local", limit=50, offset=100)
    plan = " | ".join(row[3] for row in db.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params))
    assert "episode_watches_user_id_watched_at" in plan
    assert "podcast_listens_user_id_listened_at" in plan
    assert "past_episode_watches_user_id_watched_at" in plan
    assert "SCAN w" not in plan and "SCAN l" not in plan, plan


def test_a_rewatch_keeps_the_old_run_and_starts_at_zero(show):
    library = Library()
    regular = [e for e in Episodes().show_episodes(show) if e.season_number > 0]
    with time_machine.travel(DAY, tick=False):
        Episodes().set_watched(show, [e.id for e in regular], True, confirm=True)
    assert library.entry(show).status == "completed"
    with pytest.raises(NeedsConfirmation, match="starts again at 0"):
        History().start_again(show)
    assert library.entry(show).progress == len(regular)  # asked, nothing changed

    entry, run, _ = History().start_again(show, confirm=True)
    assert (entry.status, entry.progress, run) == ("watching", 0, 2)
    assert library.detail(show).runs == 1
    old_run = [e for e in History().events(show, limit=1000) if e.event == "watched"]
    assert len(old_run) == len(regular) and {e.run for e in old_run} == {1}
    assert all(e.at == DAY.replace(tzinfo=None) for e in old_run)

    first = regular[0]
    with time_machine.travel(DAY + dt.timedelta(days=30), tick=False):
        Episodes().set_watched(show, [first.id], True)
    assert library.entry(show).progress == 1  # the current run's ticks, nothing else
    newest = History().events(show, limit=1)[0]
    assert (newest.run, newest.episode) == (2, first.episode_number)

    Episodes().set_watched(show, [e.id for e in regular], True, confirm=True)
    assert library.detail(show).runs == 2  # "x2": two runs finished


def test_undoing_a_rewatch_puts_the_run_back(show):
    library = Library()
    regular = [e for e in Episodes().show_episodes(show) if e.season_number > 0]
    Episodes().set_watched(show, [e.id for e in regular], True, confirm=True)
    ticks_before = History().events(show, limit=1000)
    _, _, snapshot = History().start_again(show, confirm=True)
    library.restore(snapshot)
    entry = library.entry(show)
    assert (entry.status, entry.progress) == ("completed", len(regular))
    assert library.detail(show).runs == 1
    after = History().events(show, limit=1000)
    assert [(e.episode, e.season, e.run) for e in after if e.event == "watched"] == [
        (e.episode, e.season, e.run) for e in ticks_before if e.event == "watched"
    ]


def test_only_a_finished_item_starts_again(library):
    heat = library.add(NewItem(Kind.MOVIE, "Heat", 1995)).key
    with pytest.raises(CannotRepeat, match="only a finished movie"):
        History().start_again(heat, confirm=True)
    pod = library.add(NewItem(Kind.PODCAST, "Radio", creator="Me"), "listened").key
    with pytest.raises(CannotRepeat):
        History().start_again(pod, confirm=True)


def test_a_reread_counts_and_keeps_the_finish_day(library):
    dune = library.add(NewItem(Kind.BOOK, "Dune", 1965, total=412), "reading").key
    with time_machine.travel(DAY, tick=False):
        library.set_progress(dune, 412)
    entry, run, _ = History().start_again(dune, confirm=True)
    assert (entry.status, entry.progress, run) == ("reading", 0, 2)
    finished = [e for e in History().events(dune) if e.event == "finished"]
    assert [e.at.date() for e in finished] == [DAY.date()]


def test_notes_set_share_and_clear(library):
    heat = library.add(NewItem(Kind.MOVIE, "Heat", 1995)).key
    history = History()
    assert history.set_note(heat, "  the bank scene\nagain  ").text == "the bank scene\nagain"
    assert library.detail(heat).note.shared is False
    history.set_note(heat, "the bank scene", shared=True)
    history.set_note(heat, "changed")  # sharing kept
    assert library.detail(heat).note.shared is True
    with pytest.raises(NeedsConfirmation, match="Delete your note on Heat"):
        history.set_note(heat, "")  # its text would be gone for good: it asks
    assert library.detail(heat).note.text == "changed"
    assert history.set_note(heat, "", confirm=True) is None
    assert library.detail(heat).note is None
    assert history.set_note(heat, "") is None  # no note, nothing to ask
    with pytest.raises(InvalidValue, match="at most"):
        history.set_note(heat, "x" * 10_001)


# --- the command line ---------------------------------------------------------------


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_note_history_and_rewatch(library, capsys):
    heat = library.add(NewItem(Kind.MOVIE, "Heat", 1995), "completed").key
    code, out, _ = run(capsys, "set", str(heat), "--note", "Watch with \x1b[31mdad", "--share-note")
    assert code == 0 and "shared with friends" in out
    assert library.detail(heat).note.text == "Watch with \x1b[31mdad"
    code, _, err = run(capsys, "rewatch", str(heat))
    assert code == 1 and "--yes" in err and library.entry(heat).status == "completed"
    code, out, _ = run(capsys, "rewatch", str(heat), "--yes")
    assert code == 0 and "run 2" in out
    code, out, _ = run(capsys, "history", "--json")
    assert [(e["id"], e["event"]) for e in json.loads(out)] == [(str(heat), "finished")]
    code, out, _ = run(capsys, "history", str(heat))
    assert "Finished" in out and "\x1b" not in out
    code, _, err = run(capsys, "set", str(heat), "--note", "")
    assert code == 1 and "--yes" in err and library.detail(heat).note is not None
    code, out, _ = run(capsys, "set", str(heat), "--note", "", "--yes")
    assert code == 0 and "cleared" in out and library.detail(heat).note is None
    code, _, err = run(capsys, "history", "--limit", "0")
    assert code == 1 and "--limit" in err


def test_finishing_keeps_the_day_and_undoing_it_forgets_it(library):
    dune = library.add(NewItem(Kind.BOOK, "Dune", 1965, total=412), "reading").key
    with time_machine.travel(DAY, tick=False):
        library.set_progress(dune, 412)  # done
    with time_machine.travel(DAY + dt.timedelta(days=40), tick=False):
        library.set_rating(dune, 9)  # a later change is not a later finish
        library.set_status(dune, "completed")
    assert [e.at.date() for e in History().events(dune)] == [DAY.date()]

    heat = library.add(NewItem(Kind.MOVIE, "Heat", 1995)).key
    before = library.snapshot(heat)
    library.set_status(heat, "completed")
    assert [e.event for e in History().events(heat)] == ["finished"]
    library.restore(before)  # a completion undone was no completion
    assert History().events(heat) == []
