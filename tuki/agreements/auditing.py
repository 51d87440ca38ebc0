"""An agreement's terms as plain values, read from the database, so that the audit log can say what changed."""

from __future__ import annotations

from tuki.agreements.models import Agreement, SlaTarget


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def agreement_terms(agreement_id: int | None) -> dict[str, object] | None:
    """The stored terms of the agreement and its SLA targets; None for one not saved yet.

    Values are text (or booleans and whole minutes) so that they go into JSON as they read: a calendar by name,
    an amount as written.
    """
    agreement = (
        Agreement.objects.select_related("organisation", "service_calendar", "on_call_calendar")
        .filter(pk=agreement_id)
        .first()
        if agreement_id is not None
        else None
    )
    if agreement is None:
        return None
    terms: dict[str, object] = {
        "name": agreement.name,
        "organisation": agreement.organisation.name,
        "valid_from": _text(agreement.valid_from),
        "valid_until": _text(agreement.valid_until),
        "service_calendar": agreement.service_calendar.name,
        "includes_on_call": agreement.includes_on_call,
        "on_call_calendar": _text(agreement.on_call_calendar),
        "reopen_window_days": agreement.reopen_window_days,
        "quota_hours": _text(agreement.quota_hours),
        "quota_period": agreement.quota_period,
        "carry_over": agreement.carry_over,
        "carry_over_cap_hours": _text(agreement.carry_over_cap_hours),
        "hourly_rate": _text(agreement.hourly_rate),
        "contact_visibility": agreement.contact_visibility,
        "contacts_see_reports": agreement.contacts_see_reports,
        "environments": sorted(str(environment) for environment in agreement.environments.all()),
    }
    for target in SlaTarget.objects.filter(agreement=agreement).order_by("priority"):
        terms[f"sla_target.{target.priority}.first_response_minutes"] = target.first_response_minutes
        terms[f"sla_target.{target.priority}.resolution_minutes"] = target.resolution_minutes
    return terms
