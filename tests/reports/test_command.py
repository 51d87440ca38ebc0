"""``manage.py report_make``: one customer's or every customer's report, a progress bar, refusals in plain words."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tuki.reports.models import MonthlyReport

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("report_make", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_every_customer_then_a_new_version_of_one(agreement_a: Any, agreement_b: Any, org_a: Any) -> None:
    out, err = _run("--month", "2026-10")
    assert "2 reports, 0 failed" in out and "2/2" in err and "[####" in err
    assert MonthlyReport.objects.filter(month=date(2026, 10, 1)).count() == 2
    out, _err = _run("--month", "2026-10", "--organisation", str(org_a.pk), "--reason", "Kirjaukset korjattu")
    assert "Org A Oy: version 2" in out
    assert MonthlyReport.objects.get(organisation=org_a, version=2).reason == "Kirjaukset korjattu"


def test_bad_input_is_refused(agreement_a: Any) -> None:
    with pytest.raises(CommandError, match="YYYY-MM"):
        _run("--month", "lokakuu")
    with pytest.raises(CommandError, match="2099-01"):
        _run("--month", "2099-01")
    with pytest.raises(CommandError, match="No customer"):
        _run("--month", "2026-10", "--organisation", "999999")
