"""What the SLA domain announces: ``notice_recorded`` (with ``notice_id``) once a warning or breach notice for
one person has committed and is to be sent at once (digest readers get theirs later). The mail channel
subscribes (:mod:`tuki.mail.receivers`)."""

from __future__ import annotations

from django.dispatch import Signal

notice_recorded = Signal()
