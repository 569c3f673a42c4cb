"""Friends' shared notes in the app: under your own note in the detail pane, and under the
table of a friend's library, as the last sync left them in the local file."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediatrack.app import MediaTrackApp
from mediatrack.kinds import Kind
from mediatrack.records import EntryKey
from mediatrack.screens.friend_library import FriendLibraryScreen
from mediatrack.store.db import connection, open_database
from mediatrack.store.identity import Profile, sign_in
from stats_library import befriend, friends_circle, movie, note, person
from tui_helpers import SIZE, rendered_rows, text_of, until

HOSTILE = "Watch with \x1b[31mdad\n[b]x"


@pytest.fixture
def circle(db_path: Path) -> dict[str, int]:
    """Me, signed in, with friends Ana, Bob, Dan and Eve (Carol only asked); all of them,
    and a stranger, wrote a note on Alien, the first of my movies."""
    open_database(db_path)
    sign_in(Profile("me", "Me", "me@example.com", True))
    with connection():
        items = friends_circle()
        alien = EntryKey(Kind.MOVIE, items["alien"])
        for user_id, name in (("dan", "Dan"), ("eve", "Eve"), ("zed", "Zed")):
            person(user_id, name)
        for user_id in ("bob", "carol", "dan", "eve", "zed"):
            movie("Alien", user=user_id, item=alien.item_id)
        for user_id in ("dan", "eve"):
            befriend("me", user_id)
        note("ana", alien, HOSTILE, on="2025-03-05")
        note("bob", alien, "Bob on Alien", on="2025-03-04")
        note("dan", alien, "Dan on Alien", on="2025-03-03")
        note("eve", alien, "Eve on Alien", on="2025-03-02")  # the oldest: "and 1 more"
        note("carol", alien, "Carol on Alien", on="2025-03-06")  # only asked
        note("zed", alien, "Zed on Alien", on="2025-03-07")  # a stranger
        note("ana", EntryKey(Kind.MOVIE, items["ronin"]), "Ronin, again", on="2025-03-01")
        note("ana", EntryKey(Kind.MOVIE, items["heat"]), "private", shared=False, on="2025-03-01")
    return items


def pane(app: MediaTrackApp) -> str:
    return text_of(app, "#detail-body")


async def test_the_detail_pane_lists_friends_shared_notes_newest_first(circle):
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await until(pilot, lambda: "Friends' notes" in pane(app))
        text = pane(app)
        assert text.index("Your rating") < text.index("Friends' notes")
        notes = text[text.index("Friends' notes") :]
        assert "Ana · " in notes and "Watch with ␛[31mdad\n[b]x" in notes  # shown literally
        assert "\x1b" not in text
        assert notes.index("Ana") < notes.index("Bob on Alien") < notes.index("Dan on Alien")
        assert notes.rstrip().endswith("and 1 more")
        for hidden in ("Eve on Alien", "Carol", "Zed"):
            assert hidden not in text
        await pilot.press("down")  # Gone: nobody shared a note on it
        await until(pilot, lambda: "Gone" in pane(app) and "Your rating" in pane(app))
        await until(pilot, lambda: "Added" in pane(app))
        assert "Friends' notes" not in pane(app)


async def test_a_friends_library_shows_their_note_on_the_highlighted_item(circle):
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await until(pilot, lambda: app.screen.query("#friends").first().option_count == 4)
        await pilot.press("enter")  # Ana, the first by name
        await until(pilot, lambda: isinstance(app.screen, FriendLibraryScreen))
        await until(pilot, lambda: rendered_rows(app))
        assert rendered_rows(app)[0].startswith("Alien")
        await until(pilot, lambda: text_of(app, "#friend-note"))
        line = text_of(app, "#friend-note")
        assert line == "Ana's note: Watch with ␛[31mdad [b]x"  # one line, inert, no markup
        await pilot.press("down")  # Heat: her note on it is private
        await until(pilot, lambda: text_of(app, "#friend-note") == "")
        await pilot.press("down")  # Ronin
        await until(pilot, lambda: text_of(app, "#friend-note") == "Ana's note: Ronin, again")
