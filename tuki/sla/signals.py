"""What the SLA domain announces.

``notice_recorded`` (with ``notice_id``) once a warning or breach notice for one person has committed and is to be
sent at once (digest readers get theirs later). The mail channel subscribes (:mod:`tuki.mail.receivers`).

``threshold_reached`` (with ``ticket_id``, ``kind``: a :class:`tuki.sla.models.NoticeKind` value, and ``due``)
once the sweep's claim of a warning or breach has committed: once per request and threshold, whoever is told.
The webhooks subscribe (:mod:`tuki.webhooks.receivers`).
"""

from __future__ import annotations

from django.dispatch import Signal

notice_recorded = Signal()
threshold_reached = Signal()
