"""For any sequence of ticks, steps, progress and status changes, refreshes and rewatches, on a
show and a podcast: progress equals the ticks of the current run after every step, a refresh
changes nothing the user recorded, and a rewatch keeps every tick of the run it ends."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog_server import FakeCatalogs
from mediatrack.catalog import itunes
from mediatrack.catalog.ratelimit import RateLimit
from mediatrack.kinds import KINDS, Kind
from mediatrack.records import EntryKey
from mediatrack.services.catalog import CatalogService
from mediatrack.services.episodes import Episodes
from mediatrack.services.history import CannotRepeat, History
from mediatrack.services.library import Library, NeedsConfirmation


@pytest.fixture
def world(httpserver, library, monkeypatch):
    # Dozens of refreshes a second against the local server: lift iTunes' 20-a-minute limit.
    monkeypatch.setattr(itunes, "RATE_LIMIT", RateLimit(calls=100_000, period=60.0))
    fake = FakeCatalogs(httpserver)
    service = CatalogService(fake.catalog())
    show = service.add(Kind.TV, "1399").key
    podcast = service.add(Kind.PODCAST, "948976028").key
    return service, show, podcast


def recorded(key: EntryKey) -> tuple:
    """Everything the user recorded on an item: status, progress, rating and ticks."""
    entry = Library().entry(key)
    if key.kind is Kind.TV:
        ticks = frozenset(e.id for e in Episodes().show_episodes(key) if e.watched)
    else:
        ticks = frozenset(e.id for e in Episodes().podcast_episodes(key) if e.listened)
    return entry.status, entry.progress, entry.rating, ticks


def assert_progress_is_the_ticks(key: EntryKey) -> None:
    entry = Library().entry(key)
    if key.kind is Kind.TV:
        regular = [e for e in Episodes().show_episodes(key) if e.season_number > 0]
        assert entry.progress == sum(e.watched for e in regular)
    else:
        assert entry.progress == sum(e.listened for e in Episodes().podcast_episodes(key))


actions = st.one_of(
    st.tuples(st.just("tick"), st.integers(0, 89), st.booleans()),
    st.tuples(st.just("step"), st.sampled_from([1, -1]), st.booleans()),
    st.tuples(st.just("progress"), st.integers(0, 90), st.booleans()),
    st.tuples(st.just("status"), st.integers(0, 3), st.booleans()),
    st.tuples(st.just("rate"), st.integers(1, 10), st.booleans()),
    st.tuples(st.just("refresh"), st.just(0), st.booleans()),
    st.tuples(st.just("again"), st.just(0), st.booleans()),
)


def archived_ticks(show: EntryKey, runs: int) -> set[tuple[int, int, int]]:
    """The ticks of the show's ended runs, from its history: (run, season, episode)."""
    return {
        (event.run, event.season or 0, event.episode or 0)
        for event in History().events(show, limit=100_000)
        if event.event == "watched" and event.run <= runs
    }


def apply(service: CatalogService, key: EntryKey, action: tuple) -> None:
    """Do one action; one refused for want of a yes must have been asked without one."""
    try:
        act(service, key, action)
    except NeedsConfirmation:
        assert not action[2]
    except CannotRepeat:  # only a finished show starts again
        assert action[0] == "again"
        assert key.kind is Kind.PODCAST or Library().entry(key).status != "completed"


def act(service: CatalogService, key: EntryKey, action: tuple) -> None:
    name, value, confirm = action
    library, episodes = Library(), Episodes()
    if name == "refresh":
        before = recorded(key)
        service.refresh(key)
        assert recorded(key) == before, "a refresh changed what the user recorded"
        return
    if name == "tick":
        if key.kind is Kind.TV:
            rows = episodes.show_episodes(key)
            row = rows[value % len(rows)]
            episodes.set_watched(key, [row.id], not row.watched, confirm=confirm)
        else:
            rows = episodes.podcast_episodes(key)
            row = rows[value % len(rows)]
            episodes.set_listened(key, [row.id], not row.listened, confirm=confirm)
    elif name == "step":
        library.step_progress(key, value, confirm=confirm)
    elif name == "progress":
        total = library.entry(key).total or 0
        library.set_progress(key, min(value, total), confirm=confirm)
    elif name == "status":
        library.set_status(key, KINDS[key.kind].statuses[value], confirm=confirm)
    elif name == "rate":
        library.set_rating(key, value)
    elif name == "again":
        History().start_again(key, confirm=confirm)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.tuples(st.booleans(), actions), min_size=1, max_size=12))
def test_progress_is_the_ticks_and_refresh_keeps_everything(world, steps) -> None:
    service, show, podcast = world
    # The fixture lives across examples: start from the runs and archive already there.
    start = Library().entry(show)
    runs = Library().detail(show).runs - (start.status == "completed")
    archived = archived_ticks(show, runs)  # every tick of an ended run, with its run
    for on_show, action in steps:
        key = show if on_show else podcast
        live = {
            (runs + 1, e.season_number, e.episode_number)
            for e in Episodes().show_episodes(show)
            if e.watched
        }
        before = Library().entry(show)
        apply(service, key, action)
        after = Library().entry(show)
        if key == show and action[0] == "again" and before.status == "completed" and action[2]:
            runs += 1
            archived |= live
            assert after.progress == 0 and after.status == "watching"
        assert_progress_is_the_ticks(show)
        assert_progress_is_the_ticks(podcast)
        assert Library().detail(show).runs == runs + (after.status == "completed")
        assert archived_ticks(show, runs) == archived


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(actions, min_size=1, max_size=8))
def test_a_question_unanswered_changes_nothing(world, steps) -> None:
    """Every action refused for want of a yes leaves the record exactly as it was."""
    service, show, _ = world
    for name, value, _confirm in steps:
        before = recorded(show)
        try:
            act(service, show, (name, value, False))
        except (NeedsConfirmation, CannotRepeat):
            assert recorded(show) == before
