"""Signing per the Standard Webhooks specification, checked against its published test vector."""

from __future__ import annotations

import base64

import pytest

from tuki.webhooks.signing import VerificationError, generate_secret, headers, sign, verify

# The specification's reference libraries test with this message and secret.
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MESSAGE_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = 1614265330
BODY = '{"test": 2432232314}'
EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_published_vector() -> None:
    assert sign(SECRET, MESSAGE_ID, TIMESTAMP, BODY) == EXPECTED


def test_a_receiver_verifies_what_was_signed() -> None:
    sent = headers(SECRET, MESSAGE_ID, TIMESTAMP, BODY)
    assert sent == {"webhook-id": MESSAGE_ID, "webhook-timestamp": str(TIMESTAMP), "webhook-signature": EXPECTED}
    verify(SECRET, {name.title(): value for name, value in sent.items()}, BODY, now=TIMESTAMP + 10)


@pytest.mark.parametrize(
    ("body", "now", "secret"),
    [
        ('{"test": 2432232315}', TIMESTAMP, SECRET),  # the body changed
        (BODY, TIMESTAMP + 301, SECRET),  # too old: a replay
        (BODY, TIMESTAMP - 301, SECRET),  # from the future
        (BODY, TIMESTAMP, generate_secret()),  # another secret
    ],
)
def test_a_receiver_refuses_anything_else(body: str, now: int, secret: str) -> None:
    with pytest.raises(VerificationError):
        verify(secret, headers(SECRET, MESSAGE_ID, TIMESTAMP, BODY), body, now=now)


def test_one_matching_signature_among_several_is_enough() -> None:
    sent = headers(SECRET, MESSAGE_ID, TIMESTAMP, BODY)
    sent["webhook-signature"] = "v1,bm90IGl0 " + sent["webhook-signature"]
    verify(SECRET, sent, BODY, now=TIMESTAMP)


def test_missing_headers_are_refused() -> None:
    with pytest.raises(VerificationError):
        verify(SECRET, {"webhook-id": MESSAGE_ID}, BODY, now=TIMESTAMP)


def test_a_secret_is_whsec_and_base64_of_random_bytes() -> None:
    secret = generate_secret()
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 32
    assert secret != generate_secret()
