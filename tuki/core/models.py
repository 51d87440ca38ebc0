"""Claims of background jobs, shared by every worker through the database, and jobs kept while the queue is away."""

from __future__ import annotations

from django.db import models


class JobClaim(models.Model):
    """Who runs a named job until when (see :mod:`tuki.core.claims`). One row per job name, kept."""

    name = models.CharField(max_length=100, unique=True)
    until = models.DateTimeField()
    owner = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.name} until {self.until:%Y-%m-%d %H:%M:%S}"


class DeferredJob(models.Model):
    """A job that could not be queued because the queue's store was away, kept until it is back (tuki.core.queue).

    The write that queued it has committed: without this row its notification (say) would be lost."""

    data = models.BinaryField()  # the job as Huey serialises it for its queue
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"deferred job {self.pk} of {self.created_at:%Y-%m-%d %H:%M:%S}"
