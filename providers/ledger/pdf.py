"""Statements as PDF: a selector builds the context, a template renders HTML, WeasyPrint makes bytes."""

from django.template.loader import render_to_string

from organisations.documents import write_pdf

from .selectors import StatementContext


def statement_pdf(ctx: StatementContext, *, base_url: str = "") -> bytes:
    html = render_to_string("ledger/statement_pdf.html", {"s": ctx})
    return write_pdf(html, base_url=base_url or None)
