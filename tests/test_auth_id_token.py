"""Verifying Google's id_token: signature against the published JWKS, iss, aud, exp, iat.

Tokens are signed in the test with a test RSA key that the local server
publishes as its JWKS; forgeries are signed with another key.
"""

from __future__ import annotations

import time

import pytest

from auth_server import CLIENT_ID, SUB, FakeGoogle, fixture, rsa_key
from mediatrack.auth.errors import BadResponse, NetworkDown, TokenRejected
from mediatrack.auth.id_token import verify_id_token


@pytest.fixture
def google(httpserver) -> FakeGoogle:
    return FakeGoogle(httpserver)


def verify(google: FakeGoogle, token: str):
    return verify_id_token(token, client_id=CLIENT_ID, jwks_url=google.settings().jwks_url)


def test_a_good_token_names_the_google_account(google):
    person = verify(google, google.id_token())

    assert person.sub == SUB
    assert person.email == "jsmith@example.com"
    assert person.email_verified is True
    assert person.name == "Jane Smith"
    assert person.picture == fixture("id_token_claims.json")["picture"]


def test_both_google_issuer_spellings_are_accepted(google):
    assert verify(google, google.id_token(iss="accounts.google.com")).sub == SUB


def test_the_key_set_is_fetched_once_and_cached(google):
    verify(google, google.id_token())
    verify(google, google.id_token(sub="another"))

    assert google.jwks_fetches == 1


def test_legacy_string_email_verified_is_read(google):
    assert verify(google, google.id_token(email_verified="true")).email_verified is True
    assert verify(google, google.id_token(email_verified=False)).email_verified is False


@pytest.mark.parametrize(
    ("make", "reason", "words"),
    [
        (lambda g: g.id_token(key=rsa_key("attacker")), "signature", "signature"),
        (
            lambda g: g.id_token(aud="other.apps.googleusercontent.com"),
            "audience",
            "another app",
        ),
        (lambda g: g.id_token(iss="https://evil.example.com"), "issuer", "not issued by Google"),
        (lambda g: g.id_token(algorithm="HS256"), "algorithm", "HS256"),
        (lambda g: g.id_token(kid="not-published"), "unknown_key", "does not publish"),
        (lambda g: g.id_token(exp=None), "missing_claim", "'exp'"),
        (lambda g: g.id_token(email=None), "missing_claim", "email"),
        (lambda g: "not.a.jwt", "malformed", "not a valid JWT"),
    ],
)
def test_a_bad_token_is_refused_with_one_sentence(google, make, reason, words):
    with pytest.raises(TokenRejected, match=words) as caught:
        verify(google, make(google))

    assert caught.value.reason == reason
    assert str(caught.value).endswith("the sign-in was refused.")


def test_an_expired_token_blames_the_clock(google):
    now = int(time.time())
    token = google.id_token(iat=now - 7200, exp=now - 3600)

    with pytest.raises(TokenRejected, match="clock looks wrong") as caught:
        verify(google, token)

    assert caught.value.reason == "expired"
    assert "60 minutes" in str(caught.value)


def test_a_token_from_the_future_blames_the_clock(google):
    now = int(time.time())

    with pytest.raises(TokenRejected, match="clock looks wrong") as caught:
        verify(google, google.id_token(iat=now + 600, exp=now + 4200))

    assert caught.value.reason == "not_yet_valid"


def test_a_small_clock_difference_is_tolerated(google):
    now = int(time.time())

    assert verify(google, google.id_token(iat=now + 30, exp=now - 30)).sub == SUB


def test_a_token_signed_with_a_key_that_is_not_in_googles_real_key_set_is_refused(google):
    google.jwks = fixture("jwks_oauth2_v3_certs.json")  # Google's (expired) public keys
    kid = google.jwks["keys"][0]["kid"]

    with pytest.raises(TokenRejected) as caught:
        verify(google, google.id_token(kid=kid))

    assert caught.value.reason == "signature"


def test_unreachable_key_set_is_network_down(google):
    with pytest.raises(NetworkDown, match="signing keys"):
        verify_id_token(google.id_token(), client_id=CLIENT_ID, jwks_url="http://127.0.0.1:9/certs")


def test_a_key_set_that_is_not_json_is_a_bad_response(google, httpserver):
    httpserver.expect_request("/broken-certs").respond_with_data("<html></html>")

    with pytest.raises(BadResponse, match="signing keys"):
        verify_id_token(
            google.id_token(), client_id=CLIENT_ID, jwks_url=httpserver.url_for("/broken-certs")
        )
