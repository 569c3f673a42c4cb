"""The RFC 8628 client against a local server playing Google: codes, polling, errors, refresh.

Polling uses a fake clock and sleep, so the observed intervals are asserted
exactly and nothing really waits.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from auth_server import (
    ACCESS_DENIED,
    CLIENT_ID,
    CLIENT_SECRET,
    EXPIRED_TOKEN,
    INVALID_GRANT,
    PENDING,
    SLOW_DOWN,
    FakeClock,
    FakeGoogle,
    fixture,
)
from mediatrack.auth.device_flow import (
    DEVICE_GRANT,
    DeviceCode,
    poll_for_tokens,
    refresh_access_token,
    request_device_code,
)
from mediatrack.auth.errors import (
    AccessDenied,
    BadResponse,
    Cancelled,
    ClientRejected,
    CodeExpired,
    NetworkDown,
    SignInAgain,
    SignInNotConfigured,
    Unavailable,
)
from mediatrack.auth.http import FormPoster
from mediatrack.auth.settings import GoogleSettings


@pytest.fixture
def google(httpserver) -> FakeGoogle:
    return FakeGoogle(httpserver)


@pytest.fixture
def fake() -> FakeClock:
    return FakeClock()


@pytest.fixture
def http() -> FormPoster:
    return FormPoster(timeout=(1.0, 2.0))


def code(expires_in: int = 1800, interval: int = 5) -> DeviceCode:
    return DeviceCode(
        "device-code-123", "ABCD-EFGH", "https://example.test/device", expires_in, interval
    )


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the device code -------------------------------------------------------------


def test_device_code_request_sends_client_id_and_scope_and_reads_googles_answer(google, http):
    device = request_device_code(google.settings(), http=http)

    assert google.device_forms == [{"client_id": CLIENT_ID, "scope": "openid email profile"}]
    sample = fixture("device_code_response.json")
    assert device.device_code == sample["device_code"]
    assert device.user_code == "GQVQ-JKEC"
    assert device.verification_url == "https://www.google.com/device"
    assert device.qr_url == "https://www.google.com/device"
    assert (device.expires_in, device.interval) == (1800, 5)
    assert 1790 < device.seconds_left() <= 1800
    assert sample["device_code"] not in repr(device)


def test_rfc_verification_uri_is_read_and_interval_defaults_to_5(google, http):
    google.device_reply = (
        200,
        {
            "device_code": "dc",
            "user_code": "WXYZ-1234",
            "verification_uri": "https://example.test/activate",
            "verification_uri_complete": "https://example.test/activate?code=WXYZ-1234",
            "expires_in": 600,
        },
    )

    device = request_device_code(google.settings(), http=http)

    assert device.verification_url == "https://example.test/activate"
    assert device.qr_url == "https://example.test/activate?code=WXYZ-1234"
    assert device.interval == 5


def test_device_quota_error_is_a_sentence(google, http):
    google.device_reply = (403, fixture("device_code_error_403_rate_limit_exceeded.json"))

    with pytest.raises(Unavailable, match="too many sign-in codes"):
        request_device_code(google.settings(), http=http)


def test_unknown_client_names_the_setting(google, http):
    google.device_reply = (401, {"error": "invalid_client", "error_description": "not found"})

    with pytest.raises(ClientRejected, match="MEDIATRACK_GOOGLE_CLIENT_ID"):
        request_device_code(google.settings(), http=http)


def test_a_reply_missing_the_user_code_is_a_bad_response(google, http):
    google.device_reply = (200, {"device_code": "dc", "verification_url": "u", "expires_in": 9})

    with pytest.raises(BadResponse, match="user_code"):
        request_device_code(google.settings(), http=http)


def test_missing_client_id_is_not_configured_and_asks_nothing(httpserver, monkeypatch):
    monkeypatch.delenv("MEDIATRACK_GOOGLE_CLIENT_ID", raising=False)
    monkeypatch.setenv("MEDIATRACK_GOOGLE_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("MEDIATRACK_GOOGLE_DEVICE_URL", httpserver.url_for("/device/code"))

    with pytest.raises(SignInNotConfigured, match="MEDIATRACK_GOOGLE_CLIENT_ID") as caught:
        request_device_code(GoogleSettings.from_env())

    assert caught.value.setting == "MEDIATRACK_GOOGLE_CLIENT_ID"
    assert httpserver.log == []


def test_missing_client_secret_names_its_variable():
    with pytest.raises(SignInNotConfigured, match="MEDIATRACK_GOOGLE_CLIENT_SECRET"):
        request_device_code(GoogleSettings(client_id=CLIENT_ID))


def test_unreachable_google_is_network_down():
    port = closed_port()
    settings = GoogleSettings(CLIENT_ID, CLIENT_SECRET, device_url=f"http://127.0.0.1:{port}/d")

    with pytest.raises(NetworkDown, match=r"Cannot reach Google \(127\.0\.0\.1"):
        request_device_code(settings, http=FormPoster(timeout=(1.0, 1.0)))


def test_a_malformed_url_names_its_setting():
    settings = GoogleSettings(CLIENT_ID, CLIENT_SECRET, device_url="not a url")

    with pytest.raises(SignInNotConfigured, match="MEDIATRACK_GOOGLE_DEVICE_URL"):
        request_device_code(settings)


# --- polling -------------------------------------------------------------------


def test_pending_pending_success_polls_every_interval_with_the_device_grant(google, fake, http):
    google.script(PENDING, PENDING, google.success())
    ticks = []

    tokens = poll_for_tokens(
        google.settings(),
        code(),
        sleep=fake.sleep,
        clock=fake.clock,
        on_tick=ticks.append,
        http=http,
    )

    assert tokens.access_token == fixture("token_success.json")["access_token"]
    assert tokens.refresh_token == fixture("token_success.json")["refresh_token"]
    assert tokens.id_token and tokens.expires_in == 3920
    assert fake.sleeps == [5, 5, 5]
    assert [tick.polls for tick in ticks] == [0, 1, 2]
    assert google.token_forms == 3 * [
        {
            "grant_type": DEVICE_GRANT,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "device_code": "device-code-123",
        }
    ]
    assert tokens.access_token not in repr(tokens)


def test_slow_down_adds_five_seconds_for_the_rest_of_the_flow(google, fake, http):
    google.script(PENDING, SLOW_DOWN, PENDING, SLOW_DOWN, PENDING, google.success())

    poll_for_tokens(google.settings(), code(), sleep=fake.sleep, clock=fake.clock, http=http)

    assert fake.sleeps == [5, 5, 10, 10, 15, 15]


@pytest.mark.parametrize(
    ("reply", "error", "words"),
    [
        (ACCESS_DENIED, AccessDenied, "declined"),
        (EXPIRED_TOKEN, CodeExpired, "start the sign-in again"),
        ((400, {"error": "invalid_grant"}), CodeExpired, "expired"),
    ],
)
def test_denied_or_expired_ends_the_flow_with_a_sentence(google, fake, http, reply, error, words):
    google.script(PENDING, reply, google.success())

    with pytest.raises(error, match=words):
        poll_for_tokens(google.settings(), code(), sleep=fake.sleep, clock=fake.clock, http=http)

    assert len(google.token_forms) == 2


def test_polling_stops_when_the_code_expires(google, fake, http):
    google.script(*[PENDING] * 10)

    with pytest.raises(CodeExpired):
        poll_for_tokens(
            google.settings(), code(expires_in=12), sleep=fake.sleep, clock=fake.clock, http=http
        )

    assert fake.sleeps == [5, 5, pytest.approx(2, abs=0.5)]
    assert len(google.token_forms) == 2


def test_cancel_during_a_wait_stops_before_the_next_poll(google, fake, http):
    google.script(PENDING, PENDING, google.success())
    cancel = threading.Event()

    def sleep(seconds: float) -> None:
        fake.sleep(seconds)
        if len(fake.sleeps) == 2:
            cancel.set()

    with pytest.raises(Cancelled):
        poll_for_tokens(
            google.settings(), code(), cancel=cancel, sleep=sleep, clock=fake.clock, http=http
        )

    assert len(google.token_forms) == 1


def test_the_default_wait_ends_as_soon_as_cancel_is_set(google, http):
    google.script(*[PENDING] * 5)
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    started = time.monotonic()

    with pytest.raises(Cancelled):
        poll_for_tokens(google.settings(), code(interval=30), cancel=cancel, http=http)

    assert time.monotonic() - started < 2
    assert google.token_forms == []


def test_network_trouble_while_polling_backs_off_then_gives_up(google, fake):
    settings = google.settings(token_url=f"http://127.0.0.1:{closed_port()}/token")

    with pytest.raises(NetworkDown):
        poll_for_tokens(
            settings,
            code(),
            sleep=fake.sleep,
            clock=fake.clock,
            http=FormPoster(timeout=(1.0, 1.0)),
        )

    assert fake.sleeps == [5, 10, 20]


def test_an_unknown_error_is_a_bad_response(google, fake, http):
    google.script((400, {"error": "invalid_request", "error_description": "Missing param"}))

    with pytest.raises(BadResponse, match="invalid_request"):
        poll_for_tokens(google.settings(), code(), sleep=fake.sleep, clock=fake.clock, http=http)


def test_a_server_error_counts_as_trouble_and_is_retried_after_a_longer_wait(google, fake, http):
    google.script(PENDING, (502, "<html>Bad Gateway</html>"), google.success())

    tokens = poll_for_tokens(
        google.settings(), code(), sleep=fake.sleep, clock=fake.clock, http=http
    )

    assert tokens.access_token
    assert fake.sleeps == [5, 5, 10]


# --- refreshing ---------------------------------------------------------------


def test_refresh_posts_the_refresh_grant(google, http):
    google.script((200, fixture("token_refresh_success.json")))

    tokens = refresh_access_token(google.settings(), "the-refresh-token", http=http)

    assert tokens.access_token == fixture("token_refresh_success.json")["access_token"]
    assert tokens.refresh_token is None
    assert google.token_forms == [
        {
            "grant_type": "refresh_token",
            "refresh_token": "the-refresh-token",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        }
    ]


def test_a_revoked_refresh_token_asks_to_sign_in_again(google, http):
    google.script(INVALID_GRANT)

    with pytest.raises(SignInAgain, match="mediatrack login"):
        refresh_access_token(google.settings(), "revoked", http=http)
