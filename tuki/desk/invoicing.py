"""The invoicing export for the supplier's managers: every customer's quota period holding the chosen day, one row
per customer, business unit, kind of work and late correction, as CSV or XLSX.

Made to be imported without editing: the column names are fixed identifiers in English whatever the reader's
language (only ``kind_name`` is translated), one header row, ISO dates, a '.' decimal point, whole minutes next to
the hours so that sums are exact, and no totals row in the CSV (its totals are the sums of its columns; the XLSX
has them on a second sheet). The CSV is UTF-8 with a BOM and semicolons, like every export of Tuki.

Managers only, as are the other supplier-wide money matters (rates, closing periods): agents see every customer's
requests and time, but what each customer is invoiced is not theirs to take out.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuki.accounts.auth import acting_user
from tuki.audit.models import Action
from tuki.audit.services import audit_record
from tuki.core.client_address import client_address
from tuki.core.permissions import manager_required, staff_required
from tuki.core.spreadsheets import SafeCsvWriter, Sheet, xlsx_bytes
from tuki.timesheets.forms import chosen_day
from tuki.timesheets.invoicing import InvoiceLine, Invoicing, invoicing
from tuki.timesheets.models import WorkKind
from tuki.timesheets.selectors import PeriodSummary

COLUMNS = [
    "period_start",
    "period_end",
    "period_closed",
    "customer_id",
    "customer",
    "business_id",
    "agreement_id",
    "agreement",
    "business_unit_id",
    "business_unit",
    "cost_centre",
    "kind",
    "kind_name",
    "late_correction",
    "minutes",
    "hours",
    "hours_hmm",
    "billable_minutes",
    "billable_hours",
    "hourly_rate",
    "amount_eur",
]
TOTAL_COLUMNS = [
    "period_start",
    "period_end",
    "period_closed",
    "customer_id",
    "customer",
    "business_id",
    "agreement_id",
    "included_minutes",
    "maintenance_minutes",
    "remaining_minutes",
    "beyond_quota_minutes",
    "help_desk_minutes",
    "additional_minutes",
    "billable_minutes",
    "amount_eur",
]
HUNDREDTH = Decimal("0.01")


def hours(minutes: int) -> Decimal:
    """Decimal hours to two places, half up; the minutes column holds the exact figure."""
    return (Decimal(minutes) / 60).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def hours_hmm(minutes: int) -> str:
    """``-90`` as ``-1:30``: hours and minutes the way a spreadsheet reads a duration."""
    size, sign = abs(minutes), "-" if minutes < 0 else ""
    return f"{sign}{size // 60}:{size % 60:02d}"


def line_cells(line: InvoiceLine) -> list[object]:
    unit = line.business_unit
    return [
        line.period.start,
        line.period.last_day,
        int(line.closed),
        line.organisation.pk,
        line.organisation.name,
        line.organisation.business_id,
        line.agreement.pk,
        line.agreement.name,
        unit.pk if unit is not None else "",
        unit.name if unit is not None else "",
        unit.cost_centre if unit is not None else "",
        line.kind,
        WorkKind(line.kind).label,
        int(line.late),
        line.minutes,
        hours(line.minutes),
        hours_hmm(line.minutes),
        line.billable_minutes,
        hours(line.billable_minutes),
        line.hourly_rate,
        line.amount,
    ]


def total_cells(customer: PeriodSummary, lines: Sequence[InvoiceLine]) -> list[object]:
    """A customer's period as the ledger has it, and the sums of its lines."""
    balance, organisation = customer.balance, customer.agreement.organisation
    return [
        balance.period.start,
        balance.period.last_day,
        int(customer.closed),
        organisation.pk,
        organisation.name,
        organisation.business_id,
        customer.agreement.pk,
        balance.included,
        balance.used,
        balance.remaining,
        balance.over,
        customer.minutes.get(WorkKind.HELP_DESK, 0),
        customer.minutes.get(WorkKind.ADDITIONAL, 0),
        sum(line.billable_minutes for line in lines),
        sum((line.amount for line in lines), Decimal("0.00")),
    ]


class _Chunks:
    """What the CSV writer writes, handed on a row at a time."""

    def __init__(self) -> None:
        self._parts: list[str] = []

    def write(self, text: str) -> None:
        self._parts.append(text)

    def take(self) -> str:
        text = "".join(self._parts)
        self._parts.clear()
        return text


def csv_rows(lines: Sequence[InvoiceLine]) -> Iterator[str]:
    chunks = _Chunks()
    writer = SafeCsvWriter(chunks)
    writer.writerow(COLUMNS)
    yield chunks.take()
    for line in lines:
        writer.writerow(line_cells(line))
        yield chunks.take()


def xlsx_content(found: Invoicing) -> bytes:
    by_customer: dict[int, list[InvoiceLine]] = {}
    for line in found.lines:
        by_customer.setdefault(line.agreement.pk, []).append(line)
    totals = [total_cells(c, by_customer.get(c.agreement.pk, [])) for c in found.customers]
    return xlsx_bytes(
        [
            Sheet("lines", COLUMNS, (line_cells(line) for line in found.lines)),
            Sheet("totals", TOTAL_COLUMNS, totals),
        ]
    )


def _chosen(request: HttpRequest) -> tuple[date, int | None]:
    """The day whose periods to export, and the one customer when ``?customer=`` names one."""
    customer = request.GET.get("customer", "")
    if customer and not customer.isdecimal():
        raise Http404
    return chosen_day(request.GET) or timezone.localdate(), int(customer) if customer else None


def _exported(request: HttpRequest, *, day: date, customer: int | None, rows: int, file_format: str) -> None:
    audit_record(
        action=Action.EXPORTED,
        actor=acting_user(request),
        target_label=_("Invoicing"),
        address=client_address(request),
        details={
            "export": "invoicing",
            "format": file_format,
            "period": day.isoformat(),
            "customer": customer,
            "rows": rows,
        },
    )


@staff_required  # the second step of login, as for every desk page
@manager_required
def invoicing_csv(request: HttpRequest) -> StreamingHttpResponse:
    day, customer = _chosen(request)
    found = invoicing(acting_user(request), day, customer)
    _exported(request, day=day, customer=customer, rows=len(found.lines), file_format="csv")
    response = StreamingHttpResponse(csv_rows(found.lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="invoicing-{day:%Y-%m}.csv"'
    return response


@staff_required
@manager_required
def invoicing_xlsx(request: HttpRequest) -> HttpResponse:
    day, customer = _chosen(request)
    found = invoicing(acting_user(request), day, customer)
    _exported(request, day=day, customer=customer, rows=len(found.lines), file_format="xlsx")
    response = HttpResponse(
        xlsx_content(found), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="invoicing-{day:%Y-%m}.xlsx"'
    return response
