"""What the agreements domain announces once a change has committed, for the domains that measure by it.

``agreement_changed`` (with ``agreement_id``) and ``calendar_changed`` (with ``calendar_id``): the requests
domain subscribes to recompute the deadlines it stores (:mod:`tuki.tickets.receivers`).
"""

from __future__ import annotations

from django.dispatch import Signal

agreement_changed = Signal()
calendar_changed = Signal()
