"""Message-ID squatting: mail that was not filed (a stranger's, an unverified one, automatic or oversized mail)
never makes a later real mail with the same Message-ID a "duplicate". The exactly-once key names the sender
and is held only by filed mail; the same bytes delivered again are still taken once."""

from __future__ import annotations

from typing import Any

import pytest

from tests.mail.messages import mail
from tuki.mail.intake.entry import intake
from tuki.mail.models import InboundMessage, InboundSource, InboundStatus

pytestmark = pytest.mark.usefixtures("mail_media")

PREDICTED = "<CAF=predicted-20260302@mail.org-a.example>"


def take(raw: bytes) -> InboundMessage:
    return InboundMessage.objects.get(pk=intake(raw, source=InboundSource.PIPE).inbound_id)


SQUATTERS = {
    "a stranger": dict(sender="kalle@stranger.example"),
    "a forged contact address": dict(authenticated=False),
    "automatic mail in the contact's name": dict(headers={"Auto-Submitted": "auto-replied"}, authenticated=False),
}


@pytest.mark.parametrize("squatter", SQUATTERS.values(), ids=SQUATTERS.keys())
def test_unfiled_mail_with_a_predicted_message_id_does_not_swallow_the_real_one(
    squatter: dict[str, Any], anna: Any, agreement_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks():
        first = take(mail(message_id=PREDICTED, subject="Lasku", text="Maksakaa tilille FI00.", **squatter))
    assert first.status != InboundStatus.ACCEPTED and first.ticket is None
    real = intake(mail(message_id=PREDICTED, subject="Tulostin ei tulosta"), source=InboundSource.IMAP)
    assert not real.duplicate
    record = InboundMessage.objects.get(pk=real.inbound_id)
    assert record.status == InboundStatus.ACCEPTED and record.ticket is not None
    assert record.ticket.subject == "Tulostin ei tulosta" and record.ticket.requester == anna.contact


def test_another_contacts_message_id_is_not_a_duplicate(
    anna: Any, bertil: Any, agreement_a: Any, agreement_b: Any
) -> None:
    # Two genuine senders whose mail clients happen to make the same id: both are filed.
    first = take(mail(message_id=PREDICTED))
    second = take(mail(sender=bertil.email, message_id=PREDICTED))
    assert first.status == second.status == InboundStatus.ACCEPTED and first.ticket != second.ticket


def test_the_same_mail_delivered_again_is_still_taken_once(anna: Any, agreement_a: Any) -> None:
    raw = mail(message_id=PREDICTED)
    first = intake(raw, source=InboundSource.PIPE)
    again = intake(raw, source=InboundSource.IMAP)
    assert again.duplicate and again.inbound_id == first.inbound_id
    assert InboundMessage.objects.count() == 1


def test_unfiled_mail_holds_no_key(db: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks():
        record = take(mail(sender="kalle@stranger.example", message_id=PREDICTED))
    assert record.status == InboundStatus.REFUSED and record.key is None
