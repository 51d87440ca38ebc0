"""Plain lists of the smaller resources: by id, ``after`` the last id seen, at most ``limit`` rows."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet
from ninja import Schema
from pydantic import Field

M = TypeVar("M", bound=Model)


class Window(Schema):
    after: int | None = Field(None, description="The last id of the page before.")
    limit: int = Field(100, ge=1, le=500)


def window(queryset: QuerySet[M], params: Window) -> list[M]:
    if params.after is not None:
        queryset = queryset.filter(pk__gt=params.after)
    return list(queryset.order_by("pk")[: params.limit])
