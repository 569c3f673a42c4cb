"""What a member of the shared server cannot do to another: rewrite or read their catalog rows,
stall their sync, bind a role without a verified email, pester them with requests.

Each attack is made as psql would make it, with the attacker's own provisioned role.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from psycopg import errors

from mediatrack.kinds import Kind
from mediatrack.services.friends import FriendsError, FriendsService
from mediatrack.services.library import Library, NewItem
from mediatrack.services.sync import NotSignedIn, ServerUnreachable, provision, sync_once
from mediatrack.store import identity
from mediatrack.store.sync import remote
from mediatrack.store.sync.server import init_schema, latest_server_version

if TYPE_CHECKING:
    from sync_world import Device, Person, World

pytest_plugins = ["sync_world"]  # the `world` fixture

OLD_REVISION_LOCK = 7236837361590734949  # the advisory lock key step 1 of the schema used


def one_sentence(text: str) -> bool:
    return len(re.findall(r"[.!?](\s|$)", text.strip())) == 1


def titles(device: Device, kind: Kind = Kind.TV) -> list[str]:
    return [entry.title for entry in device.use().entries(kind)]


def befriend(requester: Person, recipient: Person) -> None:
    with requester.sql() as sql:
        sql.execute("SELECT mediatrack_request_friendship(%s)", (recipient.email,))
    with recipient.sql() as sql:
        sql.execute("UPDATE friendships SET status = 'accepted', updated_at = now()")


# --- catalog rows ------------------------------------------------------------------------


def test_a_strangers_vandalism_of_a_catalog_row_reaches_nobody(world: World):
    alice, bob, mallory = world.person("alice"), world.person("bob"), world.person("mallory")
    laptop, phone = alice.device("laptop"), alice.device("phone")
    laptop.add_show(tmdb_id=91002)
    laptop.sync()
    befriend(alice, bob)
    with mallory.sql() as sql:
        vandal = (
            "UPDATE media_items SET title = 'PWNED\x1b[2J', updated_at = '2100-01-01' "
            "WHERE tmdb_id = 91002"
        )
        assert sql.execute(vandal).rowcount == 0
        assert sql.execute("UPDATE seasons SET name = 'PWNED'").rowcount == 0
        # Her own copy of the same show is hers to spoil, and nobody else's to see.
        sql.execute(
            "INSERT INTO media_items (tmdb_id, type, title, created_at, updated_at) "
            "VALUES (91002, 'tv', 'PWNED', now(), '2100-01-01')"
        )
    with bob.sql() as sql:  # a friend reads Alice's copy, and cannot change it either
        assert sql.execute("SELECT title FROM media_items").fetchall() == [("Show 91002",)]
        assert sql.execute(vandal).rowcount == 0
    phone.sync()
    assert titles(phone) == ["Show 91002"]
    laptop.sync()
    assert titles(laptop) == ["Show 91002"]
    bobs = bob.device()
    bobs.sync()
    bobs.use()
    assert [e.title for e in Library(alice.user_id).entries(Kind.TV)] == ["Show 91002"]
    with world.admin() as admin:
        assert sorted(admin.execute("SELECT title FROM media_items").fetchall()) == [
            ("PWNED",),
            ("Show 91002",),
        ]


def test_a_friends_copy_of_a_catalog_row_never_replaces_yours(world: World):
    alice, bob = world.person("alice"), world.person("bob")
    laptop = alice.device()
    laptop.add_show(tmdb_id=91003)
    laptop.sync()
    befriend(alice, bob)
    with bob.sql() as sql:  # a friend's own copy of the same show, spoilt and "newer"
        sql.execute(
            "INSERT INTO media_items (tmdb_id, type, title, created_at, updated_at) "
            "VALUES (91003, 'tv', 'PWNED', now(), '2100-01-01')"
        )
        sql.execute(
            "INSERT INTO user_progress (user_id, media_item_id, status, progress, created_at, "
            "updated_at) SELECT %s, id, 'watching', 0, now(), now() FROM media_items "
            "WHERE written_by = %s",
            (bob.user_id, bob.user_id),
        )
    for device in (laptop, alice.device("phone")):
        device.sync()
        assert titles(device) == ["Show 91003"]
        assert [e.status for e in Library(bob.user_id).entries(Kind.TV)] == ["watching"]


def test_hand_added_items_stay_private_to_you_and_your_friends(world: World):
    alice, bob, mallory = world.person("alice"), world.person("bob"), world.person("mallory")
    laptop = alice.device()
    laptop.use().add(NewItem(Kind.MOVIE, "A's private film", 2020))
    laptop.use().add(NewItem(Kind.BOOK, "A's private diary", total=10))
    laptop.sync()
    befriend(alice, bob)
    for table in ("media_items", "books", "seasons", "episodes", "podcasts", "podcast_episodes"):
        with mallory.sql() as sql:
            assert sql.execute(f"SELECT * FROM {table}").fetchall() == [], table
    with bob.sql() as sql:
        assert sql.execute("SELECT title FROM media_items").fetchall() == [("A's private film",)]
        assert sql.execute("SELECT title FROM books").fetchall() == [("A's private diary",)]


def test_a_row_can_point_only_at_its_writers_own_catalog_rows(world: World):
    alice, bob = world.person("alice"), world.person("bob")
    alice.device().add_show(tmdb_id=77)
    alice.device().sync()
    befriend(alice, bob)
    with bob.sql() as sql:
        (alices_copy,) = sql.execute("SELECT id FROM media_items WHERE tmdb_id = 77").fetchone()
        sql.execute(
            "INSERT INTO users (id, name, email, created_at, updated_at) "
            "VALUES (%s, 'Bob', 'x', now(), now()) ON CONFLICT DO NOTHING",
            (bob.user_id,),
        )
        with pytest.raises(errors.ForeignKeyViolation):
            sql.execute(
                "INSERT INTO user_progress (user_id, media_item_id, status, progress, "
                "created_at, updated_at) VALUES (%s, %s, 'watching', 0, now(), now())",
                (bob.user_id, alices_copy),
            )


STEP_1_ROWS = [  # what a step-1 client wrote for a person: a show watched, a book
    "INSERT INTO media_items (tmdb_id, type, title, created_at, updated_at) "
    "VALUES (1399, 'tv', 'Show 1399', now(), now()) ON CONFLICT DO NOTHING",
    "INSERT INTO seasons (media_item_id, tmdb_id, season_number, created_at, updated_at) "
    "SELECT id, 13991, 1, now(), now() FROM media_items ON CONFLICT DO NOTHING",
    "INSERT INTO episodes (season_id, tmdb_id, episode_number, created_at, updated_at) "
    "SELECT id, 1399101 + n, 1 + n, now(), now() FROM seasons, generate_series(0, 1) n "
    "ON CONFLICT DO NOTHING",
    "INSERT INTO user_progress (user_id, media_item_id, status, progress, created_at, "
    "updated_at) SELECT %(me)s, id, 'watching', 1, now(), now() FROM media_items",
    "INSERT INTO episode_watches (user_id, episode_id, watched_at, created_at, updated_at) "
    "SELECT %(me)s, id, now(), now(), now() FROM episodes WHERE episode_number = 1",
    "INSERT INTO books (google_id, title, created_at, updated_at) "
    "VALUES (%(book)s, %(book)s, now(), now())",
    "INSERT INTO user_book_progress (user_id, book_id, status, current_page, created_at, "
    "updated_at) SELECT %(me)s, id, 'reading', 0, now(), now() FROM books "
    "WHERE google_id = %(book)s",
]


@pytest.fixture(params=["superuser", "owner"])
def admin_url(request, pg_url: str) -> Iterator[str]:
    """The server's admin: a superuser, or (as on a hosted server) the database's owner."""
    if request.param == "superuser":
        yield pg_url
        return
    from pg_server import ADMIN_URL, connect_admin

    name = f"mt_test_owner_{secrets.token_hex(3)}"
    database = f"mediatrack_test_{secrets.token_hex(6)}"
    with connect_admin() as su:
        su.execute(f"CREATE ROLE \"{name}\" LOGIN CREATEROLE PASSWORD 'owner'")
        su.execute(f'CREATE DATABASE "{database}" OWNER "{name}"')
        try:
            base = ADMIN_URL.rsplit("/", 1)[0].replace("://postgres@", f"://{name}:owner@")
            yield f"{base}/{database}"
        finally:
            su.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            su.execute(f'DROP ROLE IF EXISTS "{name}"')  # the world dropped its people


def test_init_gives_each_person_their_own_copy_of_the_rows_of_a_step_1_server(
    admin_url, tmp_path, monkeypatch
):
    from sync_world import built_world

    with built_world(admin_url, tmp_path / "devices", monkeypatch, version=1) as world:
        alice, bob = world.person("alice"), world.person("bob")
        for person in (alice, bob):
            with person.sql() as sql:
                for statement in STEP_1_ROWS:
                    sql.execute(statement, {"me": person.user_id, "book": person.name})
        with world.admin() as admin:
            assert admin.execute("SELECT count(*) FROM media_items").fetchone() == (1,)
        status = init_schema(world.admin_url)
        assert (status.before, status.after) == (1, latest_server_version())
        world.version = None
        with world.admin() as admin:
            copies = admin.execute("SELECT written_by, title FROM media_items ORDER BY 1")
            assert copies.fetchall() == sorted(
                [(alice.user_id, "Show 1399"), (bob.user_id, "Show 1399")]
            )
            assert admin.execute("SELECT count(*) FROM episodes").fetchone() == (4,)
        for person in (alice, bob):  # every row of theirs points at their own copy
            with person.sql() as sql:
                assert sql.execute(
                    "SELECT count(*) FROM episode_watches w JOIN episodes e ON e.id = "
                    "w.episode_id JOIN seasons s ON s.id = e.season_id JOIN media_items m ON "
                    "m.id = s.media_item_id WHERE m.written_by = w.user_id "
                    "AND e.written_by = w.user_id"
                ).fetchone() == (1,)
                assert sql.execute(
                    "SELECT count(*) FROM user_progress p JOIN media_items m "
                    "ON m.id = p.media_item_id AND m.written_by = p.user_id"
                ).fetchone() == (1,)
        with alice.sql() as sql:
            assert sql.execute("SELECT title FROM books").fetchall() == [("alice",)]
            assert sql.execute("SELECT count(*) FROM seasons").fetchone() == (1,)
        # A device of Alice's carries on: it gets her library, its changes go up.
        laptop = alice.device()
        laptop.sync()
        assert sorted((e.kind.value, e.title, e.progress) for e in laptop.use().all_entries()) == [
            ("book", "alice", 0),
            ("tv", "Show 1399", 1),
        ]
        laptop.use().set_rating(laptop.use().entries(Kind.TV)[0].key, 9)
        laptop.sync()
        phone = alice.device("phone")
        phone.sync()
        assert phone.snapshot() == laptop.snapshot()
        assert init_schema(world.admin_url).before == latest_server_version()


# --- nobody can stall another ------------------------------------------------------------


def run_in_thread(function, seconds: float):
    """Run ``function``; return (finished, result or exception) after at most ``seconds``."""
    outcome: list = []

    def target() -> None:
        try:
            outcome.append(function())
        except Exception as error:  # handed to the test
            outcome.append(error)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    return (not thread.is_alive(), outcome[0] if outcome else None)


def test_a_stranger_holding_every_lock_it_can_does_not_stall_anyone(world: World, monkeypatch):
    monkeypatch.setattr(remote, "LOCK_TIMEOUT", 3)
    alice, mallory = world.person("alice"), world.person("mallory")
    laptop, phone = alice.device("laptop"), alice.device("phone")
    laptop.use().add(NewItem(Kind.MOVIE, "Heat", 1995))
    laptop.sync()
    mallorys = mallory.device()
    mallorys.use().add(NewItem(Kind.MOVIE, "Ronin", 1998))
    mallorys.sync()
    tables = [
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
        "sync_roles",
    ]
    with mallory.sql() as stall, mallory.sql() as attempt:
        stall.execute("SELECT pg_advisory_lock(%s)", (OLD_REVISION_LOCK,))
        stall.execute("BEGIN")
        stall.execute("SELECT pg_advisory_xact_lock(%s)", (OLD_REVISION_LOCK + 1,))
        for table in tables[:-1]:  # what her grants allow: nothing anyone else waits on
            stall.execute(f"LOCK TABLE {table} IN ROW EXCLUSIVE MODE")
        stall.execute("LOCK TABLE sync_roles IN ACCESS SHARE MODE")
        stall.execute("SELECT * FROM user_progress FOR UPDATE")
        stall.execute("SELECT * FROM media_items FOR UPDATE")
        for table in tables:  # what would stall everyone is refused
            with pytest.raises(errors.InsufficientPrivilege), attempt.transaction():
                attempt.execute(f"LOCK TABLE {table} IN SHARE MODE")
        laptop.use().add(NewItem(Kind.MOVIE, "Ronin", 1998))
        started = time.monotonic()
        finished, pushed = run_in_thread(laptop.sync, 20)
        assert finished and not isinstance(pushed, Exception), pushed
        assert pushed.pushed == 1
        finished, pulled = run_in_thread(phone.sync, 20)
        assert finished and not isinstance(pulled, Exception), pulled
        assert time.monotonic() - started < 3  # nothing waited for a lock's timeout
        assert sorted(titles(phone, Kind.MOVIE)) == ["Heat", "Ronin"]
        stall.execute("ROLLBACK")


def test_a_sync_kept_waiting_by_a_lock_ends_with_one_sentence(world: World, monkeypatch):
    monkeypatch.setattr(remote, "LOCK_TIMEOUT", 1)
    alice = world.person("alice")
    laptop = alice.device()
    heat = laptop.use().add(NewItem(Kind.MOVIE, "Heat", 1995))
    laptop.sync()
    laptop.use().set_rating(heat.key, 7)
    laptop.use().set_progress(heat.key, 1)
    with alice.sql() as own_psql:  # her own other session, forgotten in a transaction
        own_psql.execute("BEGIN")
        own_psql.execute("SELECT * FROM user_progress FOR UPDATE")
        started = time.monotonic()
        finished, outcome = run_in_thread(laptop.sync, 20)
        own_psql.execute("ROLLBACK")
    assert finished and time.monotonic() - started < 10
    assert isinstance(outcome, ServerUnreachable)
    assert "waiting too long" in str(outcome) and one_sentence(str(outcome))
    assert laptop.sync().pushed == 2  # nothing was lost: the next sync sends it


def test_sync_connections_carry_a_lock_and_a_statement_timeout(world: World):
    alice = world.person("alice")
    with remote.connect(alice.url, alice.password) as session:
        settings = dict(
            session.execute(
                "SELECT name, setting FROM pg_settings "
                "WHERE name IN ('lock_timeout', 'statement_timeout')"
            ).fetchall()
        )
    assert settings == {
        "lock_timeout": str(remote.LOCK_TIMEOUT * 1000),
        "statement_timeout": str(remote.STATEMENT_TIMEOUT * 1000),
    }


# --- identity ----------------------------------------------------------------------------


@pytest.mark.parametrize("verified", [False, "false"])
def test_an_unverified_google_email_cannot_sync(world: World, google_identity, verified):
    assert google_identity(verified) is False
    alice = world.person("alice", claim=False)
    laptop = alice.device()
    identity.sign_in(identity.Profile(alice.user_id, "Alice", alice.email, False))
    laptop.use().add(NewItem(Kind.MOVIE, "Heat", 1995))
    with pytest.raises(NotSignedIn) as refused:
        sync_once(alice.url, alice.password)
    assert "not verified" in str(refused.value) and one_sentence(str(refused.value))
    # And the server refuses such a claim, whatever the client is.
    with alice.sql() as sql, pytest.raises(errors.InsufficientPrivilege, match="not verified"):
        sql.execute("SELECT mediatrack_claim(%s, %s, false)", (alice.user_id, alice.email))
    with world.admin() as admin:
        assert admin.execute(
            "SELECT user_id FROM sync_roles WHERE role_name = %s", (alice.role,)
        ).fetchone() == (None,)


@pytest.fixture
def google_identity(httpserver):
    """``email_verified`` as read from a real signed token carrying this claim."""
    from auth_server import CLIENT_ID, FakeGoogle
    from mediatrack.auth.id_token import verify_id_token

    google = FakeGoogle(httpserver)

    def read(verified) -> bool:
        token = google.id_token(email_verified=verified)
        jwks = google.settings().jwks_url
        return verify_id_token(token, client_id=CLIENT_ID, jwks_url=jwks).email_verified

    return read


def test_an_unbound_role_cannot_bind_itself_by_writing_the_mapping(world: World):
    alice = world.person("alice")
    mallory = world.person("mallory", claim=False)
    with mallory.sql() as sql:
        for target in (alice.user_id, "google-anyone"):
            with pytest.raises(errors.InsufficientPrivilege):
                sql.execute("UPDATE sync_roles SET user_id = %s", (target,))
    with world.admin() as admin:
        assert admin.execute(
            "SELECT user_id FROM sync_roles WHERE role_name = %s", (mallory.role,)
        ).fetchone() == (None,)


def test_new_role_names_carry_no_email(world: World):
    done = provision(world.admin_url, "dana.secret-agent@example.com")
    world.roles.append(done.role)
    assert re.fullmatch(r"mt_[0-9a-f]{12}", done.role)
    with world.admin() as admin:
        assert admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (done.role,)).fetchone()


def test_a_declined_request_cannot_be_sent_again_for_a_week(world: World):
    alice, bob = world.person("alice"), world.person("bob")
    with alice.sql() as sql:
        sql.execute("SELECT mediatrack_request_friendship(%s)", (bob.email,))
    with bob.sql() as sql:  # as `mediatrack friends decline` sends it
        query, _ = remote.FRIEND_ACTIONS["decline"]
        assert sql.execute(query, {"email": alice.email}).rowcount == 1
    with alice.sql() as sql:
        for _ in range(2):
            with pytest.raises(errors.InsufficientPrivilege, match="declined your request") as no:
                sql.execute("SELECT mediatrack_request_friendship(%s)", (bob.email,))
            assert one_sentence(no.value.diag.message_primary)
        # Nor by hand: a request comes back only through the function.
        with pytest.raises(errors.InsufficientPrivilege):
            sql.execute("UPDATE friendships SET deleted_at = NULL")
        with pytest.raises(errors.InsufficientPrivilege):
            sql.execute("UPDATE friendships SET declined_at = NULL")
    with world.admin() as admin:
        admin.execute("UPDATE friendships SET declined_at = declined_at - interval '8 days'")
    with alice.sql() as sql:
        assert sql.execute("SELECT mediatrack_request_friendship(%s)", (bob.email,)).fetchone() == (
            "requested",
        )
    # A cancelled or removed request is no decline: it can be sent again at once.
    with alice.sql() as sql:
        query, _ = remote.FRIEND_ACTIONS["remove"]
        sql.execute(query, {"email": bob.email})
        assert sql.execute("SELECT mediatrack_request_friendship(%s)", (bob.email,)).fetchone() == (
            "requested",
        )


def test_a_blocked_person_cannot_ask_at_all(world: World, cli):
    alice, bob = world.person("alice"), world.person("bob")
    bobs = bob.device()
    alice.device().sync()
    bobs.sync()
    with alice.sql() as sql:
        sql.execute("SELECT mediatrack_request_friendship(%s)", (bob.email,))
    bobs.use()
    blocked = cli("friends", "--db", str(bobs.path), "block", "Alice@example.com")
    assert (blocked.code, blocked.out) == (
        0,
        "Blocked alice@example.com: no friend requests from them.\n",
    )
    with alice.sql() as sql:
        assert sql.execute("SELECT deleted_at IS NOT NULL FROM friendships").fetchall() == [(True,)]
        for _ in range(2):
            with pytest.raises(errors.InsufficientPrivilege, match="does not take friend"):
                sql.execute("SELECT mediatrack_request_friendship(%s)", (bob.email,))
        assert sql.execute("SELECT * FROM friend_blocks").fetchall() == []  # not hers to see
    bobs.use()
    with pytest.raises(FriendsError, match=r"You blocked alice@example\.com"):
        FriendsService(bob.user_id).add(alice.email)
    again = cli("friends", "--db", str(bobs.path), "block", "nobody@example.com")
    assert again.code == 1 and one_sentence(again.err)
    assert cli("friends", "--db", str(bobs.path), "unblock", alice.email).code == 0
    with alice.sql() as sql:
        assert sql.execute("SELECT mediatrack_request_friendship(%s)", (bob.email,)).fetchone() == (
            "requested",
        )


def test_block_needs_the_server_and_says_so_in_one_sentence(world: World, cli, monkeypatch):
    alice = world.person("alice")
    laptop = alice.device()
    laptop.use()
    monkeypatch.setenv("MEDIATRACK_SYNC_URL", "postgresql://nobody@127.0.0.1:1/none")
    result = cli("friends", "--db", str(laptop.path), "block", "bob@example.com")
    assert result.code == 1 and one_sentence(result.err)
