"""Claims of background jobs, shared by every worker through the database."""

from __future__ import annotations

from django.db import models


class JobClaim(models.Model):
    """Who runs a named job until when (see :mod:`tuki.core.claims`). One row per job name, kept."""

    name = models.CharField(max_length=100, unique=True)
    until = models.DateTimeField()
    owner = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.name} until {self.until:%Y-%m-%d %H:%M:%S}"
