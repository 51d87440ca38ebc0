"""The shapes shared by several resources: errors, references to people and places, pages."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from ninja import Schema
from ninja.responses import NinjaJSONEncoder
from pydantic import ConfigDict, Field


class Input(Schema):
    """Every body the API reads: a field it does not know is an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class Error(Schema):
    detail: str = Field(description="What is wrong, for people, in the caller's language.")
    code: str = Field(description="What is wrong, for programs: never translated.", examples=["not_found"])
    field: str | None = Field(None, description="The input that is wrong, as a dotted path; null if none.")
    errors: list[dict[str, Any]] | None = Field(None, description="Every wrong field, each of this same shape.")


class Ref(Schema):
    id: int
    name: str


def errors(*statuses: int) -> dict[int, type[Error]]:
    """The error answers an operation documents, besides those of every call (401, 429)."""
    return {status: Error for status in (401, 429, *statuses)}


def json_answer(data: Any, status: int = 200) -> HttpResponse:
    """``data`` as JSON, without ninja checking it against the operation's schema again: for the busiest
    operations, whose data is built by the same functions every time (tests/api/test_schemathesis.py checks every
    answer against the document)."""
    body = json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False)
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")
