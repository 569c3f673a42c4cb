"""The PostgreSQL test fixture itself: a real database per test, gone afterwards."""

from __future__ import annotations

import psycopg

from pg_server import connect_admin, throwaway_database


def _exists(name: str) -> bool:
    with connect_admin() as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return found is not None


def test_throwaway_database_is_usable_then_dropped():
    with throwaway_database() as url:
        name = url.rsplit("/", 1)[1]
        assert name.startswith("mediatrack_test_")
        assert _exists(name)
        with psycopg.connect(url) as connection:
            connection.execute("CREATE TABLE probe (id int)")
            connection.execute("INSERT INTO probe VALUES (1)")
            assert connection.execute("SELECT count(*) FROM probe").fetchone() == (1,)
    assert not _exists(name)


def test_each_database_has_its_own_name(pg_url):
    with throwaway_database() as other:
        assert other != pg_url
