"""Up Next and the calendar: what comes next after ticks and refreshes, what airs by day,
the ``next``/``calendar`` commands and the iCalendar file."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from icalendar import Calendar as ICalendar

from agenda_world import add_podcast, add_show, days_from, resave_show
from mediatrack.agenda import NextPodcastRow, NextShowRow, ReadingRow
from mediatrack.kinds import Kind
from mediatrack.services.agenda import Agenda, filter_up_next
from mediatrack.services.episodes import Episodes
from mediatrack.services.library import InvalidValue, Library, NewItem

TODAY = dt.date(2026, 12, 1)  # a Tuesday
HOSTILE = "Evil\x1b[31mRed\x1b]0;pwned\x07\u202eTitle"


@pytest.fixture(autouse=True)
def frozen() -> object:
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC), tick=False) as t:
        yield t


def shows_next(agenda: Agenda) -> list[tuple[str, str, int]]:
    return [
        (item.title, f"S{item.season_number}E{item.episode_number}", item.left)
        for item in agenda.up_next(TODAY)
        if isinstance(item, NextShowRow)
    ]


def test_up_next_follows_the_ticks_and_a_caught_up_show_leaves(library):
    key = add_show(1, "Severance", [days_from(TODAY, -30, -20, -10, 5)])
    agenda, episodes = Agenda(), Episodes()
    assert shows_next(agenda) == [("Severance", "S1E1", 3)]
    first = episodes.find(key, "S01E01").id
    episodes.set_watched(key, [first], True)
    assert shows_next(agenda) == [("Severance", "S1E2", 2)]
    episodes.watch_through(key, episodes.find(key, "S01E03").id)
    assert shows_next(agenda) == []  # caught up: S1E4 airs in 5 days


def test_up_next_is_the_shows_screen_next_episode(library):
    """One rule: the furthest aired tick, then the first unticked aired after it."""
    key = add_show(1, "Gaps", [days_from(TODAY, -30, -20, -10, -5)])
    episodes = Episodes()
    episodes.set_watched(key, [episodes.find(key, "S01E03").id], True)
    assert shows_next(Agenda()) == [("Gaps", "S1E4", 3)]
    assert Library().entry(key).next_episode == "S1E4"


def test_a_refresh_that_adds_episodes_brings_a_caught_up_show_back(library):
    key = add_show(7, "Returning", [days_from(TODAY, -30, -20)])
    episodes = Episodes()
    episodes.set_season_watched(key, 1, True)
    assert shows_next(Agenda()) == []
    resave_show(7, "Returning", [days_from(TODAY, -30, -20), days_from(TODAY, -2, -1, 6)])
    assert shows_next(Agenda()) == [("Returning", "S2E1", 2)]
    assert Library().entry(key).progress == 2  # the ticks are the user's, untouched


def test_up_next_orders_by_latest_activity_and_lists_podcasts_and_books(library, frozen):
    old = add_show(1, "Older", [days_from(TODAY, -30, -20)])
    new = add_show(2, "Newer", [days_from(TODAY, -30, -20)])
    add_show(3, "Planned", [days_from(TODAY, -30)], status="plan_to_watch")  # not watching
    episodes = Episodes()
    episodes.set_watched(old, [episodes.find(old, "S01E01").id], True)
    frozen.shift(dt.timedelta(minutes=5))
    episodes.set_watched(new, [episodes.find(new, "S01E01").id], True)
    frozen.shift(dt.timedelta(minutes=5))
    when = [dt.datetime(2026, 11, n, tzinfo=dt.UTC) for n in (1, 8, 15)]
    podcast = add_podcast("91", "Radiolab", when)
    Episodes().set_listened(podcast, [Episodes().podcast_episodes(podcast)[-1].id], True)
    frozen.shift(dt.timedelta(minutes=5))
    book = Library().add(
        NewItem(Kind.BOOK, "Dune", 1965, creator="Frank Herbert", total=412), "reading"
    )
    Library().set_progress(book.key, 120)
    Library().add(NewItem(Kind.BOOK, "Emma", 1815), "plan_to_read")
    items = Agenda().up_next(TODAY)
    assert [item.title for item in items] == ["Dune", "Radiolab", "Newer", "Older"]
    dune, radiolab = items[0], items[1]
    assert isinstance(dune, ReadingRow) and (dune.page, dune.pages) == (120, 412)
    assert isinstance(radiolab, NextPodcastRow)
    assert (radiolab.episode_title, radiolab.left) == ("Radiolab #2", 2)
    assert [item.title for item in filter_up_next(items, "herbert")] == ["Dune"]
    assert [item.title for item in filter_up_next(items, "NEWER 2")] == ["Newer"]


def test_tick_from_up_next_moves_the_row_on(library):
    key = add_show(1, "Severance", [days_from(TODAY, -30, -20)])
    agenda = Agenda()
    (item,) = agenda.up_next(TODAY)
    entry = agenda.tick(item)
    assert entry.progress == 1 and entry.status == "watching"
    (item,) = agenda.up_next(TODAY)
    assert isinstance(item, NextShowRow) and item.episode_number == 2
    agenda.tick(item)
    assert agenda.up_next(TODAY) == []
    assert Library().entry(key).progress == 2


# --- calendar ------------------------------------------------------------------------


def test_calendar_groups_by_day_and_marks_premieres_and_finales(library):
    add_show(1, "Severance", [days_from(TODAY, -7), days_from(TODAY, 0, 7, 14)])
    add_show(2, "Dropped", [days_from(TODAY, 1, None, 40)], status="dropped")
    add_show(3, "Planned", [days_from(TODAY, 0)], status="plan_to_watch")
    removed = add_show(4, "Removed", [days_from(TODAY, 2)])
    Library().remove(removed, confirm=True)
    calendar = Agenda().calendar(7, TODAY)
    assert (calendar.first, calendar.last) == (TODAY, TODAY + dt.timedelta(days=6))
    by_day = {
        day.day: [(row.title, row.season_number, row.episode_number) for row in day.episodes]
        for day in calendar.days
    }
    assert by_day == {
        TODAY: [("Planned", 1, 1), ("Severance", 2, 1)],
        TODAY + dt.timedelta(days=1): [("Dropped", 1, 1)],
    }
    from mediatrack.agenda import is_finale, is_premiere

    rows = {row.title: row for day in calendar.days for row in day.episodes}
    assert is_premiere(rows["Severance"]) and not is_finale(rows["Severance"])
    assert is_premiere(rows["Planned"]) and is_finale(rows["Planned"])  # a one-episode season
    finale = Agenda().calendar(30, TODAY).days[-1].episodes[0]
    assert (finale.title, finale.episode_number, is_finale(finale)) == ("Severance", 3, True)


def test_calendar_ranges_and_undated_episodes(library):
    add_show(1, "Long", [days_from(TODAY, 3, 20, 60, 95, None)])
    spans = {days: Agenda().calendar(days, TODAY) for days in (7, 30, 90)}
    count = {days: sum(len(d.episodes) for d in c.days) for days, c in spans.items()}
    assert count == {7: 1, 30: 2, 90: 3}  # day 95 is past 90; the undated one never shows
    with pytest.raises(InvalidValue):
        Agenda().calendar(0, TODAY)


def test_calendar_lists_podcast_episodes_new_since_the_last_listen(library, frozen):
    when = [dt.datetime(2026, 11, n, tzinfo=dt.UTC) for n in (1, 2)]
    key = add_podcast("91", "Radiolab", when)
    episodes = Episodes()
    episodes.set_listened(key, [row.id for row in episodes.podcast_episodes(key)], True)
    assert Agenda().calendar(7, TODAY).podcasts == []
    later = [
        *when,
        dt.datetime(2026, 12, 2, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 3, tzinfo=dt.UTC),
    ]
    from mediatrack.catalog.records import FeedEpisode
    from mediatrack.store import metadata
    from mediatrack.store.db import transaction

    with transaction():
        metadata.save_podcast_episodes(
            key.item_id,
            [FeedEpisode(f"91-{n}", f"Radiolab #{n}", w, 60, None) for n, w in enumerate(later, 1)],
        )
    (row,) = Agenda().calendar(7, TODAY).podcasts
    assert (row.title, row.new, row.latest_title) == ("Radiolab", 2, "Radiolab #4")


def test_shows_due_are_those_whose_next_air_date_passed_at_most_once_a_day(library, frozen):
    add_show(1, "Aired since", [days_from(TODAY, -5, 2)])
    add_show(2, "Nothing new", [days_from(TODAY, -5, 9)])
    agenda = Agenda()
    assert agenda.shows_due(TODAY) == []  # fetched just now
    frozen.shift(dt.timedelta(days=3))
    today = TODAY + dt.timedelta(days=3)
    due = agenda.shows_due(today)
    assert [Library().entry(key).title for key in due] == ["Aired since"]
    resave_show(1, "Aired since", [days_from(TODAY, -5, 2)])  # what the refresh writes
    assert agenda.shows_due(today) == []
    frozen.shift(dt.timedelta(days=2))
    assert agenda.shows_due(today + dt.timedelta(days=2)) == []  # nothing aired since


# --- the commands ------------------------------------------------------------------------


def test_next_json_and_text(library, cli):
    key = add_show(1, HOSTILE, [days_from(TODAY, -3, -2)])
    data = json.loads(cli("next", "--json").out)
    assert data == [
        {
            "id": str(key),
            "kind": "show",
            "title": HOSTILE,
            "episode": "S1E1",
            "episode_title": f"{HOSTILE} 1",
            "air_date": "2026-11-28",
            "left": 2,
            "last_activity": data[0]["last_activity"],
        }
    ]
    out = cli("next").out
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "S1E1" in out and "2 left" in out and "aired 2026-11-28" in out


def test_calendar_json_text_and_ics(library, cli, tmp_path, frozen):
    add_show(1, HOSTILE, [days_from(TODAY, -1), days_from(TODAY, 0, 3)])
    add_show(2, "Later", [days_from(TODAY, 20)])
    data = json.loads(cli("calendar", "--json").out)
    assert data["from"] == "2026-12-01" and data["to"] == "2026-12-07"
    assert [day["date"] for day in data["days"]] == ["2026-12-01", "2026-12-04"]
    first = data["days"][0]["episodes"][0]
    assert (first["title"], first["episode"], first["premiere"], first["finale"]) == (
        HOSTILE,
        "S2E1",
        True,
        False,
    )
    assert data["days"][1]["episodes"][0]["finale"] is True
    assert len(json.loads(cli("calendar", "--days", "30", "--json").out)["days"]) == 3
    assert cli("calendar", "--days", "0").code == 1
    out = cli("calendar").out
    assert "\x1b" not in out and "\u202e" not in out
    assert "Today · Tue 2026-12-01" in out and "premiere" in out and "finale" in out

    ics = tmp_path / "airs.ics"
    result = cli("calendar", "--days", "30", "--ics", str(ics))
    assert result.code == 0, result.err
    first_export = ICalendar.from_ical(ics.read_bytes())
    events = first_export.walk("VEVENT")
    assert [event.decoded("dtstart") for event in events] == [
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 4),
        dt.date(2026, 12, 21),
    ]
    assert all(
        event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(days=1)
        and type(event.decoded("dtstart")) is dt.date
        for event in events
    )
    assert "premiere" in str(events[0]["summary"])
    frozen.shift(dt.timedelta(hours=3))
    cli("calendar", "--days", "30", "--ics", str(ics))
    second = ICalendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert [str(e["uid"]) for e in second] == [str(e["uid"]) for e in events]
    assert len({str(e["uid"]) for e in events}) == 3
