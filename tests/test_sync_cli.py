"""``mediatrack sync``, ``sync setup|init|provision``, ``friends`` and ``list --user``."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from mediatrack.kinds import Kind
from mediatrack.secrets import get_secret
from mediatrack.services.library import NewItem
from mediatrack.services.sync import URL_ENV, settings_path, sync_url
from mediatrack.store.sync.server import latest_server_version

if TYPE_CHECKING:
    from sync_world import Device, World

pytest_plugins = ["sync_world"]  # the `world` fixture


def one_sentence(text: str) -> bool:
    return len(re.findall(r"[.!?](\s|$)", text.strip())) == 1


def test_init_says_what_it_did_and_is_idempotent(world: World, cli):
    again = cli("sync", "init", "--admin-url", world.admin_url)
    assert (again.code, again.out) == (
        0,
        f"The server schema is up to date (version {latest_server_version()}).\n",
    )


def test_provision_prints_the_password_once_and_what_to_run(world: World, cli):
    role = f"mt_test_dana_{world.tag}"
    world.roles.append(role)
    result = cli(
        "sync",
        "provision",
        "--admin-url",
        world.admin_url,
        "--email",
        "Dana@Example.com",
        "--role",
        role,
    )
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == f"Created the role {role} for dana@example.com."
    assert re.fullmatch(r"Password \(shown only now\): \S{20,}", lines[1])
    assert lines[2].startswith(f"They run: mediatrack sync setup postgresql://{role}@")
    assert "first sync" in lines[3]
    bad = cli("sync", "provision", "--admin-url", world.admin_url, "--email", "not-an-email")
    assert bad.code == 1 and one_sentence(bad.err)


def test_setup_keeps_the_url_in_a_file_and_the_password_in_the_keyring(
    world: World, cli, monkeypatch
):
    monkeypatch.delenv(URL_ENV, raising=False)
    monkeypatch.setattr("getpass.getpass", lambda prompt: "s3cret")
    result = cli("sync", "setup", "postgresql://mt_x@db.example.com:5433/friends")
    assert result.code == 0, result.err
    assert sync_url() == "postgresql://mt_x@db.example.com:5433/friends"
    assert "s3cret" not in settings_path().read_text()
    assert get_secret("sync-password:postgresql://mt_x@db.example.com:5433/friends") == "s3cret"
    # A password inside the URL goes to the keyring too, never to the file.
    cli("sync", "setup", "postgresql://mt_y:inline@db.example.com/friends")
    assert "inline" not in settings_path().read_text()
    assert get_secret("sync-password:postgresql://mt_y@db.example.com/friends") == "inline"
    wrong = cli("sync", "setup", "mysql://x@y/z")
    assert wrong.code == 1 and one_sentence(wrong.err)


def test_sync_prints_a_one_line_summary(world: World, cli):
    laptop = world.person("alice").device()
    laptop.use().add(NewItem(Kind.MOVIE, "Heat", 1995))
    result = cli("sync", "--db", str(laptop.path))
    assert (result.code, result.out) == (0, "pushed 1, pulled 0, conflicts resolved 0\n")
    phone = laptop.person.device("phone")
    phone.use()
    result = cli("sync", "--db", str(phone.path))
    assert result.out == "pushed 0, pulled 1, conflicts resolved 0\n"
    assert result.err == ""  # not a terminal: no bar


def test_sync_on_a_terminal_draws_a_bar(world: World, cli, monkeypatch):
    import io

    from rich.console import Console

    from mediatrack.cli import progress

    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=100, color_system=None)
    monkeypatch.setattr(progress, "stderr_console", lambda: terminal)
    laptop = world.person("alice").device()
    laptop.use().add(NewItem(Kind.MOVIE, "Heat", 1995))
    result = cli("sync", "--db", str(laptop.path))
    assert result.out == "pushed 1, pulled 0, conflicts resolved 0\n"
    drawn = screen.getvalue()
    assert "━" in drawn and "1/1" in drawn and ("pushing" in drawn or "pulling" in drawn)
    assert "0/?" not in drawn  # no empty bar before the first step


def test_sync_without_signing_in_says_why_in_one_sentence(world: World, cli, db_path):
    world.person("alice")
    result = cli("sync", "--db", str(db_path))
    assert result.code == 1
    assert "mediatrack login" in result.err and one_sentence(result.err)


def test_friends_from_the_command_line(world: World, cli):
    alice: Device = world.person("alice").device()
    bob: Device = world.person("bob").device()
    bob.use().add(NewItem(Kind.BOOK, "Dune", total=600), "reading")
    bob.sync()
    alice.use()
    assert cli("friends", "--db", str(alice.path)).out.startswith("No friends yet.")
    sent = cli("friends", "--db", str(alice.path), "add", "bob@example.com")
    assert (sent.code, sent.out) == (
        0,
        "Asked bob@example.com to be friends (or accepted their request).\n",
    )
    bob.use()
    bob.sync()
    listed = json.loads(cli("friends", "--db", str(bob.path), "--json").out)
    assert [r["email"] for r in listed["incoming"]] == ["alice@example.com"]
    assert listed["friends"] == listed["outgoing"] == listed["queued"] == []
    refused = cli("friends", "--db", str(bob.path), "accept", "carol@example.com")
    assert refused.code == 1 and one_sentence(refused.err)
    accepted = cli("friends", "--db", str(bob.path), "accept", "alice@example.com")
    assert accepted.out == "You and alice@example.com are friends now.\n"
    alice.use()
    cli("sync", "--db", str(alice.path))
    mine = json.loads(cli("friends", "--db", str(alice.path), "--json").out)
    assert [(f["email"], [e["title"] for e in f["now"]]) for f in mine["friends"]] == [
        ("bob@example.com", ["Dune"])
    ]
    text = cli("friends", "--db", str(alice.path)).out
    assert "Bob <bob@example.com>  Dune (reading, 0/600)" in text

    theirs = json.loads(
        cli("list", "--db", str(alice.path), "--user", "bob@example.com", "--json").out
    )
    assert [(e["title"], e["status"], e["total"]) for e in theirs] == [("Dune", "reading", 600)]
    stranger = cli("list", "--db", str(alice.path), "--user", "carol@example.com")
    assert stranger.code == 1 and "not one of your friends" in stranger.err


def test_nothing_loads_psycopg_until_a_sync_connects():
    import subprocess
    import sys

    code = (
        "import sys, mediatrack.cli, mediatrack.services.sync, mediatrack.services.friends; "
        "print('psycopg' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
