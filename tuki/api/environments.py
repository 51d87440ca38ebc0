"""Customer environments and the changes made to them (read only)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from tuki.api.auth import caller
from tuki.api.listing import Window, window
from tuki.api.schemas import errors
from tuki.changes.models import Change
from tuki.changes.selectors import change_get, change_list, environment_get
from tuki.core.scoping import visible_to
from tuki.environments.models import Environment

router = Router(tags=["environments"])


class EnvironmentOut(Schema):
    id: int
    organisation: int
    name: str
    description: str
    kind: str
    lifecycle: str
    in_production_on: date | None
    retired_on: date | None


class ChangeOut(Schema):
    id: str
    organisation: int
    title: str
    description: str
    kind: str
    state: str
    environments: list[int]
    planned_start: datetime | None
    planned_end: datetime | None
    actual_start: datetime | None
    actual_end: datetime | None
    outcome: str
    created_at: datetime


def _environment(environment: Environment) -> dict[str, Any]:
    return {
        "id": environment.pk,
        "organisation": environment.organisation_id,
        "name": environment.name,
        "description": environment.description,
        "kind": environment.kind,
        "lifecycle": environment.lifecycle,
        "in_production_on": environment.in_production_on,
        "retired_on": environment.retired_on,
    }


def _change(change: Change) -> dict[str, Any]:
    return {
        "id": change.identifier,
        "organisation": change.organisation_id,
        "title": change.title,
        "description": change.description,
        "kind": change.kind,
        "state": change.state,
        "environments": [environment.pk for environment in change.environments.all()],
        "planned_start": change.planned_start,
        "planned_end": change.planned_end,
        "actual_start": change.actual_start,
        "actual_end": change.actual_end,
        "outcome": change.outcome,
        "created_at": change.created_at,
    }


@router.get(
    "/environments",
    response={200: list[EnvironmentOut], **errors()},
    summary="List environments",
    description="The systems the supplier built and supports for the customers the caller may see.",
)
def environment_list(request: HttpRequest, params: Query[Window]) -> list[dict[str, Any]]:
    return [_environment(e) for e in window(visible_to(caller(request), Environment), params)]


@router.get(
    "/environments/{environment_id}",
    response={200: EnvironmentOut, **errors(404)},
    summary="Read an environment",
    description="One environment.",
)
def environment_read(request: HttpRequest, environment_id: int) -> dict[str, Any]:
    return _environment(environment_get(caller(request), environment_id))


@router.get(
    "/changes",
    response={200: list[ChangeOut], **errors()},
    summary="List changes",
    description="Changes to the environments, each with its state and schedule (contacts: not drafts).",
)
def change_index(request: HttpRequest, params: Query[Window]) -> list[dict[str, Any]]:
    return [_change(change) for change in window(change_list(caller(request)), params)]


@router.get(
    "/changes/{identifier}",
    response={200: ChangeOut, **errors(404)},
    summary="Read a change",
    description="One change by its identifier, such as `CH-12`.",
)
def change_read(request: HttpRequest, identifier: str) -> dict[str, Any]:
    change = change_get(caller(request), identifier)
    return _change(change)
