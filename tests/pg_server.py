"""Throwaway PostgreSQL databases on the test server (127.0.0.1:5432 unless told otherwise).

Each test database has a random name and is dropped afterwards. When no server
answers, tests skip with the reason, unless ``MEDIATRACK_REQUIRE_PG=1`` (CI),
where they fail instead, so CI can never skip them silently.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

ADMIN_URL = os.environ.get(
    "MEDIATRACK_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def connect_admin():
    """An autocommit connection to the server's maintenance database, or skip/fail."""
    import psycopg

    try:
        return psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        reason = f"no PostgreSQL server reachable at {ADMIN_URL}: {error}".strip()
        if os.environ.get("MEDIATRACK_REQUIRE_PG") == "1":
            pytest.fail(f"MEDIATRACK_REQUIRE_PG=1 but {reason}")
        pytest.skip(reason)


@contextmanager
def throwaway_database() -> Iterator[str]:
    """Create a database with a random name; yield its URL; drop it afterwards."""
    name = f"mediatrack_test_{secrets.token_hex(6)}"
    with connect_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
