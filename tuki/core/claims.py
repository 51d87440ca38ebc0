"""A job run once however many workers start it: a claim in the database, with an expiry.

Every Huey consumer has its own scheduler, so with two consumers each periodic job is queued twice a tick. Jobs
that claim their rows one by one (the SLA sweep, reminders, deliveries) need nothing more. A job that acts on
everything at once (a sweep of the storage, a mailbox poll) claims its name here first:

- ``claim(name, for_=...)`` is won by exactly one caller until the time runs out, a conditional UPDATE deciding as
  in the sweeps. A worker killed while holding a claim holds it no longer than that, so choose a time longer
  than the job takes and shorter than you would wait for it to run again.
- Kept after the job (``release=False``) the claim makes the job run once per period: a daily job claimed for 20
  hours runs once a day however many consumers queued it, whichever ran first.

The database, not the cache: without Redis the cache is files, whose ``add`` is not atomic, and a claim should
not vanish with a Redis restart.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from tuki.core.models import JobClaim

_EPOCH = datetime(2000, 1, 1, tzinfo=timezone.get_fixed_timezone(0))


def claim(name: str, *, for_: timedelta, now: datetime | None = None) -> str | None:
    """Take the job ``name`` for ``for_`` from ``now``; the owner token if taken, None if someone holds it."""
    now = now or timezone.now()
    owner = uuid.uuid4().hex
    if not JobClaim.objects.filter(name=name).exists():
        try:
            with transaction.atomic():
                JobClaim.objects.create(name=name, until=_EPOCH)
        except IntegrityError:
            pass  # created by another worker just now: the update below decides between us
    taken = JobClaim.objects.filter(name=name, until__lte=now).update(until=now + for_, owner=owner)
    return owner if taken == 1 else None


def release(name: str, owner: str, *, now: datetime | None = None) -> None:
    """Give the job back at once, if the claim is still ours (it may have run out and been taken by another)."""
    JobClaim.objects.filter(name=name, owner=owner).update(until=now or timezone.now(), owner="")


@contextmanager
def claimed(name: str, *, for_: timedelta, release_after: bool = True) -> Iterator[bool]:
    """Whether this worker has the job ``name``; with ``release_after``, given back when the block ends."""
    owner = claim(name, for_=for_)
    try:
        yield owner is not None
    finally:
        if owner is not None and release_after:
            release(name, owner)
