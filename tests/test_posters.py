"""Posters: fetched once and kept on disk within a bound, hostile answers left out, a setting."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from mediatrack import config
from mediatrack.catalog.http import HttpOptions
from mediatrack.catalog.images import MAX_BYTES, ImageClient, ImageRef
from mediatrack.kinds import Kind
from mediatrack.services.images import ImageCache, Posters, detect_mode, image_mode, posters

OPTIONS = HttpOptions(timeout=(1.0, 2.0), retries=0, backoff_factor=0.0, cache=False)


def png(width: int = 60, height: int = 90, colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def jpeg(width: int = 600, height: int = 900) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


def claims_huge(width: int = 50_000, height: int = 50_000) -> bytes:
    """A tiny PNG whose header says it is ``width`` x ``height`` (a decompression bomb's shape)."""
    data = bytearray(png(1, 1))
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 17]))
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", crc)
    return bytes(data)


@pytest.fixture
def service(httpserver, tmp_path: Path) -> Posters:
    client = ImageClient(httpserver.url_for("/t/p"), options=OPTIONS)
    return Posters(client, ImageCache(tmp_path / "images", 100 * 1024 * 1024), "halfblocks")


def serve(httpserver, path: str, body: bytes, content_type: str = "image/png", status: int = 200):
    httpserver.expect_request(path).respond_with_data(
        body, status=status, content_type=content_type
    )


def test_a_cached_poster_costs_no_request(httpserver, service):
    serve(httpserver, "/t/p/w342/abc.jpg", jpeg())
    first = service.picture(ImageRef(Kind.MOVIE, "/abc.jpg"))
    assert first.image is not None and first.note is None
    assert max(first.image.size) <= 513  # kept small: a w342 poster at most
    assert len(httpserver.log) == 1
    again = service.picture(ImageRef(Kind.MOVIE, "/abc.jpg"))
    assert again.image is not None and again.image.size == first.image.size
    assert len(httpserver.log) == 1  # the second look came from the disk


def test_covers_and_artwork_use_their_own_urls(httpserver, service):
    serve(httpserver, "/cover.png", png())
    serve(httpserver, "/art.png", png(100, 100))
    assert service.picture(ImageRef(Kind.BOOK, httpserver.url_for("/cover.png"))).image
    assert service.picture(ImageRef(Kind.PODCAST, httpserver.url_for("/art.png"))).image
    assert [entry[0].path for entry in httpserver.log] == ["/cover.png", "/art.png"]


def test_the_cache_stays_under_its_bound_and_keeps_the_recently_shown(tmp_path):
    import os
    import time

    cache = ImageCache(tmp_path / "images", max_bytes=3 * len(png()) + 10)
    body = png()
    for n in range(3):
        cache.put(f"u{n}", body)
        os.utime(cache.path(f"u{n}"), (time.time() - 100 + n, time.time() - 100 + n))
    assert cache.get("u0") == body  # u0 is now the most recently used
    cache.put("u3", body)
    cache.put("u4", body)
    assert cache.size() <= cache.max_bytes
    assert cache.get("u0") == body
    assert cache.get("u1") is None and cache.get("u2") is None
    assert cache.get("u4") == body


@pytest.mark.parametrize(
    ("body", "content_type", "status", "says"),
    [
        (b"<html>captive portal</html>", "text/html", 200, "not a picture"),
        (jpeg()[:700], "image/jpeg", 200, "cut short"),
        (claims_huge(), "image/png", 200, "too large"),
        (claims_huge(9_000, 9_000), "image/png", 200, "too large"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (MAX_BYTES + 1), "image/png", 200, "over 5 MB"),
        (b"gone", "text/plain", 404, None),
        (b"oops", "text/plain", 500, "HTTP 500"),
    ],
    ids=["html", "truncated", "bomb", "huge-pixels", "huge-body", "404", "500"],
)
def test_a_bad_answer_is_no_poster_and_one_sentence(
    httpserver, service, body, content_type, status, says
):
    serve(httpserver, "/t/p/w342/bad.jpg", body, content_type, status)
    found = service.picture(ImageRef(Kind.TV, "/bad.jpg"))
    assert found.image is None
    if says is None:
        assert found.note is None  # no poster is not worth a word
    else:
        assert found.note is not None and says in found.note and "\n" not in found.note
    assert not list((service.cache.folder).glob("*.png"))  # nothing bad is kept


def test_a_stored_reference_that_is_not_a_path_asks_nothing(httpserver, service):
    for ref in ("abc.jpg", "/a b.jpg", "javascript:alert(1)"):
        assert service.picture(ImageRef(Kind.MOVIE, ref)).image is None
    assert service.picture(ImageRef(Kind.BOOK, "file:///etc/passwd")).image is None
    assert len(httpserver.log) == 0


def test_images_off_make_no_request(httpserver, tmp_path, monkeypatch):
    serve(httpserver, "/t/p/w342/abc.jpg", jpeg())
    client = ImageClient(httpserver.url_for("/t/p"), options=OPTIONS)
    off = Posters(client, ImageCache(tmp_path / "images", 10**8), "off")
    assert off.picture(ImageRef(Kind.MOVIE, "/abc.jpg")).image is None
    monkeypatch.setenv("MEDIATRACK_IMAGES_SHOW", "off")
    assert posters().enabled is False
    assert len(httpserver.log) == 0


@pytest.mark.parametrize(
    ("environ", "tty", "mode"),
    [
        ({"TERM": "xterm-kitty"}, True, "kitty"),
        ({"TERM": "xterm-256color", "KITTY_WINDOW_ID": "1"}, True, "kitty"),
        ({"TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm"}, True, "sixel"),
        ({"TERM": "foot"}, True, "sixel"),
        ({"TERM": "tmux-256color", "TMUX": "/tmp/tmux-0/default"}, True, "halfblocks"),
        ({"TERM": "xterm-kitty", "TMUX": "/tmp/tmux-0/default"}, True, "halfblocks"),
        ({"TERM": "xterm-256color"}, True, "halfblocks"),
        ({"TERM": "dumb"}, True, "off"),
        ({"TERM": "xterm-256color", "NO_COLOR": "1"}, True, "off"),
        ({"TERM": "xterm-kitty"}, False, "off"),
    ],
)
def test_the_mode_follows_what_the_terminal_announces(environ, tty, mode):
    assert detect_mode(environ, tty) == mode


def test_the_setting_is_checked_and_read(monkeypatch):
    monkeypatch.delenv("MEDIATRACK_IMAGES_SHOW")
    config.set_value("images.show", "On")
    assert config.get("images.show") == "auto"
    config.set_value("images.show", "halfblocks")
    assert image_mode() == "halfblocks"
    with pytest.raises(config.ConfigError, match="must be one of"):
        config.set_value("images.show", "pictures")
    with pytest.raises(config.ConfigError, match="whole number of megabytes"):
        config.set_value("images.cache_mb", "-3")
    config.set_value("images.cache_mb", "7")
    assert posters().cache.max_bytes == 7 * 1024 * 1024


def test_auto_shows_nothing_in_a_headless_app(monkeypatch):
    monkeypatch.setenv("MEDIATRACK_IMAGES_SHOW", "auto")
    monkeypatch.setenv("TERM", "xterm-kitty")
    assert image_mode(headless=True) == "off"
    assert posters(headless=True).enabled is False
