"""Paths on screen: the home folder is written ``~``, anything else as it is."""

from __future__ import annotations

from pathlib import Path

from mediatrack.display.paths import shown_path


def test_a_path_under_home_starts_with_a_tilde(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert shown_path(tmp_path / ".config" / "mediatrack" / "config.toml") == (
        "~/.config/mediatrack/config.toml"
    )
    assert shown_path(tmp_path) == "~"


def test_a_path_elsewhere_is_shown_whole(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert shown_path(tmp_path / "library.db") == str(tmp_path / "library.db")
    assert shown_path(Path("relative.db")) == "relative.db"
    assert shown_path(str(tmp_path / "homework.db")) == str(tmp_path / "homework.db")
