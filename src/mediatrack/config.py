"""Every setting and every path: ``config.toml``, environment variables over it, secrets aside.

Where a setting's value comes from, first match wins:

1. its environment variable (``MEDIATRACK_TMDB_TOKEN``...), as posting does;
2. ``config.toml`` in the user config dir (``MEDIATRACK_CONFIG`` names another file);
3. for a secret, the keyring (or its 0600 fallback file, see ``mediatrack.secrets``);
4. the built-in default.

Secrets (API keys and tokens, the Google client secret, the sync password) are
written to the keyring only, never to the TOML file. The file is read with
``tomllib``; writes go through tomlkit so comments and keys this version does
not know survive, and replace the file atomically (temporary file + rename).

This module also owns every directory mediatrack uses (config, data, cache) and
the library file's path. It imports nothing of mediatrack but ``secrets``, and
that only inside functions: ``secrets`` imports it for the config dir.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from mediatrack.errors import MediatrackError
from mediatrack.files import replace_file

APP_NAME = "mediatrack"
CONFIG_FILE_NAME = "config.toml"
CONFIG_ENV = "MEDIATRACK_CONFIG"
DB_ENV = "MEDIATRACK_DB"
DATABASE_FILE_NAME = "mediatrack.db"
MASK = "********"
LEGACY_SYNC_FILE = "sync.json"

_write_lock = threading.Lock()


class ConfigError(MediatrackError):
    """The config file or a setting cannot be used; ``str(error)`` is one sentence."""


# --- paths ---------------------------------------------------------------------------


def config_dir() -> Path:
    """Where ``config.toml`` (and the secrets fallback file) live."""
    return Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    """Where the library file lives unless told otherwise."""
    return Path(platformdirs.user_data_dir(APP_NAME))


def cache_dir() -> Path:
    """Where caches live (the HTTP cache): anything here may be deleted."""
    return Path(platformdirs.user_cache_dir(APP_NAME))


def config_path() -> Path:
    """The config file: ``$MEDIATRACK_CONFIG``, else ``config.toml`` in the config dir."""
    chosen = os.environ.get(CONFIG_ENV, "").strip()
    return Path(chosen).expanduser() if chosen else config_dir() / CONFIG_FILE_NAME


def default_database_path() -> Path:
    return data_dir() / DATABASE_FILE_NAME


def database_path(override: str | os.PathLike[str] | None = None) -> Path:
    """The SQLite file: ``--db``, ``MEDIATRACK_DB``, ``db`` in the file, or the data dir's.

    The config file is read only when neither of the first two names a file.
    """
    chosen = override or os.environ.get(DB_ENV, "").strip() or load().get("db")
    return Path(chosen).expanduser() if chosen else default_database_path()


# --- the settings -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting: its key in the file (``table.name``), its variable, whether it is secret."""

    key: str
    env: str | None
    help: str
    secret: bool = False
    default: str | None = None
    kind: str = (
        "text"  # "text", "url", "path", "country", "images", "megabytes": how ``set`` checks
    )

    @property
    def table(self) -> str | None:
        return self.key.rpartition(".")[0] or None

    @property
    def name(self) -> str:
        return self.key.rpartition(".")[2]


def _setting(key: str, help: str, *, env: bool = True, **options: Any) -> Setting:
    """A setting whose variable is ``MEDIATRACK_`` and its key in capitals (tmdb.url: _TMDB_URL)."""
    name = "MEDIATRACK_" + key.replace(".", "_").upper() if env else None
    return Setting(key, name, help, **options)


# The default URLs repeat the catalog and auth modules' (config may not import them:
# secrets, which auth uses, imports config). tests/test_config.py holds them equal.
SETTINGS: tuple[Setting, ...] = (
    _setting("tmdb.token", "TMDB read access token (v4)", secret=True),
    _setting("tmdb.api_key", "TMDB API key (v3), instead of a token", secret=True),
    _setting("tmdb.url", "TMDB API", default="https://api.themoviedb.org", kind="url"),
    _setting("tmdb.image_url", "TMDB posters", default="https://image.tmdb.org/t/p", kind="url"),
    _setting("google_books.key", "Google Books API key (optional)", secret=True),
    _setting("google_books.country", "country code for Google Books", kind="country"),
    _setting(
        "google_books.url", "Google Books API", default="https://www.googleapis.com", kind="url"
    ),
    _setting("itunes.url", "iTunes Search API", default="https://itunes.apple.com", kind="url"),
    _setting("google.client_id", "Google OAuth client id (TVs and Limited Input devices)"),
    _setting("google.client_secret", "Google OAuth client secret", secret=True),
    _setting(
        "google.device_url",
        "Google device-code endpoint",
        default="https://oauth2.googleapis.com/device/code",
        kind="url",
    ),
    _setting(
        "google.token_url",
        "Google token endpoint",
        default="https://oauth2.googleapis.com/token",
        kind="url",
    ),
    _setting(
        "google.jwks_url",
        "Google's signing keys",
        default="https://www.googleapis.com/oauth2/v3/certs",
        kind="url",
    ),
    _setting("sync.url", "shared PostgreSQL server: postgresql://ROLE@host/database"),
    _setting("sync.password", "password of your sync role", env=False, secret=True),
    _setting("db", "the library file", kind="path"),
    _setting(
        "images.show",
        "posters and covers: auto, off, halfblocks, kitty or sixel",
        default="auto",
        kind="images",
    ),
    _setting("images.cache_mb", "disk kept for posters, in MB", default="100", kind="megabytes"),
)
IMAGE_MODES = ("auto", "off", "halfblocks", "kitty", "sixel")
_BY_KEY = {setting.key: setting for setting in SETTINGS}


def setting(key: str) -> Setting:
    """The setting called ``key``, or a ``ConfigError`` listing the known ones."""
    try:
        return _BY_KEY[key.strip().lower()]
    except KeyError:
        known = ", ".join(_BY_KEY)
        raise ConfigError(f"There is no setting {key!r}; the settings are: {known}.") from None


def secret_name(key: str, sync_url: str | None = None) -> str | None:
    """The keyring name a secret setting is stored under (the sync password's follows the URL)."""
    if key == "sync.password":
        return sync_password_name(sync_url) if sync_url else None
    return f"config:{key}"


def sync_password_name(url: str) -> str:
    """The keyring name of the password for the sync server at ``url``."""
    return f"sync-password:{url}"


@dataclass(frozen=True, slots=True)
class Resolved:
    """A setting's value and where it came from: environment, file, keyring, default, unset."""

    setting: Setting
    value: str | None = field(repr=False)
    source: str  # "environment", "file", "keyring", "keyring file", "default", "unset"
    where: str = ""  # the variable's name, the file's path...

    @property
    def shown(self) -> str:
        """The value as people may see it: a secret is masked."""
        if self.value is None:
            return ""
        return MASK if self.setting.secret else self.value

    @property
    def origin(self) -> str:
        """ "environment (MEDIATRACK_TMDB_TOKEN)", "file", "keyring", "default"..."""
        if self.source == "environment":
            return f"environment ({self.where})"
        return self.source


class Config:
    """One reading of the config file with the environment over it; secrets read on demand."""

    def __init__(self, path: Path, data: Mapping[str, Any], environ: Mapping[str, str]) -> None:
        self.path = path
        self.data = data
        self.environ = environ

    def file_value(self, key: str) -> str | None:
        """What the file says for ``key`` (None when absent); a wrong type is a ``ConfigError``."""
        item = setting(key)
        table: Any = self.data
        if item.table is not None:
            table = self.data.get(item.table, {})
            if not isinstance(table, dict):
                raise ConfigError(f"In {self.path}, {item.table} must be a table ([{item.table}]).")
        value = table.get(item.name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise ConfigError(f'In {self.path}, {item.key} must be text in quotes ("...").')
        return value.strip() or None

    def resolve(self, key: str) -> Resolved:
        """``key``'s value and its source, environment first."""
        item = setting(key)
        if item.env and self.environ.get(item.env, "").strip():
            return Resolved(item, self.environ[item.env].strip(), "environment", item.env)
        value = self.file_value(item.key)
        if value is not None:
            return Resolved(item, value, "file", str(self.path))
        if item.key == "sync.url" and (value := _legacy_sync_url()) is not None:
            return Resolved(item, value, "file", str(config_dir() / LEGACY_SYNC_FILE))
        if item.secret:
            stored = self._secret(item)
            if stored is not None:
                return stored
        if item.default is not None:
            return Resolved(item, item.default, "default")
        if item.key == "db":
            return Resolved(item, str(default_database_path()), "default")
        return Resolved(item, None, "unset")

    def get(self, key: str) -> str | None:
        return self.resolve(key).value

    def all(self) -> list[Resolved]:
        """Every setting; a secret the keyring will not give shows as such, the rest go on."""
        found = []
        for item in SETTINGS:
            try:
                found.append(self.resolve(item.key))
            except ConfigError:
                if not item.secret or self.file_value(item.key) is not None:
                    raise
                found.append(Resolved(item, None, "keyring (cannot be read)"))
        return found

    def _secret(self, item: Setting) -> Resolved | None:
        from mediatrack.secrets import SecretsError, fallback_path, get_secret, keyring_available

        name = secret_name(item.key, self.get("sync.url") if item.key == "sync.password" else None)
        if name is None:
            return None
        try:
            value = get_secret(name)
        except SecretsError as error:
            raise ConfigError(str(error)) from None
        if not value:
            return None
        if keyring_available():
            return Resolved(item, value, "keyring")
        return Resolved(item, value, "keyring file", str(fallback_path()))


def load(environ: Mapping[str, str] | None = None, path: Path | None = None) -> Config:
    """Read the config file now (a missing file is an empty one)."""
    path = path or config_path()
    return Config(path, read_file(path), os.environ if environ is None else environ)


def get(key: str) -> str | None:
    """``key``'s value from the environment, the file, the keyring or the default."""
    return load().get(key)


def _legacy_sync_url() -> str | None:
    """The URL `sync setup` kept in ``sync.json`` before there was a config file."""
    import json

    try:
        url = json.loads((config_dir() / LEGACY_SYNC_FILE).read_text(encoding="utf-8")).get("url")
    except (OSError, ValueError, AttributeError):
        return None
    return (url.strip() or None) if isinstance(url, str) else None


# --- the file ----------------------------------------------------------------------------

_LOCATION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def read_file(path: Path) -> dict[str, Any]:
    """The file's tables; a missing file is empty; bad TOML is one sentence naming the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError:
        raise ConfigError(f"The config file {path} is not UTF-8 text; fix or delete it.") from None
    except OSError as error:
        raise ConfigError(f"The config file {path} cannot be read ({error.strerror}).") from None
    import tomllib  # here: the app's first frame needs no config file, only its path

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(_toml_sentence(path, str(error))) from None


def _toml_sentence(path: Path, message: str) -> str:
    found = _LOCATION.search(message)
    reason = _LOCATION.sub("", message).rstrip(".")
    reason = reason[:1].lower() + reason[1:]
    if found is None:
        return f"The config file {path} is not valid TOML ({reason}); fix or delete it."
    line = found.group(1)
    return f"The config file {path} is not valid TOML at line {line} ({reason}); fix that line."


def check_value(item: Setting, value: str) -> str:
    """``value`` cleaned for ``item``, or a ``ConfigError`` saying what is expected."""
    value = value.strip()
    if not value:
        raise ConfigError(f"{item.key} cannot be empty; use `mediatrack config unset {item.key}`.")
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise ConfigError(f"{item.key} cannot hold control characters.")
    if item.kind == "url" and not re.match(r"^https?://[^\s/]+", value):
        raise ConfigError(f"{item.key} must be an http:// or https:// URL.")
    if item.kind == "path" and not Path(value).expanduser().is_absolute():
        value = str(Path(value).absolute())  # a path relative to where `config set` ran
    if item.kind == "country":
        if not re.fullmatch(r"[A-Za-z]{2}", value):
            raise ConfigError(f"{item.key} must be a two-letter country code such as US.")
        value = value.upper()
    if item.kind == "images":
        value = {"on": "auto", "no": "off", "yes": "auto"}.get(value.lower(), value.lower())
        if value not in IMAGE_MODES:
            raise ConfigError(f"{item.key} must be one of {', '.join(IMAGE_MODES)} (or on).")
    if item.kind == "megabytes" and not (
        value.isascii() and value.isdigit() and 1 <= int(value) <= 100_000
    ):
        raise ConfigError(f"{item.key} must be a whole number of megabytes from 1 to 100000.")
    return value


def set_value(key: str, value: str) -> Path | None:
    """Store ``key``: a secret in the keyring (returns the fallback file's path if used), else
    in the file. A copy of a secret found in the file is removed from it."""
    item = setting(key)
    value = check_value(item, value)
    if item.secret:
        from mediatrack.secrets import SecretsError, set_secret

        current = load()  # a broken file stops us before the keyring changes
        name = secret_name(item.key, current.get("sync.url"))
        if name is None:
            raise ConfigError("Set sync.url first: the password belongs to that server.")
        try:
            stored_in = set_secret(name, value)
        except SecretsError as error:
            raise ConfigError(str(error)) from None
        if current.file_value(item.key) is not None:
            _edit_file(item, None)  # a copy written there by hand goes
        return stored_in
    _edit_file(item, value)
    return None


def unset(key: str) -> None:
    """Forget ``key`` in the file and, for a secret, in the keyring."""
    item = setting(key)
    if item.secret:
        from mediatrack.secrets import SecretsError, delete_secret

        name = secret_name(item.key, get("sync.url") if item.key == "sync.password" else None)
        try:
            if name is not None:
                delete_secret(name)
        except SecretsError as error:
            raise ConfigError(str(error)) from None
    _edit_file(item, None)


def _edit_file(item: Setting, value: str | None) -> None:
    """Set (or with None remove) one key, keeping every other key and comment of the file."""
    import tomlkit

    path = config_path()
    with _write_lock:
        read_file(path)  # a file we cannot read is reported, never overwritten
        target = path.resolve() if path.is_symlink() else path
        try:
            text = target.read_text(encoding="utf-8")
        except FileNotFoundError:
            if value is None:
                return
            text = ""
        document = tomlkit.parse(text)
        table: Any = document
        if item.table is not None:
            if item.table not in document:
                if value is None:
                    return
                document[item.table] = tomlkit.table()
            table = document[item.table]
        if value is None:
            if item.name not in table:
                return
            del table[item.name]
        else:
            table[item.name] = value
        _replace(target, tomlkit.dumps(document))


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it over ``path``."""
    try:
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
        replace_file(path, text, mode)
    except OSError as error:
        raise ConfigError(f"The config file {path} cannot be written ({error.strerror}).") from None
