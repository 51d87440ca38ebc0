"""A month's figures in the agreed shape (tuki.reports.figures), made by hand for rendering tests: Asiakas A Oy's
November 2026, with several priorities, breaches and their explanations, a seven-month quota trend, three
business units, changes in two environments and a subject long enough to need wrapping."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

LONG_SUBJECT = (
    "Laskutusjärjestelmän kuukausiajo keskeytyy virheeseen tuotantoympäristössä aina kun asiakasrekisterissä "
    "on yli kymmenentuhatta riviä: virheilmoitus "
    "org.example.billing.MonthlyInvoiceRunFailedBecauseTheCustomerRegisterExceededItsConfiguredMaximumRowCount"
)


def _breach(number: int) -> dict[str, Any]:
    reference = f"SR-{1000 + number}"
    return {
        "id": 1000 + number,
        "reference": reference,
        "subject": LONG_SUBJECT if number == 0 else f"Raportti {number} ei avaudu portaalissa",
        "priority": 1 + number % 3,
        "target": "response" if number % 2 else "resolution",
        "due": "2026-11-10T10:00:00+00:00",
        "done": None if number % 5 == 4 else "2026-11-10T11:35:00+00:00",
        "late_minutes": 95 + 7 * number,
        "explanation": [
            {"when": "10.11.2026 klo 8.00", "what": "Pyyntö vastaanotettu", "counted": "Kello käynnistyi"},
            {"when": "10.11.2026 klo 9.15", "what": "Odottaa asiakasta", "counted": "Kello pysähtyi 40 min"},
            {"when": "10.11.2026 klo 11.35", "what": "Ensimmäinen vastaus", "counted": "1 t 35 min myöhässä"},
        ],
    }


def _change(number: int, environment: str, state: str) -> dict[str, Any]:
    return {
        "id": number,
        "reference": f"CH-{number}",
        "title": f"{environment}: versio 4.{number} ({state})",
        "kind": "normal" if number % 2 else "standard",
        "window_start": "2026-11-12T18:00:00+00:00",
        "window_end": "2026-11-12T20:00:00+00:00",
        "done_at": None if state == "scheduled" else "2026-11-12T19:10:00+00:00",
    }


def _trend() -> list[dict[str, Any]]:
    months = [date(2026, m, 1) for m in range(5, 12)]
    return [
        {
            "month": month.isoformat(),
            "included_minutes": 1200,
            "maintenance_minutes": [600, 840, 1320, 900, 720, 1110, 870][index],
            "help_desk_minutes": [60, 120, 90, 240, 180, 150, 240][index],
        }
        for index, month in enumerate(months)
    ]


def sample_figures(*, breaches: int = 6) -> dict[str, Any]:
    weeks = [date(2026, 10, 26) + timedelta(weeks=n) for n in range(6)]
    return {
        "version": 1,
        "organisation": {"id": 3, "name": "Asiakas A Oy"},
        "month": "2026-11-01",
        "time_zone": "Europe/Helsinki",
        "made_at": "2026-12-01T04:00:12+00:00",
        "currency": "EUR",
        "agreements": [
            {
                "id": 7,
                "name": "Tukisopimus 2026",
                "start": "2026-11-01",
                "end": "2026-11-30",
                "quota_minutes": 1200,
                "hourly_rate": "95.00",
            }
        ],
        "notes": [{"code": "sla_recomputed", "params": {"reference": "SR-1042"}}],
        "requests": {
            "opened": 31,
            "resolved": 27,
            "open_at_end": 6,
            "by_priority": [
                {"key": "1", "label": "", "opened": 2, "resolved": 2, "open_at_end": 0},
                {"key": "2", "label": "", "opened": 7, "resolved": 6, "open_at_end": 1},
                {"key": "3", "label": "", "opened": 18, "resolved": 16, "open_at_end": 4},
                {"key": "4", "label": "", "opened": 4, "resolved": 3, "open_at_end": 1},
            ],
            "by_type": [{"key": "incident", "label": "", "opened": 12, "resolved": 11, "open_at_end": 2}],
            "by_channel": [{"key": "portal", "label": "", "opened": 20, "resolved": 18, "open_at_end": 3}],
            "by_environment": [
                {"key": "5", "label": "Tuotanto", "opened": 22, "resolved": 19, "open_at_end": 5},
                {"key": "6", "label": "Testi", "opened": 9, "resolved": 8, "open_at_end": 1},
            ],
            "by_business_unit": [
                {"key": "2", "label": "Talous", "opened": 14, "resolved": 12, "open_at_end": 3},
                {"key": "3", "label": "Henkilöstöhallinto", "opened": 10, "resolved": 9, "open_at_end": 2},
                {"key": "4", "label": "Asiakaspalvelu", "opened": 7, "resolved": 6, "open_at_end": 1},
            ],
            "by_requester": [{"key": "9", "label": "Anna Asiakas", "opened": 17, "resolved": 15, "open_at_end": 3}],
            "oldest_open": [
                {
                    "id": 1042,
                    "reference": "SR-1042",
                    "subject": LONG_SUBJECT,
                    "created_at": "2026-09-14T07:12:00+00:00",
                    "priority": 2,
                    "state": "in_progress",
                }
            ],
            "per_week": [
                {"week_start": week.isoformat(), "opened": [3, 7, 6, 8, 5, 2][n], "resolved": [2, 5, 7, 6, 5, 2][n]}
                for n, week in enumerate(weeks)
            ],
        },
        "sla": {
            "by_priority": [
                {"priority": 1, "response_total": 2, "response_met": 2, "resolution_total": 2, "resolution_met": 1},
                {"priority": 2, "response_total": 7, "response_met": 6, "resolution_total": 6, "resolution_met": 5},
                {"priority": 3, "response_total": 18, "response_met": 17, "resolution_total": 16, "resolution_met": 16},
                {"priority": 4, "response_total": 4, "response_met": 4, "resolution_total": 0, "resolution_met": 0},
            ],
            "breaches": [_breach(n) for n in range(breaches)],
            "paused_minutes": 340,
        },
        "quota": {
            "period_start": "2026-11-01",
            "period_end": "2026-11-30",
            "period_kind": "month",
            "included_minutes": 1200,
            "carried_over_minutes": 0,
            "maintenance_minutes": 870,
            "remaining_minutes": 330,
            "help_desk_minutes": 240,
            "trend": _trend(),
        },
        "additional": {
            "estimates": [
                {
                    "id": 4,
                    "request_id": 1042,
                    "reference": "SR-1042",
                    "subject": "Uusi raporttipohja talousosastolle",
                    "pricing": "hours",
                    "minutes": 240,
                    "amount": "380.00",
                    "approved_at": "2026-11-05T09:00:00+00:00",
                    "approved_by": "Anna Asiakas",
                }
            ],
            "by_business_unit": [
                {"key": "2", "label": "Talous", "cost_centre": "4100", "minutes": 180, "amount": "285.00"},
                {"key": "3", "label": "Henkilöstöhallinto", "cost_centre": "4200", "minutes": 40, "amount": "63.33"},
                {"key": "4", "label": "Asiakaspalvelu", "cost_centre": "", "minutes": 20, "amount": "31.67"},
            ],
            "total_minutes": 240,
            "total_amount": "380.00",
        },
        "changes": {
            "by_environment": [
                {
                    "key": "5",
                    "label": "Tuotanto",
                    "implemented": [_change(7, "Tuotanto", "implemented")],
                    "rolled_back": [_change(8, "Tuotanto", "rolled_back")],
                    "scheduled": [_change(9, "Tuotanto", "scheduled")],
                },
                {
                    "key": "6",
                    "label": "Testi",
                    "implemented": [_change(10, "Testi", "implemented"), _change(11, "Testi", "implemented")],
                    "rolled_back": [],
                    "scheduled": [],
                },
            ]
        },
    }


def empty_figures() -> dict[str, Any]:
    """A customer with no agreement and nothing asked in the month: every section present, every list empty."""
    return {
        "version": 1,
        "organisation": {"id": 4, "name": "Asiakas B Oy"},
        "month": "2026-11-01",
        "time_zone": "Europe/Helsinki",
        "made_at": "2026-12-01T04:00:12+00:00",
        "currency": "EUR",
        "agreements": [],
        "notes": [{"code": "no_agreement", "params": {}}],
        "requests": {"opened": 0, "resolved": 0, "open_at_end": 0, "per_week": [], "oldest_open": []},
        "sla": {"by_priority": [], "breaches": [], "paused_minutes": 0},
        "quota": {"trend": []},
        "additional": {"estimates": [], "by_business_unit": [], "total_minutes": 0, "total_amount": "0.00"},
        "changes": {"by_environment": []},
    }
