"""Rows that are only ever added: a request's history, the audit log, the time ledger, environments' and
changes' histories.

The model refuses to save a row again or to delete one, and its queryset refuses bulk updates and deletes,
which would go round the model. Each model says in its own words what it keeps (``APPEND_ONLY``).
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.db import models

_Row = TypeVar("_Row", bound=models.Model)


class AppendOnlyQuerySet(models.QuerySet[_Row]):
    def update(self, **kwargs: Any) -> int:
        raise ValueError(getattr(self.model, "APPEND_ONLY", AppendOnly.APPEND_ONLY))

    def delete(self) -> Any:
        raise ValueError(getattr(self.model, "APPEND_ONLY", AppendOnly.APPEND_ONLY))


class AppendOnly(models.Model):
    APPEND_ONLY: ClassVar[str] = "History is append-only."

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError(self.APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError(self.APPEND_ONLY)
