"""Changing a setting, for the CLI and the Settings screen alike."""

from __future__ import annotations

from pathlib import Path

from mediatrack import config


def save_setting(key: str, value: str) -> Path | None:
    """Store ``key``: a secret in the keyring (returns the fallback file's path when there is no
    keyring), anything else in ``config.toml``. Raises ``config.ConfigError``.

    ``sync.url`` goes through ``sync.setup``: it is checked, and a password inside
    the URL moves to the keyring instead of the file.
    """
    item = config.setting(key)
    if item.key != "sync.url":
        return config.set_value(item.key, value)
    from mediatrack.services.sync import SyncError, setup

    try:
        return setup(value, None)
    except SyncError as error:
        raise config.ConfigError(str(error)) from None
