"""config.toml and `mediatrack config`: environment over file over default, keyring secrets."""

from __future__ import annotations

import json
import os
import stat
import tomllib
from pathlib import Path

import pytest
from keyring.backends import fail

from auth_server import installed_keyring
from mediatrack import config
from mediatrack.auth import settings as auth_settings
from mediatrack.auth.settings import GoogleSettings
from mediatrack.catalog import google_books, itunes, tmdb
from mediatrack.catalog.settings import CatalogSettings, build_catalog
from mediatrack.config import ConfigError
from mediatrack.secrets import SERVICE, fallback_path, get_secret

TOKEN = "eyJ-very-SECRET-token"


@pytest.fixture(autouse=True)
def no_settings_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only what a test sets itself: no MEDIATRACK_* variable but the conftest's database."""
    for item in config.SETTINGS:
        if item.env and item.env != config.DB_ENV:
            monkeypatch.delenv(item.env, raising=False)
    monkeypatch.delenv(config.CONFIG_ENV, raising=False)


def write_config(text: str) -> Path:
    path = config.config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- precedence -------------------------------------------------------------------------------


def test_environment_over_file_over_default(monkeypatch):
    assert config.load().resolve("tmdb.url").source == "default"
    assert config.get("tmdb.url") == tmdb.DEFAULT_URL

    write_config('[tmdb]\nurl = "http://mirror.example"\n')
    found = config.load().resolve("tmdb.url")
    assert (found.value, found.source) == ("http://mirror.example", "file")

    monkeypatch.setenv("MEDIATRACK_TMDB_URL", "http://env.example")
    found = config.load().resolve("tmdb.url")
    assert found.value == "http://env.example"
    assert found.origin == "environment (MEDIATRACK_TMDB_URL)"
    assert CatalogSettings.from_config().tmdb_url == "http://env.example"


def test_the_catalog_and_sign_in_read_the_file_and_the_keyring(keyring_memory):
    write_config('[google]\nclient_id = "id-from-file"\n[google_books]\ncountry = "DE"\n')
    config.set_value("tmdb.token", TOKEN)
    config.set_value("google.client_secret", "client-SECRET")

    catalog = CatalogSettings.from_config()
    assert (catalog.tmdb_token, catalog.google_books_country) == (TOKEN, "DE")
    assert build_catalog().tmdb.configured
    google = GoogleSettings.from_config()
    assert google.require_client() == ("id-from-file", "client-SECRET")


def test_the_built_in_defaults_are_the_catalogs_and_googles():
    """config.py repeats the default URLs (it may not import the catalog): they must agree."""
    defaults = {item.key: item.default for item in config.SETTINGS}
    assert defaults["tmdb.url"] == tmdb.DEFAULT_URL
    assert defaults["google_books.url"] == google_books.DEFAULT_URL
    assert defaults["itunes.url"] == itunes.DEFAULT_URL
    assert defaults["google.device_url"] == auth_settings.DEFAULT_DEVICE_URL
    assert defaults["google.token_url"] == auth_settings.DEFAULT_TOKEN_URL
    assert defaults["google.jwks_url"] == auth_settings.DEFAULT_JWKS_URL
    # Every setting is reached by the variable its name says.
    for item in config.SETTINGS:
        if item.env:
            assert item.env == "MEDIATRACK_" + item.key.replace(".", "_").upper()


def test_the_library_file_comes_from_the_flag_the_environment_the_file_or_the_data_dir(
    monkeypatch, tmp_path
):
    monkeypatch.delenv("MEDIATRACK_DB")
    assert config.database_path() == config.data_dir() / "mediatrack.db"
    assert config.load().resolve("db").source == "default"
    assert config.get("db") == str(config.data_dir() / "mediatrack.db")
    write_config(f'db = "{tmp_path / "from-file.db"}"\n')
    assert config.database_path() == tmp_path / "from-file.db"
    monkeypatch.setenv("MEDIATRACK_DB", str(tmp_path / "from-env.db"))
    assert config.database_path() == tmp_path / "from-env.db"
    assert config.database_path(tmp_path / "flag.db") == tmp_path / "flag.db"
    monkeypatch.chdir(tmp_path)
    config.set_value("db", "relative.db")  # kept as the file it named when it was set
    assert config.load().file_value("db") == str(tmp_path / "relative.db")
    config.set_value("db", "~/library.db")  # kept as typed: the home of whoever runs it
    assert config.load().file_value("db") == "~/library.db"


# --- secrets --------------------------------------------------------------------------------


def test_a_secret_set_goes_to_the_keyring_never_into_the_file(cli, keyring_memory):
    write_config('[tmdb]\ntoken = "hand-written-SECRET"\n')  # once put there by hand

    result = cli("config", "set", "tmdb.token", TOKEN)

    assert result.code == 0, result.err
    assert result.out == "tmdb.token saved in the keyring.\n"
    text = config.config_path().read_text(encoding="utf-8")
    assert "SECRET" not in text  # the hand-written copy is gone too
    assert keyring_memory.entries[(SERVICE, "config:tmdb.token")] == TOKEN
    found = config.load().resolve("tmdb.token")
    assert (found.value, found.source, found.shown) == (TOKEN, "keyring", config.MASK)


def test_without_a_keyring_a_secret_goes_to_the_0600_file_not_the_toml(cli):
    with installed_keyring(fail.Keyring()):
        result = cli("config", "set", "google.client_secret", "client-SECRET")
        assert result.code == 0, result.err
        assert str(fallback_path()) in result.out
        assert get_secret("config:google.client_secret") == "client-SECRET"
        assert config.load().resolve("google.client_secret").source == "keyring file"
    assert stat.S_IMODE(os.stat(fallback_path()).st_mode) == 0o600
    assert not config.config_path().exists()  # nothing else was set: no file at all


def test_a_secret_piped_in_is_read_from_stdin(cli, keyring_memory, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(TOKEN + "\n"))
    result = cli("config", "set", "tmdb.token")
    assert result.code == 0, result.err
    assert keyring_memory.entries[(SERVICE, "config:tmdb.token")] == TOKEN


# --- the file -------------------------------------------------------------------------------


def test_set_keeps_unknown_keys_and_comments_and_leaves_no_temporary_file(cli):
    path = write_config(
        "# my settings\n"
        "[tmdb]\n"
        'url = "http://old.example"  # a mirror\n'
        "\n[plugins]\n"
        "colours = [1, 2, 3]\n"
        "when = 2024-01-02\n"
    )

    assert cli("config", "set", "tmdb.url", "http://new.example").code == 0
    assert cli("config", "set", "google_books.country", "fr").code == 0

    text = path.read_text(encoding="utf-8")
    assert "# my settings" in text and "# a mirror" in text
    data = tomllib.loads(text)
    assert data["tmdb"]["url"] == "http://new.example"
    assert data["google_books"]["country"] == "FR"
    assert data["plugins"]["colours"] == [1, 2, 3]
    assert str(data["plugins"]["when"]) == "2024-01-02"
    assert sorted(p.name for p in path.parent.iterdir()) == ["config.toml"]


def test_set_refuses_bad_values_in_one_sentence_and_changes_nothing(cli):
    for args in (
        ("tmdb.url", "ftp://x"),
        ("google_books.country", "France"),
        ("nonsense", "1"),
        ("tmdb.url", "http://x\x1b[2J"),
    ):
        result = cli("config", "set", *args)
        assert result.code == 1, args
        assert result.err.count("\n") == 1 and result.err.startswith("mediatrack: ")
    assert not config.config_path().exists()


def test_bad_toml_is_one_sentence_naming_the_file_and_the_line(cli, monkeypatch):
    path = write_config('[tmdb]\nurl = "http://ok"\ntoken = \n')

    for args in (("config", "list"), ("config", "set", "tmdb.url", "http://x"), ()):
        if not args:  # opening the app: no traceback, no app
            monkeypatch.delenv("MEDIATRACK_DB")
        result = cli(*args)
        assert result.code == 1, args
        assert result.err.count("\n") == 1, result.err
        assert str(path) in result.err and "line 3" in result.err
        assert "Traceback" not in result.err
    assert path.read_text(encoding="utf-8").endswith("token = \n")  # never overwritten
    with pytest.raises(ConfigError, match="line 3"):
        CatalogSettings.from_config()


def test_a_value_of_the_wrong_type_is_one_sentence(cli):
    write_config("[tmdb]\nurl = 42\n")
    result = cli("config", "get", "tmdb.url")
    assert result.code == 1
    assert "tmdb.url must be text in quotes" in result.err


# --- the commands -----------------------------------------------------------------------------


def test_config_path_get_set_unset_and_list(cli, keyring_memory, monkeypatch):
    assert cli("config", "path").out == f"{config.config_path()}\n"

    assert cli("config", "set", "itunes.url", "http://podcasts.example").code == 0
    assert cli("config", "set", "tmdb.token", TOKEN).code == 0
    assert cli("config", "get", "itunes.url").out == "http://podcasts.example\n"
    assert cli("config", "get", "tmdb.token").out == f"{config.MASK}\n"
    assert cli("config", "get", "tmdb.token", "--reveal").out == f"{TOKEN}\n"
    missing = cli("config", "get", "google.client_id")
    assert (missing.code, missing.err) == (1, "mediatrack: google.client_id is not set.\n")

    monkeypatch.setenv("MEDIATRACK_GOOGLE_CLIENT_ID", "env-client")
    listing = cli("config", "list")
    assert listing.code == 0 and TOKEN not in listing.out
    rows = {line.split()[0]: line.split(None, 2)[1:] for line in listing.out.splitlines()[1:16]}
    assert rows["tmdb.token"] == [config.MASK, "keyring"]
    assert rows["itunes.url"] == ["http://podcasts.example", "file"]
    assert rows["google.client_id"] == ["env-client", "environment (MEDIATRACK_GOOGLE_CLIENT_ID)"]
    assert rows["tmdb.url"] == [tmdb.DEFAULT_URL, "default"]
    assert rows["google.client_secret"] == ["-", "unset"]

    overridden = cli("config", "set", "google.client_id", "file-client")
    assert "MEDIATRACK_GOOGLE_CLIENT_ID is set in your environment" in overridden.out

    assert cli("config", "unset", "tmdb.token").code == 0
    assert (SERVICE, "config:tmdb.token") not in keyring_memory.entries
    assert config.load().resolve("tmdb.token").source == "unset"


def test_sync_setup_keeps_the_url_in_config_toml_and_reads_an_older_sync_json(cli, keyring_memory):
    from mediatrack.services.sync import sync_url

    (config.config_dir()).mkdir(parents=True, exist_ok=True)
    (config.config_dir() / "sync.json").write_text(json.dumps({"url": "postgresql://old@h/db"}))
    assert sync_url() == "postgresql://old@h/db"
    assert config.load().resolve("sync.url").where == str(config.config_dir() / "sync.json")

    result = cli("config", "set", "sync.url", "postgresql://me:pw-SECRET@db.example/friends")
    assert result.code == 0, result.err
    assert sync_url() == "postgresql://me@db.example/friends"
    text = config.config_path().read_text(encoding="utf-8")
    assert "pw-SECRET" not in text
    assert get_secret("sync-password:postgresql://me@db.example/friends") == "pw-SECRET"
    assert config.load().resolve("sync.password").source == "keyring"
    assert config.load().resolve("sync.url").source == "file"  # config.toml over sync.json
    assert cli("config", "set", "sync.password", "new-SECRET").code == 0
    assert get_secret("sync-password:postgresql://me@db.example/friends") == "new-SECRET"
    assert "SECRET" not in config.config_path().read_text(encoding="utf-8")


def test_a_keyring_that_will_not_answer_leaves_the_list_readable(cli):
    from keyring.errors import KeyringLocked

    from auth_server import MemoryKeyring

    class Locked(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            raise KeyringLocked("locked")

    write_config('[tmdb]\nurl = "http://mirror.example"\n')
    with installed_keyring(Locked()):
        listing = cli("config", "list")
        assert listing.code == 0, listing.err
        assert "keyring (cannot be read)" in listing.out
        assert "http://mirror.example" in listing.out
        token = cli("config", "get", "tmdb.token")
        assert token.code == 1 and "keyring refused" in token.err
        assert token.err.count("\n") == 1
