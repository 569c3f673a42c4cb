"""``mediatrack login``, ``whoami`` and ``logout`` against a local server playing Google.

Everything is real (device flow, id_token check, keyring wrapper, store)
except the keyring, which lives in memory, and the wait between polls, which
is a fake clock's. One test runs the real command in a process and presses Ctrl-C.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from auth_server import (
    ACCESS_DENIED,
    EXPIRED_TOKEN,
    PENDING,
    SUB,
    FakeClock,
    NoKeyring,
    installed_keyring,
)
from mediatrack.display.login import HALF_BLOCKS, qr_lines
from mediatrack.secrets import SERVICE, fallback_path
from mediatrack.services import identity
from mediatrack.store.db import open_database
from mediatrack.store.models import Session

CODE = "GQVQ-JKEC"  # tests/fixtures/google_oauth/device_code_response.json
URL = "https://www.google.com/device"
QR_CHARACTERS = set(HALF_BLOCKS.values())


@pytest.fixture(autouse=True)
def fake_waits(monkeypatch) -> FakeClock:
    """The CLI's polls wait on a fake clock, so a test never sleeps for Google's interval."""
    fake = FakeClock()
    real = identity.wait_for_login

    def wait_for_login(code, cancel_event=None, on_tick=None, **options):
        return real(code, cancel_event, on_tick, sleep=fake.sleep, clock=fake.clock, **options)

    monkeypatch.setattr(identity, "wait_for_login", wait_for_login)
    return fake


def sessions(db_path: Path) -> int:
    open_database(db_path)
    return Session.select().count()


def qr_block(out: str) -> list[str]:
    """The lines of the QR code in the output: half blocks and spaces only, not blank."""
    return [line for line in out.splitlines() if line.strip() and set(line) <= QR_CHARACTERS]


def test_qr_lines_draw_two_module_rows_per_line():
    import qrcode

    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_L)
    code.add_data(URL)
    matrix = [[bool(module) for module in row] for row in code.get_matrix()]
    drawn = {character: pair for pair, character in HALF_BLOCKS.items()}
    rows: list[list[bool]] = []
    for line in qr_lines(URL):
        pairs = [drawn[character] for character in line]
        rows += [[top for top, _ in pairs], [bottom for _, bottom in pairs]]
    padding = [[False] * len(matrix[0])] * (len(matrix) % 2)  # an odd last row gets a blank twin
    assert rows == matrix + padding


def test_login_shows_code_url_and_qr_then_logs_in(google, keyring_memory, cli, fake_waits):
    google.script(PENDING, PENDING, google.success())

    code, out, err = cli("login")

    assert (code, err) == (0, "")
    assert f"\n  {URL}\n" in out and f"\n  {CODE}\n" in out
    assert "the code expires in 30:00" in out
    assert qr_block(out) == ["  " + line for line in qr_lines(URL) if line.strip()]
    assert out.index(URL) < out.index(CODE) < out.index("Logged in as")
    assert out.endswith("Logged in as Jane Smith <jsmith@example.com>.\n")
    assert fake_waits.sleeps == [5, 5, 5]
    assert (SERVICE, SUB) in keyring_memory.entries
    assert "secrets.json" not in out


def test_whoami_before_and_after_login_then_logout(google, keyring_memory, cli, db_path):
    assert cli("whoami") == (0, "Not logged in.\n", "")
    assert json.loads(cli("whoami", "--json")[1]) == {"logged_in": False}
    google.script(google.success())
    assert cli("login")[0] == 0

    code, out, err = cli("whoami")
    assert (code, err) == (0, "")
    assert out.startswith("Logged in as Jane Smith <jsmith@example.com> since 20")
    who = json.loads(cli("whoami", "--json")[1])
    assert who["logged_in"] is True
    assert (who["user_id"], who["name"], who["email"]) == (SUB, "Jane Smith", "jsmith@example.com")
    assert who["since"].endswith("Z") and who["session_expires_at"] > who["since"]

    assert cli("logout") == (
        0,
        "Logged out Jane Smith; your library stays on this machine.\n",
        "",
    )
    assert keyring_memory.entries == {}
    assert sessions(db_path) == 0
    assert cli("whoami") == (0, "Not logged in.\n", "")
    assert cli("logout") == (0, "Not logged in.\n", "")


def test_access_denied_exits_1_with_one_line(google, keyring_memory, cli, db_path):
    google.script(PENDING, ACCESS_DENIED)

    code, out, err = cli("login")

    assert code == 1
    assert err == "mediatrack: The sign-in was declined on Google's page; nothing was changed.\n"
    assert "Logged in" not in out
    assert keyring_memory.entries == {} and sessions(db_path) == 0


def test_expired_code_says_to_run_login_again(google, keyring_memory, cli):
    google.script(PENDING, EXPIRED_TOKEN)

    code, _, err = cli("login")

    assert code == 1
    assert err.count("\n") == 1 and "run `mediatrack login` again" in err


def test_no_client_id_names_the_setting(google, keyring_memory, cli, monkeypatch):
    monkeypatch.delenv("MEDIATRACK_GOOGLE_CLIENT_ID")

    code, out, err = cli("login")

    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and "set MEDIATRACK_GOOGLE_CLIENT_ID" in err
    assert google.device_forms == []


def test_without_a_keyring_the_tokens_file_is_named_once(google, cli):
    google.script(google.success())
    with installed_keyring(NoKeyring()):
        code, out, err = cli("login")

    assert (code, err) == (0, "")
    path = fallback_path()
    assert f"your sign-in tokens are kept in {path}, readable only by you." in out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_ctrl_c_cancels_the_real_command_and_writes_nothing(google, db_path, tmp_path):
    environment = {
        **os.environ,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "mediatrack", "login"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for line in process.stdout:  # the code is shown and the wait has begun
            if line.startswith("Waiting for approval"):
                break
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 130
    assert err == "Login cancelled.\n"
    assert "Logged in" not in out
    assert sessions(db_path) == 0
    assert not fallback_path().exists()


def test_library_commands_use_the_signed_in_account(google, keyring_memory, cli):
    assert cli("add", "book", "--title", "Dune")[0] == 0
    google.script(google.success())
    assert cli("login")[0] == 0

    code, out, _ = cli("list", "--json")
    assert code == 0
    assert [item["title"] for item in json.loads(out)] == ["Dune"]  # re-owned, still listed
    assert cli("add", "book", "--title", "Emma")[0] == 0
    assert cli("logout")[0] == 0
    assert json.loads(cli("list", "--json")[1]) == []  # the local user has nothing left
