"""Pages: the provider's ledgers, the family's "Your Individual Service Fund", statements (page and PDF),
and the commissioner's overview.

Thin views: parse a form, authorise through a scoped selector (outside the user's scope: 404; visible
but not theirs to act on: 403), call one service, render or redirect. A LedgerError goes back onto the
form. htmx posts of the entry form get the changed part of the page back; without JavaScript the same
form posts and redirects.
"""

import datetime as dt
from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from budgets.selectors import is_family_member
from organisations import jobs
from organisations.paging import page_of
from organisations.selectors import roles_of
from providers.selectors import providers_staffed_by

from . import managed, services
from .charts import balance_chart, spending_chart
from .forms import (
    EntryForm,
    LedgerFilterForm,
    MoveForm,
    ReasonForm,
    RefundForm,
    StatementPeriodForm,
    UploadForm,
)
from .imports import HEADER
from .models import WORDS, HeldAccount, HeldKind, MoveStatus, ScheduledMove
from .pdf import statement_pdf
from .selectors import (
    PROVIDER_STAFF,
    balance_of,
    council_accounts,
    council_counts,
    council_rows,
    count_ledger_entries,
    default_statement_period,
    family_page_funds,
    family_summary,
    fund_visible_to,
    funds_in_order,
    funds_of_family,
    held_in_list_order,
    is_closed,
    ledger_entries,
    ledger_page,
    may_record_refund,
    may_record_spending,
    may_reverse,
    reversible_entries,
    statement_context,
    unseen_notifications_list,
)
from .services import LedgerError


def _fund(request: HttpRequest, pk: int) -> HeldAccount:
    fund = fund_visible_to(user=request.user, pk=pk)
    if fund is None:
        raise Http404
    return fund


def _is_family_of(request: HttpRequest, fund: HeldAccount) -> bool:
    return funds_of_family(user=request.user).filter(pk=fund.pk).exists()


# ---- the family ------------------------------------------------------------------------------------


def _family_page(request: HttpRequest, kind: str) -> HttpResponse:
    """Money in, money spent and money left, in plain words, with two simple charts: the same page for
    an ISF and a managed direct payment, in each one's words."""
    if not is_family_member(user=request.user):
        raise PermissionDenied
    summaries = []
    for fund in family_page_funds(user=request.user, kind=kind):
        summary = family_summary(fund)
        planned = managed.scheduled_move_of(fund) if kind == HeldKind.MANAGED_DP else None
        summaries.append(
            {
                "s": summary,
                "planned": managed.describe(planned, for_family=True) if planned else "",
                "balance_chart": balance_chart(summary.balance_points, chart_id=f"balance-{fund.pk}"),
                "spending_chart": spending_chart(summary.spending_by_kind, chart_id=f"spending-{fund.pk}"),
            }
        )
    # Newest first (Notification's ordering: created, then id, neither empty), sorted here: to compile
    # an ordered query Django hashes each selected column, three tables' here (issue 14).
    notices = sorted(
        (n for n in unseen_notifications_list(user=request.user) if n.fund.kind == kind),
        key=lambda n: (n.created_at, n.pk),
        reverse=True,
    )
    return render(
        request,
        "ledger/your_isf.html",
        {
            "summaries": summaries,
            "notices": notices,
            "words": WORDS[kind],
            "managed": kind == HeldKind.MANAGED_DP,
        },
    )


@login_required
def your_isf(request: HttpRequest) -> HttpResponse:
    return _family_page(request, HeldKind.ISF)


@login_required
def your_managed_dp(request: HttpRequest) -> HttpResponse:
    """ "Your managed direct payment": the money the organisation managing it holds for you."""
    return _family_page(request, HeldKind.MANAGED_DP)


# ---- providers ---------------------------------------------------------------------------------------


@login_required
def provider_ledgers(request: HttpRequest) -> HttpResponse:
    roles = roles_of(user=request.user)
    if not roles.providers_with(*PROVIDER_STAFF):
        raise PermissionDenied
    # Every account's id and kind in the list's order (one query: the page count and each kind's
    # count come from it), then the page's accounts by id.
    held = held_in_list_order(user=request.user)
    kinds = Counter(kind for _, kind in held)
    page = page_of(request, held, FUNDS_PER_PAGE)
    funds = funds_in_order([pk for pk, _ in page.object_list])
    groups = [
        (WORDS[kind], [f for f in funds if f.kind == kind])
        for kind in (HeldKind.ISF, HeldKind.MANAGED_DP)
        if any(f.kind == kind for f in funds)
    ]
    return render(
        request,
        "ledger/provider_ledgers.html",
        {
            "funds": funds,
            "page": page,
            "groups": groups,
            "managed_only": set(kinds) == {HeldKind.MANAGED_DP},
            "mixed": len(kinds) > 1,
        },
    )


FUNDS_PER_PAGE = 50
LEDGER_LINES_PER_PAGE = 50


def _ledger_context(
    request: HttpRequest, fund: HeldAccount, *, form=None, closed: bool | None = None
) -> dict:
    filters = LedgerFilterForm(request.GET or None, words=fund.words)
    data = filters.cleaned_data if filters.is_valid() else {}
    chosen = {"start": data.get("start"), "end": data.get("end"), "category": data.get("category") or ""}
    # The newest entries first (the last page) unless another page is asked for. The page's entries and
    # their count are read with kept SQL (ledger_page, count_ledger_entries), not the paginator's slice.
    page = page_of(
        request,
        ledger_entries(fund, **chosen),
        LEDGER_LINES_PER_PAGE,
        count=count_ledger_entries(fund, **chosen),
        last_by_default=True,
    )
    lines, balance = ledger_page(
        fund,
        **chosen,
        offset=(page.number - 1) * LEDGER_LINES_PER_PAGE,
        limit=LEDGER_LINES_PER_PAGE,
        from_the_end=page.number > page.paginator.num_pages // 2,
    )
    if closed is None:
        closed = is_closed(fund)
    can_spend = may_record_spending(user=request.user, fund=fund) and not closed
    planned = managed.scheduled_move_of(fund) if fund.kind == HeldKind.MANAGED_DP and not closed else None
    return {
        "fund": fund,
        "planned": planned,
        "planned_words": managed.describe(planned) if planned else "",
        "filters": filters,
        "lines": lines,
        "page": page,
        "balance": balance,
        "closed": closed,
        "can_spend": can_spend,
        "can_refund": may_record_refund(user=request.user, fund=fund) and not closed,
        "form": form
        if form is not None
        else (EntryForm(initial={"entry_date": timezone.localdate()}) if can_spend else None),
        # A closed fund takes no entry, so it offers no corrections either.
        "reversible": set()
        if closed
        else reversible_entries(user=request.user, fund=fund, entries=[line.entry for line in lines]),
        "default_period": default_statement_period(),
    }


@login_required
def ledger(request: HttpRequest, pk: int) -> HttpResponse:
    """One ISF's ledger with the running balance, filters by period and kind, and the entry form."""
    fund = _fund(request, pk)
    template = (
        "ledger/ledger.html#lines"
        if request.htmx and request.GET.get("partial") == "lines"
        else "ledger/ledger.html"
    )
    # Whether the money has moved on was read with the account (fund_visible_to), a moment ago.
    return render(request, template, _ledger_context(request, fund, closed=fund.has_closing))


@login_required
def add_entry(request: HttpRequest, pk: int) -> HttpResponse:
    fund = _fund(request, pk)
    if not may_record_spending(user=request.user, fund=fund):
        raise PermissionDenied
    form = EntryForm(request.POST or None, initial={"entry_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry, created = services.record_spending(
                fund=fund,
                entry_date=data["entry_date"],
                category=data["category"],
                amount=data["amount"],
                description=data["description"],
                idempotency_key=data["idempotency_key"],
                actor=request.user,
            )
        except LedgerError as exc:
            field = exc.field if exc.field in form.fields and exc.field != "idempotency_key" else None
            form.add_error(field, str(exc))
        else:
            note = "Spending recorded" if created else "That spending was already recorded"
            message = f"{note}: {entry.description}, {entry.get_category_display().lower()}."
            if request.htmx:
                context = _ledger_context(request, fund)
                context["done"] = message
                return render(request, "ledger/ledger.html#body", context)
            messages.success(request, message)
            return redirect("ledger:ledger", pk=fund.pk)
    if request.htmx:
        return render(request, "ledger/ledger.html#body", _ledger_context(request, fund, form=form))
    return render(
        request, "ledger/entry_form.html", {"fund": fund, "form": form, "balance": balance_of(fund)}
    )


@login_required
def reverse_entry(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    fund = _fund(request, pk)
    entry = get_object_or_404(fund.entries.all(), pk=entry_pk)
    if not may_reverse(user=request.user, entry=entry):
        raise PermissionDenied
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reverse_entry(entry=entry, reason=form.cleaned_data["reason"], actor=request.user)
        except LedgerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Corrected: “{entry.description}” has been reversed.")
            return redirect("ledger:ledger", pk=fund.pk)
    return render(request, "ledger/reverse.html", {"fund": fund, "entry": entry, "form": form})


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """The same import as `manage.py import_isf_entries`, as a page."""
    providers = list(providers_staffed_by(user=request.user))
    if not providers:
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None, providers=providers)
    if request.method == "POST" and form.is_valid():
        provider = next(p for p in providers if str(p.pk) == str(form.cleaned_data["provider"]))
        upload = form.cleaned_data["file"]
        # Imported by a worker (organisations/jobs.py): the job's page shows progress, then the summary
        # or every error. Spending on funds not in the file never waits behind it.
        job = jobs.request_import(
            kind="isf_entries",
            target=f"provider:{provider.pk}",
            file_name=upload.name,
            data=upload.read(),
            actor=request.user,
        )
        return redirect("imports:job", pk=job.pk)
    return render(request, "ledger/upload.html", {"form": form, "result": None, "header": ",".join(HEADER)})


# ---- commissioners ---------------------------------------------------------------------------------


# What the commissioner's list can be narrowed to besides the kind: the accounts to look at.
COUNCIL_SHOWS = {
    "over": "with unspent money above the agreed limit",
    "quiet": "with no entries for more than 8 weeks",
}
COUNCIL_EXAMPLES = 5  # accounts named in each summary; more are counted, with a link to them all


@login_required
def commissioner_isfs(request: HttpRequest) -> HttpResponse:
    """The council's accounts, FUNDS_PER_PAGE a page (issue 14: a 20,000-person council has thousands).
    The counts and the summaries of accounts to look at are the whole council's, worked out by the
    database; only the page's rows are read."""
    roles = roles_of(user=request.user)
    if not (roles.councils_with("commissioner") or roles.platform_admin):
        raise PermissionDenied
    kind = request.GET.get("kind", "")
    kind = kind if kind in HeldKind.values else ""
    show = request.GET.get("show", "")
    show = show if show in COUNCIL_SHOWS else ""
    accounts = council_accounts(user=request.user)
    counts = council_counts(accounts, kind=kind)
    listed = accounts.filter(kind=kind) if kind else accounts
    examples = {
        name: (counts[name], council_rows(listed.filter(**{f"is_{name}": True})[:COUNCIL_EXAMPLES]))
        for name in COUNCIL_SHOWS
    }
    if show:
        listed = listed.filter(**{f"is_{show}": True})
    page = page_of(request, listed, FUNDS_PER_PAGE, count=counts[show] if show else counts["shown"])
    rows = council_rows(page.object_list)
    # Planned moves of the page's managed direct payments, in one query (none when there are none).
    planned = dict(
        ScheduledMove.objects.filter(
            status=MoveStatus.SCHEDULED, account_id__in=[r.fund.pk for r in rows if r.can_move]
        ).values_list("account_id", "on_date")
    )
    for row in rows:
        row.planned_on = planned.get(row.fund.pk)
    return render(
        request,
        "ledger/commissioner_isfs.html",
        {
            "rows": rows,
            "page": page,
            "counts": counts,
            "kind": kind,
            "kind_words": WORDS.get(kind),
            "show": show,
            "show_words": COUNCIL_SHOWS.get(show, ""),
            "show_kinds": (counts["isf"] > 0 and counts["managed"] > 0) or bool(kind),
            "summaries": [
                {
                    "name": name,
                    "words": COUNCIL_SHOWS[name],
                    "count": count,
                    "rows": some,
                    "more": count - len(some),
                }
                for name, (count, some) in examples.items()
            ],
        },
    )


@login_required
def refund(request: HttpRequest, pk: int) -> HttpResponse:
    fund = _fund(request, pk)
    if not may_record_refund(user=request.user, fund=fund):
        raise PermissionDenied
    form = RefundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_refund(
                fund=fund,
                amount=data["amount"],
                reason=data["reason"],
                actor=request.user,
                idempotency_key=data["idempotency_key"],
            )
        except LedgerError as exc:
            form.add_error("amount" if exc.field == "amount" or "money left" in str(exc) else None, str(exc))
        else:
            messages.success(
                request, "Refund to the council recorded. The family will see it with the reason."
            )
            return redirect("ledger:ledger", pk=fund.pk)
    return render(request, "ledger/refund.html", {"fund": fund, "form": form, "balance": balance_of(fund)})


@login_required
def move(request: HttpRequest, pk: int) -> HttpResponse:
    """The commissioner moves a managed direct payment from a date (managed.request_move): done at
    once from today or a day before, otherwise planned and shown here (and on the ledger) until it
    happens, with a button to cancel it."""
    fund = _fund(request, pk)
    if fund.kind != HeldKind.MANAGED_DP or not may_record_refund(user=request.user, fund=fund):
        raise PermissionDenied
    organisations = managed.organisations_to_manage(council=fund.council, excluding=fund.provider)
    agreements = managed.agreements_to_move_into(person=fund.person)
    isf_providers = managed.isf_providers_for(council=fund.council, person=fund.person)
    form = MoveForm(
        request.POST or None,
        organisations=organisations,
        agreements=agreements,
        isf_providers=isf_providers,
        initial={"outcomes": managed.plan_outcomes(fund.person), "made": "meeting"},
    )
    planned = managed.scheduled_move_of(fund)
    if request.method == "POST" and planned is None and form.is_valid():
        data = form.cleaned_data
        try:
            done = managed.request_move(
                account=fund,
                to=data["to"],
                on_date=data["on_date"],
                actor=request.user,
                provider=next((p for p in organisations if str(p.pk) == data["provider"]), None),
                agreement=next((a for a in agreements if str(a.pk) == data["agreement"]), None),
                isf_provider=next((p for p in isf_providers if str(p.pk) == data["isf_provider"]), None),
                chosen_by=data["chosen_by"],
                made=data["made"] or "meeting",
                outcomes=data["outcomes"],
            )
        except LedgerError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            if done.status == MoveStatus.DONE:
                messages.success(
                    request, "Done: the direct payment has moved, and the money left went with it."
                )
                return redirect("ledger:ledger", pk=done.target_id or fund.pk)
            messages.success(request, f"Planned: {managed.describe(done)}")
            return redirect("ledger:move", pk=fund.pk)
    return render(
        request,
        "ledger/move.html",
        {
            "fund": fund,
            "form": form,
            "balance": balance_of(fund),
            "closed": fund.closed_on is not None,
            "planned": planned,
            "planned_words": managed.describe(planned) if planned else "",
        },
    )


@login_required
def cancel_move(request: HttpRequest, pk: int) -> HttpResponse:
    fund = _fund(request, pk)
    if fund.kind != HeldKind.MANAGED_DP or not may_record_refund(user=request.user, fund=fund):
        raise PermissionDenied
    if request.method != "POST":
        return redirect("ledger:move", pk=fund.pk)
    planned = managed.scheduled_move_of(fund)
    if planned is not None:
        try:
            managed.cancel_move(move=planned, actor=request.user)
        except LedgerError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Cancelled: the direct payment stays where it is.")
    return redirect("ledger:move", pk=fund.pk)


# ---- statements ------------------------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[StatementPeriodForm, dt.date, dt.date]:
    start, end = default_statement_period()
    form = StatementPeriodForm(
        request.GET if any(key.startswith("start") for key in request.GET) else None,
        initial={"start": start, "end": end},
    )
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return form, start, end


@login_required
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    """A statement for any period (default: the last four weeks)."""
    fund = _fund(request, pk)
    form, start, end = _period(request)
    if _is_family_of(request, fund):
        services.mark_notifications_seen(user=request.user, fund=fund)
    return render(
        request,
        "ledger/statement.html",
        {
            "fund": fund,
            "form": form,
            "s": statement_context(fund, start=start, end=end),
            "pdf_url": reverse("ledger:statement-pdf", args=[fund.pk])
            + f"?start={start:%Y-%m-%d}&end={end:%Y-%m-%d}",
            "is_family": _is_family_of(request, fund),
        },
    )


@login_required
def statement_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    fund = _fund(request, pk)
    _, start, end = _period(request)
    data = statement_pdf(
        statement_context(fund, start=start, end=end), base_url=request.build_absolute_uri("/")
    )
    response = HttpResponse(data, content_type="application/pdf")
    filename = f"statement-{fund.budget_ref or fund.pk}-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
