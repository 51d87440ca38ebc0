"""Reads of the mail intake that every desk page makes."""

from __future__ import annotations

from tuki.core.versioned import Versioned
from tuki.mail.models import InboundMessage, InboundStatus


def _count_unverified() -> int:
    # The supplier's staff see every inbound message (tuki.core.scoping), and only they are shown this number.
    return InboundMessage.objects.filter(status=InboundStatus.UNVERIFIED).count()


# The number in the desk's navigation. Mail arrives a few hundred times a day and every desk page shows the
# number, so each process keeps it until a message is stored or decided (one cache lookup instead of a count).
UNVERIFIED: Versioned[int] = Versioned("unverified-mail", _count_unverified)
UNVERIFIED.follows(InboundMessage)


def unverified_count() -> int:
    """How many messages from named contacts' addresses wait in the quarantine for a decision."""
    return UNVERIFIED.get()
