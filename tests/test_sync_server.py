"""The server schema and its security, checked with direct SQL as each person's own role.

Nothing here goes through the client: what a role can and cannot do is
PostgreSQL's row-level security, policies and grants, as psql would meet them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import psycopg
import pytest
from psycopg import errors

from mediatrack.services.sync import ServerRefused, init_server, provision
from mediatrack.store.models import ALL_MODELS
from mediatrack.store.sync.server import latest_server_version, server_steps

NOW = "2024-05-01 12:00:00+00"
SYNCED = [
    "users",
    "media_items",
    "seasons",
    "episodes",
    "books",
    "podcasts",
    "podcast_episodes",
    "friendships",
    "user_progress",
    "ratings",
    "episode_watches",
    "user_book_progress",
    "user_podcast_progress",
    "podcast_listens",
]

# Columns only the server has: whose copy a catalog row is, when a request was declined.
SERVER_ONLY = {
    **{
        name: ["written_by"]
        for name in ("media_items", "seasons", "episodes", "books", "podcasts", "podcast_episodes")
    },
    "friendships": ["declined_at"],
}

if TYPE_CHECKING:
    from sync_world import World

pytest_plugins = ["sync_world"]  # the `world` fixture


def add_progress(connection: psycopg.Connection, user_id: str, tmdb_id: int = 603) -> None:
    """A movie and a progress row of ``user_id`` on it, written as the connection's role."""
    connection.execute(
        "INSERT INTO media_items (tmdb_id, type, title, created_at, updated_at) "
        "VALUES (%s, 'movie', 'The Matrix', %s, %s) ON CONFLICT DO NOTHING",
        (tmdb_id, NOW, NOW),
    )
    connection.execute(
        "INSERT INTO users (id, name, email, created_at, updated_at) VALUES (%s, %s, %s, %s, %s) "
        "ON CONFLICT DO NOTHING",
        (user_id, user_id, "anything@example.com", NOW, NOW),
    )
    connection.execute(
        "INSERT INTO user_progress (user_id, media_item_id, status, progress, created_at, "
        "updated_at) SELECT %s, id, 'watching', 0, %s, %s FROM media_items WHERE tmdb_id = %s",
        (user_id, NOW, NOW, tmdb_id),
    )


def rows(connection: psycopg.Connection, query: str, params=None) -> list[tuple]:
    return connection.execute(query, params).fetchall()


# --- the schema -----------------------------------------------------------------------


def test_init_creates_the_schema_once_and_again_changes_nothing(world: World):
    with world.admin() as admin:
        tables = {
            name
            for (name,) in rows(
                admin, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        }
        assert set(SYNCED) | {"sync_roles", "mediatrack_schema_version"} <= tables
        for table in SYNCED:
            (enabled,) = admin.execute(
                "SELECT relrowsecurity FROM pg_class WHERE relname = %s", (table,)
            ).fetchone()
            assert enabled, table
        arrays = rows(
            admin,
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE data_type = 'ARRAY' AND table_schema = 'public' "
            "ORDER BY 1, 2",
        )
        assert arrays == [
            ("books", "authors"),
            ("books", "categories"),
            ("media_items", "genres"),
            ("podcasts", "genres"),
        ]
        objects = rows(admin, "SELECT count(*) FROM pg_class")
    status = init_server(world.admin_url)
    assert (status.before, status.after) == (latest_server_version(), latest_server_version())
    with world.admin() as admin:
        assert rows(admin, "SELECT count(*) FROM pg_class") == objects
        assert rows(admin, "SELECT version FROM mediatrack_schema_version ORDER BY 1") == [
            (version,) for version, _ in server_steps()
        ]


def test_the_server_tables_have_the_local_columns_and_a_revision(world: World):
    with world.admin() as admin:
        for model in ALL_MODELS:
            name = model._meta.table_name
            if name not in SYNCED:
                continue
            found = [
                column
                for (column,) in rows(
                    admin,
                    "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                    "AND table_schema = 'public' ORDER BY ordinal_position",
                    (name,),
                )
            ]
            server_only = SERVER_ONLY.get(name, [])
            assert sorted(found) == sorted(
                [field.column_name for field in model._meta.sorted_fields]
                + ["revision", *server_only]
            ), name


def test_one_sequence_numbers_every_insert_and_update_in_order(world: World):
    alice = world.person("alice")
    with alice.sql() as sql:
        add_progress(sql, alice.user_id)
        sql.execute("UPDATE user_progress SET progress = 1, updated_at = now()")
        revisions = rows(
            sql,
            "SELECT revision FROM media_items UNION ALL SELECT revision "
            "FROM users UNION ALL SELECT revision FROM user_progress",
        )
        with pytest.raises(errors.InsufficientPrivilege):  # the trigger sets it, not you
            sql.execute("UPDATE user_progress SET revision = 1")
        sql.execute("UPDATE user_progress SET progress = 2")
        (after,) = sql.execute("SELECT revision FROM user_progress").fetchone()
    assert len({r for (r,) in revisions}) == 3
    assert after > max(r for (r,) in revisions)


# --- provisioning and claiming --------------------------------------------------------


def test_a_role_provisioned_before_login_waits_on_its_email_then_the_first_claim_binds_it(
    world: World,
):
    bob = world.person("bob", claim=False)
    with world.admin() as admin:
        assert rows(
            admin, "SELECT user_id, email FROM sync_roles WHERE role_name = %s", (bob.role,)
        ) == [(None, "bob@example.com")]
    with bob.sql() as sql:
        with pytest.raises(errors.InsufficientPrivilege, match=r"provisioned for bob@example\.com"):
            sql.execute("SELECT mediatrack_claim('google-x', 'mallory@example.com', true)")
        assert sql.execute(
            "SELECT mediatrack_claim(%s, 'Bob@Example.com', true)", (bob.user_id,)
        ).fetchone() == (bob.user_id,)
        # Bound for good: another id is refused, the same one is fine.
        with pytest.raises(errors.InsufficientPrivilege, match="another mediatrack user"):
            sql.execute("SELECT mediatrack_claim('google-other', 'bob@example.com', true)")
        sql.execute("SELECT mediatrack_claim(%s, 'bob@example.com', true)", (bob.user_id,))
        assert sql.execute("SELECT mediatrack_uid()").fetchone() == (bob.user_id,)


def test_one_user_id_cannot_be_claimed_by_two_roles(world: World):
    alice = world.person("alice")
    eve = world.person("eve", claim=False)
    with eve.sql() as sql, pytest.raises(errors.InsufficientPrivilege, match="Another"):
        sql.execute("SELECT mediatrack_claim(%s, 'eve@example.com', true)", (alice.user_id,))


def test_provisioning_an_email_again_gives_its_role_a_new_password(world: World):
    def stored_password(role: str) -> str:
        with world.admin() as admin:
            query = "SELECT rolpassword FROM pg_authid WHERE rolname = %s"
            return admin.execute(query, (role,)).fetchone()[0]

    alice = world.person("alice")
    first = stored_password(alice.role)
    again = provision(world.admin_url, "ALICE@example.com")
    assert (again.role, again.new_role, again.user_id) == (alice.role, False, alice.user_id)
    assert again.password != alice.password
    # Only a SCRAM verifier reaches the server, never the password itself.
    assert first.startswith("SCRAM-SHA-256$") and alice.password not in first
    assert stored_password(alice.role) not in (first, None)
    with pytest.raises(ServerRefused, match="already provisioned"):
        provision(world.admin_url, "alice@example.com", role="mt_someone_else")


def test_no_role_can_change_the_role_mapping(world: World):
    alice, bob = world.person("alice"), world.person("bob")
    with alice.sql() as sql:
        assert rows(sql, "SELECT role_name FROM sync_roles") == [(alice.role,)]  # only its own
        with pytest.raises(errors.InsufficientPrivilege):
            sql.execute("UPDATE sync_roles SET email = 'bob@example.com'")
        with pytest.raises(errors.InsufficientPrivilege):
            sql.execute("INSERT INTO sync_roles (role_name, email) VALUES ('x', 'x@example.com')")
        with pytest.raises(errors.InsufficientPrivilege):
            sql.execute("DELETE FROM sync_roles")
        # The mapping changes only through mediatrack_claim.
        with pytest.raises(errors.InsufficientPrivilege):
            sql.execute("UPDATE sync_roles SET user_id = %s", (bob.user_id,))
    with world.admin() as admin:
        assert rows(admin, "SELECT role_name, user_id FROM sync_roles ORDER BY email") == [
            (alice.role, alice.user_id),
            (bob.role, bob.user_id),
        ]


def test_the_server_keeps_the_provisioned_email_whatever_the_client_sends(world: World):
    alice = world.person("alice")
    with alice.sql() as sql:
        add_progress(sql, alice.user_id)  # sends anything@example.com
        sql.execute("UPDATE users SET email = 'bob@example.com'")
        assert rows(sql, "SELECT email, email_verified FROM users") == [("alice@example.com", True)]


# --- who sees and writes what ----------------------------------------------------------


def befriend(requester, recipient) -> None:
    with requester.sql() as sql:
        assert sql.execute(
            "SELECT mediatrack_request_friendship(%s)", (recipient.email.upper(),)
        ).fetchone() == ("requested",)
    with recipient.sql() as sql:
        assert rows(sql, "SELECT user_id, status FROM friendships") == [
            (requester.user_id, "pending")
        ]
        sql.execute("UPDATE friendships SET status = 'accepted', updated_at = now()")


def test_friends_see_each_others_rows_and_a_stranger_sees_nothing(world: World):
    alice, bob, carol = world.person("alice"), world.person("bob"), world.person("carol")
    for person in (alice, bob):
        with person.sql() as sql:
            add_progress(sql, person.user_id)
    with carol.sql() as sql:
        add_progress(sql, carol.user_id, tmdb_id=604)
    befriend(alice, bob)
    with alice.sql() as sql:
        assert sorted(rows(sql, "SELECT user_id FROM user_progress")) == sorted(
            [(alice.user_id,), (bob.user_id,)]
        )
        assert sorted(rows(sql, "SELECT email FROM users")) == [
            ("alice@example.com",),
            ("bob@example.com",),
        ]
    with carol.sql() as sql:
        assert rows(sql, "SELECT user_id FROM user_progress") == [(carol.user_id,)]
        assert rows(sql, "SELECT email FROM users") == [("carol@example.com",)]
        assert rows(sql, "SELECT * FROM friendships") == []
        # Catalog rows too: only her own copy, none of Alice's or Bob's.
        assert rows(sql, "SELECT tmdb_id FROM media_items") == [(604,)]
        # Writing Alice's rows is refused by PostgreSQL, however it is tried.
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            sql.execute(
                "INSERT INTO user_progress (user_id, media_item_id, status, progress, "
                "created_at, updated_at) SELECT %s, id, 'watching', 0, now(), now() "
                "FROM media_items WHERE tmdb_id = 604",
                (alice.user_id,),
            )
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            sql.execute(
                "INSERT INTO user_progress (user_id, media_item_id, status, progress, "
                "created_at, updated_at) SELECT %s, id, 'dropped', 0, now(), now() "
                "FROM media_items WHERE tmdb_id = 604 ON CONFLICT (user_id, "
                "media_item_id) DO UPDATE SET status = 'dropped'",
                (alice.user_id,),
            )
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            sql.execute("UPDATE user_progress SET user_id = %s", (alice.user_id,))
        assert (
            sql.execute(
                "UPDATE user_progress SET status = 'dropped' WHERE user_id = %s", (alice.user_id,)
            ).rowcount
            == 0
        )
        with pytest.raises(errors.InsufficientPrivilege):  # nobody deletes: tombstones
            sql.execute("DELETE FROM user_progress WHERE user_id = %s", (alice.user_id,))
        assert (
            sql.execute("UPDATE users SET name = 'x' WHERE id <> %s", (carol.user_id,)).rowcount
            == 0
        )
    with bob.sql() as sql:  # a friend reads Alice's rows, and cannot write them either
        assert (
            sql.execute(
                "UPDATE user_progress SET status = 'dropped' WHERE user_id = %s", (alice.user_id,)
            ).rowcount
            == 0
        )
    with world.admin() as admin:
        assert rows(
            admin, "SELECT status FROM user_progress WHERE user_id = %s", (alice.user_id,)
        ) == [("watching",)]


def test_a_role_that_is_not_provisioned_cannot_read_anything(world: World):
    alice = world.person("alice")
    with alice.sql() as sql:
        add_progress(sql, alice.user_id)
    outsider = f"mt_test_outsider_{world.tag}"
    world.roles.append(outsider)
    with world.admin() as admin:
        admin.execute(f'CREATE ROLE "{outsider}" LOGIN')
        admin.execute(f'SET ROLE "{outsider}"')
        for table in ("user_progress", "users", "media_items", "sync_roles"):
            with pytest.raises(errors.InsufficientPrivilege):
                admin.execute(f"SELECT * FROM {table}")


def test_friend_requests_are_created_by_the_requester_and_accepted_by_the_recipient(
    world: World,
):
    alice, bob, carol = world.person("alice"), world.person("bob"), world.person("carol")
    with carol.sql() as sql:
        sql.execute("SELECT mediatrack_request_friendship(%s)", (alice.email,))
    with alice.sql() as sql:
        sql.execute("SELECT mediatrack_request_friendship(%s)", (bob.email,))
        # Alice cannot accept her own request...
        with pytest.raises(errors.InsufficientPrivilege, match="Only the person asked"):
            sql.execute(
                "UPDATE friendships SET status = 'accepted' WHERE user_id = %s", (alice.user_id,)
            )
        # ...nor create one that is accepted already, nor one in Bob's name.
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            sql.execute(
                "INSERT INTO friendships (user_id, friend_id, status) VALUES (%s, %s, 'accepted')",
                (alice.user_id, carol.user_id),
            )
    with bob.sql() as sql:
        # Bob cannot accept Carol's request to Alice on Alice's behalf: he cannot even see it.
        assert (
            sql.execute(
                "UPDATE friendships SET status = 'accepted' WHERE user_id = %s", (carol.user_id,)
            ).rowcount
            == 0
        )
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            sql.execute(
                "INSERT INTO friendships (user_id, friend_id, status) VALUES (%s, %s, 'pending')",
                (alice.user_id, bob.user_id),
            )
        with pytest.raises(errors.InsufficientPrivilege, match="change hands"):
            sql.execute("UPDATE friendships SET friend_id = %s", (carol.user_id,))
        assert sql.execute(
            "SELECT email FROM users WHERE id = %s", (alice.user_id,)
        ).fetchone() == ("alice@example.com",)
        assert sql.execute("SELECT 1 FROM users WHERE id = %s", (carol.user_id,)).fetchone() is None
    with world.admin() as admin:
        assert rows(
            admin, "SELECT user_id, friend_id, status FROM friendships ORDER BY 1, 2"
        ) == sorted(
            [(alice.user_id, bob.user_id, "pending"), (carol.user_id, alice.user_id, "pending")]
        )


def test_either_side_can_end_a_friendship_and_only_the_requester_renews_it(world: World):
    alice, bob = world.person("alice"), world.person("bob")
    befriend(alice, bob)
    with bob.sql() as sql:
        assert sql.execute("UPDATE friendships SET deleted_at = now()").rowcount == 1
        with pytest.raises(errors.InsufficientPrivilege, match="only by asking again"):
            sql.execute("UPDATE friendships SET deleted_at = NULL")
    with alice.sql() as sql:
        assert sql.execute("SELECT mediatrack_request_friendship(%s)", (bob.email,)).fetchone() == (
            "requested",
        )
        assert rows(sql, "SELECT status, deleted_at FROM friendships") == [("pending", None)]


def test_a_request_back_accepts_and_unknown_emails_are_refused_in_one_sentence(world: World):
    alice, bob = world.person("alice"), world.person("bob")
    late = world.person("late", claim=False)
    with alice.sql() as sql:
        sql.execute("SELECT mediatrack_request_friendship(%s)", (bob.email,))
        for email in ("nobody@example.com", late.email):
            with pytest.raises(errors.NoDataFound, match="Nobody with the email"):
                sql.execute("SELECT mediatrack_request_friendship(%s)", (email,))
        with pytest.raises(errors.CheckViolation, match="yourself"):
            sql.execute("SELECT mediatrack_request_friendship(%s)", (alice.email,))
        # No role may ask who is here without sending a request.
        with pytest.raises(errors.InsufficientPrivilege):
            sql.execute("SELECT mediatrack_user_by_email(%s)", (bob.email,))
    with bob.sql() as sql:
        assert sql.execute(
            "SELECT mediatrack_request_friendship(%s)", (alice.email,)
        ).fetchone() == ("accepted",)
        assert sql.execute(
            "SELECT mediatrack_request_friendship(%s)", (alice.email,)
        ).fetchone() == ("already",)
