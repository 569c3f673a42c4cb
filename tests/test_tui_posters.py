"""Posters in the app: drawn in the pane once the cursor rests, one fetch however fast it moves."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from mediatrack.app import MediaTrackApp
from mediatrack.kinds import Kind
from mediatrack.services.library import Library, NewItem
from mediatrack.store.db import open_database
from mediatrack.store.models import MediaItem
from mediatrack.widgets.poster import Poster
from tui_helpers import SIZE, settle, until

MOVIES = ("Alien", "Brazil", "Casablanca", "Dune", "Heat", "Ran")


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 60), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def movies(db_path: Path, httpserver, monkeypatch) -> list[str]:
    open_database(db_path)
    library = Library()
    paths = []
    for n, title in enumerate(MOVIES):
        key = library.add(NewItem(Kind.MOVIE, title, 1980 + n)).key
        path = f"/{title.lower()}.png"
        MediaItem.update(poster_path=path).where(MediaItem.id == key.item_id).execute()
        httpserver.expect_request(f"/t/p/w342{path}").respond_with_data(
            png(), content_type="image/png"
        )
        paths.append(f"/t/p/w342{path}")
    monkeypatch.setenv("MEDIATRACK_IMAGES_SHOW", "halfblocks")
    monkeypatch.setenv("MEDIATRACK_TMDB_IMAGE_URL", httpserver.url_for("/t/p"))
    return paths


def pane_poster(app: MediaTrackApp) -> Poster:
    return app.screen.query_one("#detail-poster", Poster)


async def test_the_pane_shows_the_poster_once_fetched(movies, httpserver):
    from textual_image.widget import HalfcellImage

    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await until(pilot, lambda: pane_poster(app).query(".poster-image"))
        [image] = pane_poster(app).query(".poster-image")
        assert isinstance(image, HalfcellImage)
        assert image.region.height > 0 and image.region.width > 0
        assert [entry[0].path for entry in httpserver.log] == [movies[0]]


async def test_moving_quickly_fetches_only_where_the_cursor_rests(movies, httpserver):
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await until(pilot, lambda: pane_poster(app).query(".poster-image"))
        httpserver.clear_log()
        fetches = pane_poster(app).fetches
        await pilot.press(*"jjjjj")
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        await until(pilot, lambda: pane_poster(app).query(".poster-image"))
        assert pane_poster(app).fetches == fetches + 1
        assert [entry[0].path for entry in httpserver.log] == [movies[-1]]
        # Back to the first: its poster is on disk, so no request at all.
        await pilot.press("g")
        await pilot.pause(0.3)
        await settle(pilot)
        await until(pilot, lambda: pane_poster(app).query(".poster-image"))
        assert [entry[0].path for entry in httpserver.log] == [movies[-1]]


async def test_the_detail_screen_shows_the_poster(movies, httpserver):
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await until(pilot, lambda: app.screen.query("#poster .poster-image"))


async def test_with_images_off_nothing_is_fetched(movies, httpserver, monkeypatch):
    monkeypatch.setenv("MEDIATRACK_IMAGES_SHOW", "off")
    app = MediaTrackApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        assert not pane_poster(app).query(".poster-image")
        assert pane_poster(app).region.height == 0
    assert len(httpserver.log) == 0
