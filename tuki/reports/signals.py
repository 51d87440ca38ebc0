"""What the report domain announces: ``report_notice_recorded`` (with ``notice_id``) once a new report's mail to one
customer manager has been recorded and committed. The mail channel subscribes (:mod:`tuki.mail.receivers`).
``report_ready`` (with ``report_id``) once any version of a report is committed; the webhooks announce it."""

from __future__ import annotations

from django.dispatch import Signal

report_notice_recorded = Signal()
report_ready = Signal()
