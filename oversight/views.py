"""Oversight pages: the commissioner's list, a check, concerns, statements, the council report and
settings; and the family's pages for a check and their annual statement. Thin: services decide."""

import csv
import datetime as dt
import re
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from budgets.models import ManagementType
from budgets.selectors import CASEWORK_ROLES, arrangements_visible_to
from organisations.audit import history_for
from organisations.models import Council
from organisations.selectors import council_to_set_up, councils_staffed_by, roles_of

from . import services, wording
from .forms import (
    AskAgainForm,
    ConcernForm,
    ConversationForm,
    DecisionForm,
    ReadForm,
    ReplyForm,
    SettingsForm,
    StatementForm,
)
from .models import CheckStatus
from .selectors import (
    CHECKED_TYPES,
    STATEMENT_TYPES,
    arrangements_of_family,
    checks_of_family,
    checks_visible_to,
    council_report,
    is_case_staff,
    statements_visible_to,
)
from .services import OversightError


@dataclass
class Year:
    label: str
    start: dt.date
    end: dt.date


def financial_year(label: str, *, today: dt.date) -> Year:
    """A UK financial year from a label like 2026-27; the current one when the label is not one."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", label.strip())
    if match and int(match[2]) == (int(match[1]) + 1) % 100:
        year = int(match[1])
    else:
        year = today.year if today.month >= 4 else today.year - 1
    return Year(f"{year}-{(year + 1) % 100:02d}", dt.date(year, 4, 1), dt.date(year + 1, 3, 31))


def _staff_councils(request) -> list[Council]:
    councils = list(councils_staffed_by(user=request.user, roles=CASEWORK_ROLES))
    if not councils and not roles_of(user=request.user).platform_admin:
        raise PermissionDenied
    return councils


@login_required
def home(request: HttpRequest) -> HttpResponse:
    councils = _staff_councils(request)
    checks = checks_visible_to(user=request.user).filter(council__in=councils)
    context = {
        "councils": councils,
        "open_checks": checks.exclude(status=CheckStatus.DECIDED).order_by("raised_at", "pk"),
        "decided_checks": checks.filter(status=CheckStatus.DECIDED)[:20],
        "unread": statements_visible_to(user=request.user)
        .filter(read_at__isnull=True)
        .order_by("sent_at", "pk"),
        "may_run": any(is_case_staff(user=request.user, council_id=c.pk) for c in councils),
    }
    return render(request, "oversight/home.html", context)


@login_required
@require_POST
def run(request: HttpRequest) -> HttpResponse:
    councils = [c for c in _staff_councils(request) if is_case_staff(user=request.user, council_id=c.pk)]
    if not councils:
        raise PermissionDenied
    started = sum(len(services.run_checks(council=c, actor=request.user)) for c in councils)
    messages.success(
        request, f"The council's checks have run: {started} new {'check' if started == 1 else 'checks'}."
    )
    return redirect("oversight:home")


def _staff_check(request, pk: int):
    check = get_object_or_404(checks_visible_to(user=request.user), pk=pk)
    return check


def _check_page(request, check, *, status: int = 200, **forms) -> HttpResponse:
    context = {
        "check": check,
        "person": check.arrangement.budget.person,
        "why": wording.why_asked(check),
        "next": wording.what_next(check),
        "decisions": check.decisions.select_related("decided_by"),
        "trail": history_for(check),
        "may_act": is_case_staff(user=request.user, council_id=check.council_id),
        "conversation_form": forms.get("conversation_form") or ConversationForm(),
        "decision_form": forms.get("decision_form") or DecisionForm(),
    }
    return render(request, "oversight/check.html", context, status=status)


@login_required
def check_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _check_page(request, _staff_check(request, pk))


@login_required
@require_POST
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    check = _staff_check(request, pk)
    if not is_case_staff(user=request.user, council_id=check.council_id):
        raise PermissionDenied
    form = ConversationForm(request.POST)
    if form.is_valid():
        try:
            services.record_conversation(check=check, actor=request.user, note=form.cleaned_data["note"])
        except OversightError as exc:
            form.add_error("note", str(exc))
        else:
            messages.success(request, "Conversation recorded. The family can read it on their page.")
            return redirect("oversight:check", pk=check.pk)
    return _check_page(request, check, status=400, conversation_form=form)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    check = _staff_check(request, pk)
    if not is_case_staff(user=request.user, council_id=check.council_id):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.decide(
                check=check,
                actor=request.user,
                outcome=data["outcome"],
                reason=data["reason"],
                amount_kept=data.get("amount_kept") or 0,
                kept_for=data.get("kept_for", ""),
                amount_recovered=data.get("amount_recovered") or 0,
            )
        except OversightError as exc:
            form.add_error("reason" if "reason" in str(exc).lower() else None, str(exc))
        else:
            messages.success(
                request, "Decision recorded. The family can read it, and your reason, on their page."
            )
            return redirect("oversight:check", pk=check.pk)
    return _check_page(request, check, status=400, decision_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def concern(request: HttpRequest, pk: int) -> HttpResponse:
    arrangement = get_object_or_404(
        arrangements_visible_to(user=request.user).select_related("budget__person"), pk=pk
    )
    if not is_case_staff(user=request.user, council_id=arrangement.council_id):
        raise PermissionDenied
    if arrangement.management_type not in [t.value for t in CHECKED_TYPES]:
        raise PermissionDenied
    form = ConcernForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                check = services.raise_concern(
                    arrangement=arrangement, actor=request.user, concern=form.cleaned_data["concern"]
                )
            except OversightError as exc:
                form.add_error("concern", str(exc))
            else:
                messages.success(request, "Check started. Talk with the family before anything else.")
                return redirect("oversight:check", pk=check.pk)
        status = 400
    return render(
        request,
        "oversight/concern.html",
        {"arrangement": arrangement, "person": arrangement.budget.person, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(statements_visible_to(user=request.user), pk=pk)
    form = ReadForm(request.POST or None)
    if request.method == "POST":
        if not is_case_staff(user=request.user, council_id=obj.council_id):
            raise PermissionDenied
        if form.is_valid():
            services.read_statement(statement=obj, actor=request.user, note=form.cleaned_data["note"])
            messages.success(request, "Marked as read.")
            return redirect("oversight:home")
    return render(
        request,
        "oversight/statement.html",
        {
            "statement": obj,
            "person": obj.arrangement.budget.person,
            "form": form,
            "may_act": is_case_staff(user=request.user, council_id=obj.council_id),
        },
    )


def _report(request):
    councils = _staff_councils(request)
    period = financial_year(request.GET.get("period") or "", today=timezone.localdate())
    code = request.GET.get("council") or councils[0].gss_code
    council = next((c for c in councils if c.gss_code == code), councils[0])
    return (
        councils,
        council,
        period,
        council_report(council_id=council.pk, start=period.start, end=period.end),
    )


REPORT_CSV_HEADER = [
    "council",
    "period",
    "management_type",
    "checks",
    "reason_large_balance",
    "reason_no_spending",
    "reason_concern",
    "outcome_no_change",
    "outcome_kept",
    "outcome_plan_review",
    "outcome_recovered",
    "waiting",
    "money_recovered",
    "money_kept",
]


@login_required
def report_csv(request: HttpRequest) -> HttpResponse:
    """The council report as CSV: one row per way of holding a budget."""
    _, council, period, report = _report(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="dp-checks-{council.gss_code}-{period.label}.csv"'
    )
    writer = csv.writer(response, lineterminator="\n")
    writer.writerow(REPORT_CSV_HEADER)
    for t, row in report.items():
        writer.writerow(
            [council.gss_code, period.label, t, row["checks"]]
            + [row["by_reason"][k] for k in ("large_balance", "no_spending", "concern")]
            + [row["by_outcome"][k] for k in ("no_change", "kept", "plan_review", "recovered")]
            + [row["waiting"], row["money_recovered"], row["money_kept"]]
        )
    return response


@login_required
def report(request: HttpRequest) -> HttpResponse:
    councils, council, period, report = _report(request)
    rows = [{"label": ManagementType(t).label, **row} for t, row in report.items()]
    return render(
        request,
        "oversight/report.html",
        {"council": council, "councils": councils, "period": period, "rows": rows},
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest, code: str) -> HttpResponse:
    council = council_to_set_up(user=request.user, code=code)
    current = services.settings_for(council)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.settings_save(
            council=council, actor=request.user, **{f: form.cleaned_data[f] for f in SettingsForm.Meta.fields}
        )
        messages.success(request, "Direct-payment check settings saved.")
        return redirect("oversight:settings", code=council.gss_code)
    return render(
        request,
        "oversight/settings.html",
        {"council": council, "form": form},
        status=400 if form.errors else 200,
    )


# ---- the family's pages ---------------------------------------------------------------------------


def _family_check(request, pk: int):
    return get_object_or_404(checks_of_family(user=request.user), pk=pk)


def _family_page(request, check, *, status: int = 200, **forms) -> HttpResponse:
    decision = check.decision
    context = {
        "check": check,
        "person": check.arrangement.budget.person,
        "why": wording.why_asked(check),
        "next": wording.what_next(check),
        "decision": decision,
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "ask_form": forms.get("ask_form") or AskAgainForm(),
        "may_ask_again": check.status == CheckStatus.DECIDED and decision and not decision.on_asking_again,
        "never_automatic": wording.NEVER_AUTOMATIC,
    }
    return render(request, "oversight/family_check.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def family_check(request: HttpRequest, pk: int) -> HttpResponse:
    check = _family_check(request, pk)
    if request.method == "GET":
        return _family_page(request, check)
    form = ReplyForm(request.POST)
    if form.is_valid():
        services.family_reply(check=check, actor=request.user, text=form.cleaned_data["text"])
        messages.success(request, "Thank you. Your social worker will read this before you talk.")
        return redirect("oversight:family-check", pk=check.pk)
    return _family_page(request, check, status=400, reply_form=form)


@login_required
@require_POST
def family_ask_again(request: HttpRequest, pk: int) -> HttpResponse:
    check = _family_check(request, pk)
    form = AskAgainForm(request.POST)
    if form.is_valid():
        try:
            services.ask_again(check=check, actor=request.user, reason=form.cleaned_data["reason"])
        except OversightError as exc:
            form.add_error("reason", str(exc))
        else:
            messages.success(request, "We will look at it again. Someone else at the council will decide.")
            return redirect("oversight:family-check", pk=check.pk)
    return _family_page(request, check, status=400, ask_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def family_statement(request: HttpRequest, pk: int) -> HttpResponse:
    arrangement = get_object_or_404(
        arrangements_of_family(user=request.user).select_related("budget__person"),
        pk=pk,
        management_type__in=STATEMENT_TYPES,
    )
    today = timezone.localdate()
    year_end = dt.date(today.year if today.month >= 4 else today.year - 1, 3, 31)
    form = StatementForm(request.POST or None, initial={"year_end": year_end})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.send_statement(arrangement=arrangement, actor=request.user, **form.cleaned_data)
            except OversightError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, "Thank you. Your statement is sent. Your social worker will read it."
                )
                return redirect("budgets:your-budget-person", pk=arrangement.budget.person_id)
        status = 400
    return render(
        request,
        "oversight/family_statement.html",
        {
            "arrangement": arrangement,
            "person": arrangement.budget.person,
            "form": form,
            "sent": arrangement.annual_statements.all()[:5],
        },
        status=status,
    )
