"""`mediatrack sync init` moves a server made before the seed's names, keeping its rows."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors

from mediatrack.store.sync import server
from mediatrack.store.sync.server import init_schema, latest_server_version

NOW = "2024-05-01 12:00:00+00"


@pytest.fixture
def old_server(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A server at schema step 1 holding rows under the old names (written as the admin)."""
    steps = server.server_steps()
    with monkeypatch.context() as patched:
        patched.setattr(server, "server_steps", lambda: steps[:1])
        assert init_schema(pg_url).after == 1
    with psycopg.connect(pg_url, autocommit=True) as sql:
        sql.execute(
            "INSERT INTO users (id, name, email, created_at, updated_at) "
            "VALUES ('ann', 'Ann', 'ann@example.com', %s, %s)",
            (NOW, NOW),
        )
        sql.execute(
            "INSERT INTO media_items (created_at, updated_at, tmdb_id, type, title, tmdb_status) "
            "VALUES (%s, %s, 1399, 'tv', 'Game of Thrones', 'Ended')",
            (NOW, NOW),
        )
        sql.execute(
            "INSERT INTO seasons (created_at, updated_at, media_item_id, tmdb_id, season_number, "
            "name) SELECT %s, %s, id, number + 100, number, "
            "CASE number WHEN 1 THEN 'Season One' WHEN 2 THEN ' ' END "
            "FROM media_items, generate_series(0, 2) AS number",
            (NOW, NOW),
        )
        sql.execute(
            "INSERT INTO episodes (created_at, updated_at, season_id, tmdb_id, episode_number, "
            "name) SELECT %s, %s, id, tmdb_id * 10, 4, NULL FROM seasons",
            (NOW, NOW),
        )
        sql.execute(
            "INSERT INTO books (created_at, updated_at, google_id, title) "
            "VALUES (%s, %s, 'g-1', 'Dune')",
            (NOW, NOW),
        )
        sql.execute(
            "INSERT INTO podcasts (created_at, updated_at, itunes_id, title, artist) "
            "VALUES (%s, %s, 'i-1', 'Radiolab', 'WNYC')",
            (NOW, NOW),
        )
        sql.execute(
            "INSERT INTO user_progress (created_at, updated_at, user_id, media_item_id, status, "
            "progress) SELECT %s, %s, 'ann', id, 'watching', 5 FROM media_items",
            (NOW, NOW),
        )
        sql.execute(
            "INSERT INTO user_book_progress (created_at, updated_at, user_id, book_id, status, "
            "current_page) SELECT %s, %s, 'ann', id, 'reading', 120 FROM books",
            (NOW, NOW),
        )
        sql.execute(
            "INSERT INTO user_podcast_progress (created_at, updated_at, user_id, podcast_id, "
            "status, episodes_listened) SELECT %s, %s, 'ann', id, 'listening', 3 FROM podcasts",
            (NOW, NOW),
        )
    return pg_url


def one(sql: psycopg.Connection, query: str) -> tuple:
    return sql.execute(query).fetchone()


def test_init_moves_an_old_server_to_the_seed_names_keeping_every_row(old_server: str) -> None:
    with psycopg.connect(old_server, autocommit=True) as sql:
        seasons_revision = one(sql, "SELECT max(revision) FROM seasons")[0]

    status = init_schema(old_server)

    assert (status.before, status.after) == (1, latest_server_version())
    with psycopg.connect(old_server, autocommit=True) as sql:
        assert one(sql, "SELECT title, status, last_air_date FROM media_items") == (
            "Game of Thrones",
            "Ended",
            None,
        )
        seasons = sql.execute("SELECT season_number, name FROM seasons ORDER BY 1").fetchall()
        assert seasons == [(0, "Specials"), (1, "Season One"), (2, "Season 2")]
        names = sql.execute("SELECT DISTINCT name FROM episodes").fetchall()
        assert names == [("Episode 4",)]
        # the named rows took new revisions, so every device pulls the names
        assert one(sql, "SELECT min(revision) FROM seasons WHERE season_number <> 1")[0] > (
            seasons_revision
        )
        assert one(sql, "SELECT collection_name, artist_name FROM podcasts") == ("Radiolab", "WNYC")
        assert one(sql, "SELECT is_ebook FROM books") == (False,)
        assert one(sql, "SELECT vote_average FROM episodes LIMIT 1") == (None,)
        progress = [
            one(sql, f"SELECT progress FROM {table}")[0]
            for table in ("user_progress", "user_book_progress", "user_podcast_progress")
        ]
        assert progress == [5, 120, 3]


def test_the_renamed_progress_keeps_its_check_and_takes_the_default(old_server: str) -> None:
    init_schema(old_server)
    with psycopg.connect(old_server, autocommit=True) as sql:
        constraints = {
            name
            for (name,) in sql.execute(
                "SELECT conname FROM pg_constraint WHERE contype = 'c' "
                "AND conrelid = 'user_book_progress'::regclass"
            )
        }
        assert "user_book_progress_progress_check" in constraints
        with pytest.raises(errors.CheckViolation):
            sql.execute("UPDATE user_book_progress SET progress = -1")
        sql.execute("DELETE FROM user_book_progress")
        sql.execute(
            "INSERT INTO user_book_progress (created_at, updated_at, user_id, book_id, status) "
            "SELECT %s, %s, 'ann', id, 'reading' FROM books",
            (NOW, NOW),
        )
        assert one(sql, "SELECT progress FROM user_book_progress") == (0,)


def test_the_seed_names_step_changes_nothing_when_run_again(old_server: str) -> None:
    init_schema(old_server)
    step = next(sql for _, sql in server.server_steps() if "the seed's names" in sql)
    with psycopg.connect(old_server, autocommit=True) as sql:
        before = sql.execute(
            "SELECT table_name, column_name, is_nullable, column_default "
            "FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2"
        ).fetchall()
        rows = sql.execute("SELECT id, name, revision FROM seasons ORDER BY id").fetchall()
        sql.execute(step.encode())
        after = sql.execute(
            "SELECT table_name, column_name, is_nullable, column_default "
            "FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2"
        ).fetchall()
        assert after == before
        assert sql.execute("SELECT id, name, revision FROM seasons ORDER BY id").fetchall() == rows
