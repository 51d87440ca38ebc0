"""What the webhooks announce: ``subscription_disabled`` once the worker has turned off a subscription that kept
failing, with everything a channel needs to tell its owner (``owner_id``, ``url``, ``reason``: "failures" or
"failing_for_a_day", ``organisation_id``: None for the supplier's own). The mail channel subscribes
(:mod:`tuki.mail.receivers`) and mails the owner; it never reads the webhooks' models."""

from __future__ import annotations

from django.dispatch import Signal

subscription_disabled = Signal()
