"""A report as a PDF: the body the pages show (``reports/document.html``, charts included) in a frame for print,
in the active language."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import get_language

from tuki.reports.models import MonthlyReport
from tuki.reports.pdf import render_pdf
from tuki.reports.presentation import document


def report_pdf(report: MonthlyReport) -> bytes:
    context = document(report.figures) | {
        "report": report,
        "supplier_name": settings.TUKI_SUPPLIER_NAME,
        "LANGUAGE_CODE": get_language(),
    }
    return render_pdf(render_to_string("reports/pdf.html", context))
