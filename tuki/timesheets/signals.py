"""What the time domain announces: ``quota_notice_recorded`` (with ``notice_id``) once a warning that a period's
maintenance use reached 80 % or 100 % has committed for one person. The mail channel subscribes
(:mod:`tuki.mail.receivers`).

``estimate_overrun`` (with ``estimate_id`` and ``author_id``): a request's additional work went more than 10 % past
its approved estimate; sent once per approved version."""

from __future__ import annotations

from django.dispatch import Signal

quota_notice_recorded = Signal()
estimate_overrun = Signal()
