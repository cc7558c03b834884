"""Statements as PDF: a selector builds the context, a template renders HTML, WeasyPrint makes bytes."""

from django.template.loader import render_to_string

from .selectors import StatementContext


def statement_pdf(ctx: StatementContext, *, base_url: str = "") -> bytes:
    from weasyprint import HTML

    html = render_to_string("ledger/statement_pdf.html", {"s": ctx})
    return HTML(string=html, base_url=base_url or None).write_pdf()
