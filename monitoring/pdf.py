"""The PDF: a context (presentation.return_context), a template, and WeasyPrint."""

from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone

from organisations.documents import write_pdf

from . import exports
from .presentation import return_context


def pdf_html(
    figures: dict,
    *,
    created_at: datetime | None = None,
    requested_by=None,
    version=None,
    asked_by_command: bool = False,
) -> str:
    """`requested_by` None means the scheduled end-of-period run, unless `asked_by_command` (the
    monitoring_return command run without --actor)."""
    context = return_context(figures)
    context.update(
        created_at=timezone.localtime(created_at or timezone.now()),
        requested_by=requested_by,
        asked_by_command=asked_by_command,
        version=version,
        checksum=exports.checksum(figures),
    )
    return render_to_string("monitoring/return_pdf.html", context)


def render_pdf(
    figures: dict,
    *,
    created_at: datetime | None = None,
    requested_by=None,
    version=None,
    asked_by_command: bool = False,
) -> bytes:
    html = pdf_html(
        figures,
        created_at=created_at,
        requested_by=requested_by,
        version=version,
        asked_by_command=asked_by_command,
    )
    return write_pdf(html)
