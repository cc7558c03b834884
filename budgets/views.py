"""Pages for commissioners and approvers (the family's pages are in `family_views`, uploads in
`import_views`). Thin: parse, authorise (selector), call one service, render or redirect. Another
tenant's object is a 404; visible but not theirs to use, 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms.utils import ErrorDict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from organisations.audit import history_for_many
from organisations.kept_queries import fetch_kept
from organisations.models import Role
from organisations.paging import page_of
from organisations.selectors import approval_limit_of, councils_where, roles_of

from . import services
from .family_sections import casework_sections
from .forms import (
    ArrangementFormSet,
    AssessmentForm,
    BudgetProposalForm,
    CaseloadFilterForm,
    PersonForm,
    RepresentativeForm,
    SendBackForm,
    SupportPlanForm,
)
from .history import in_words
from .models import (
    AllocationQuestionnaire,
    Assessment,
    Person,
    PersonalBudget,
    PlanStatus,
    SupportPlan,
)
from .review_selectors import budget_by_version, budget_chart
from .selectors import (
    approval_queue_page,
    approval_queue_summary,
    batches_waiting_list,
    budgets_visible_to,
    can_act_for,
    can_view_casework,
    case_councils_of,
    caseload,
    casework_budgets,
    casework_lists,
    current_among,
    current_budget_for,
    helps_with_plan,
    people_visible_to,
    person_visible_to,
    reviews_due,
    upcoming_among,
    upcoming_budget_for,
)
from .services import BudgetError, NotAllowed, explain_assessment, is_approver_for, is_commissioner_for

# ---- helpers: fetch for this user or 404, then check the role or 403 -----------------------------


def _person(request, pk: int) -> Person:
    person = person_visible_to(user=request.user, pk=pk)
    if person is None:
        raise Http404
    return person


def _casework_person(request, pk: int) -> Person:
    person = _person(request, pk)
    if not can_view_casework(user=request.user, person=person):
        raise PermissionDenied
    return person


def _commissioned_person(request, pk: int) -> Person:
    person = _person(request, pk)
    if not is_commissioner_for(user=request.user, council_id=person.council_id):
        raise PermissionDenied
    return person


def _budget(request, pk: int) -> PersonalBudget:
    budget = get_object_or_404(
        budgets_visible_to(user=request.user).select_related(
            "person", "person__council", "proposed_by", "decided_by", "replaces"
        ),
        pk=pk,
    )
    return budget


def _require_role(request, role: str) -> None:
    if not roles_of(user=request.user).has(role):
        raise PermissionDenied


def latest_plan(person: Person) -> SupportPlan | None:
    return person.support_plans.order_by("-created_at", "-pk").first()


def latest_agreed_plan(person: Person) -> SupportPlan | None:
    return person.support_plans.filter(status=PlanStatus.AGREED).order_by("-agreed_at", "-pk").first()


def _latest_and_agreed_plans_query(*, person_id: int):
    plans = SupportPlan.objects.filter(person_id=person_id)
    newest = plans.order_by("-created_at", "-pk")[:1]
    agreed = plans.filter(status=PlanStatus.AGREED).order_by("-agreed_at", "-pk")[:1]
    return newest.union(agreed)


def latest_and_agreed_plans(person: Person) -> tuple[SupportPlan | None, SupportPlan | None]:
    """(latest_plan, latest_agreed_plan) in one query: the union of the two rows (one when they are the
    same plan), told apart here."""
    plans = fetch_kept(_latest_and_agreed_plans_query, person_id=person.pk)  # its SQL kept (issue 14)
    latest = max(plans, key=lambda p: (p.created_at, p.pk), default=None)
    latest_agreed = max(
        (p for p in plans if p.status == PlanStatus.AGREED),
        # As PostgreSQL orders "-agreed_at": a missing date comes first.
        key=lambda p: (p.agreed_at is None, p.agreed_at.timestamp() if p.agreed_at else 0, p.pk),
        default=None,
    )
    return latest, latest_agreed


# ---- commissioner: caseload, people ---------------------------------------------------------------


CASELOAD_PER_PAGE = 50


@login_required
def caseload_view(request: HttpRequest) -> HttpResponse:
    """Search and filter the caseload. A plain GET form; with htmx only the results are swapped."""
    roles = roles_of(user=request.user)
    if not (case_councils_of(user=request.user) or roles.platform_admin):
        raise PermissionDenied
    form = CaseloadFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    people = caseload(
        user=request.user,
        search=filters.get("q", ""),
        reason=filters.get("reason", ""),
        management_type=filters.get("management_type", ""),
        status=filters.get("status", ""),
    )
    page = page_of(request, people, CASELOAD_PER_PAGE)
    context = {
        "form": form,
        "page": page,
        "people": page.object_list,
        "can_add": bool(roles.councils_with(Role.COMMISSIONER)),
        "filtered": any(filters.values()) if filters else False,
    }
    template = "budgets/caseload.html#results" if request.htmx else "budgets/caseload.html"
    return render(request, template, context)


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    councils = list(councils_where(user=request.user, roles=(Role.COMMISSIONER,)))
    if not councils:
        raise PermissionDenied
    form = PersonForm(request.POST or None, councils=councils)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.person_create(
                council=data.get("council") or councils[0],
                person_ref=data["person_ref"],
                given_name=data["given_name"],
                family_name=data["family_name"],
                date_of_birth=data["date_of_birth"],
                primary_support_reason=data["primary_support_reason"],
                postcode=data["postcode"],
                actor=request.user,
            )
        except BudgetError as exc:
            form.add_error("person_ref", str(exc))
        else:
            messages.success(request, f"{person} added.")
            return redirect("budgets:person", pk=person.pk)
    return render(request, "budgets/person_form.html", {"form": form})


@login_required
def person_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = _casework_person(request, pk)
    # Every version once, with what the versions table and the chart read: the current and upcoming
    # versions are picked from this list rather than asked for again.
    budgets = casework_budgets(person)
    person.loaded_budgets = budgets  # for the sections other apps add (oversight's parts to check)
    context = {
        "person": person,
        "budgets": budgets,
        "current": current_among(budgets),
        "upcoming": upcoming_among(budgets),
        "plan": latest_plan(person),
        "is_commissioner": is_commissioner_for(user=request.user, council_id=person.council_id),
        "rep_form": RepresentativeForm(),
        **casework_lists(person),
        "extra_sections": casework_sections(request, person),
    }
    context["preference"] = next(iter(context.pop("preferences")), None)
    version_rows = budget_by_version(person, budgets)
    context["version_rows"] = version_rows
    context["version_chart"] = budget_chart(person, version_rows)
    return render(request, "budgets/person.html", context)


@login_required
@require_POST
def representative_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = _commissioned_person(request, pk)
    form = RepresentativeForm(request.POST)
    if form.is_valid():
        try:
            services.representative_add(person=person, actor=request.user, **form.cleaned_data)
        except BudgetError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(request, f"{form.cleaned_data['full_name']} can now act for {person}.")
            return redirect("budgets:person", pk=person.pk)
    return render(request, "budgets/representative_form.html", {"person": person, "form": form}, status=400)


# ---- assessment -----------------------------------------------------------------------------------


@login_required
def assessment_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = _commissioned_person(request, pk)
    questionnaire = AllocationQuestionnaire.objects.filter(council_id=person.council_id).first()
    if questionnaire is None:
        return render(request, "budgets/no_questionnaire.html", {"person": person})
    form = AssessmentForm(request.POST or None, questionnaire=questionnaire)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_create(
                person=person,
                answers=form.answers(),
                adjustment_ids=form.cleaned_data.get("adjustments", []),
                agreed_amount=form.cleaned_data["agreed_amount"],
                departure_reason=form.cleaned_data["departure_reason"],
                actor=request.user,
            )
        except BudgetError as exc:
            form.add_error("departure_reason", str(exc))
        else:
            messages.success(
                request,
                f"Assessment saved. The indicative budget is £{assessment.indicative_amount:,.2f} a year.",
            )
            return redirect("budgets:assessment", pk=assessment.pk)
    return render(
        request,
        "budgets/assessment_form.html",
        {"person": person, "form": form, "questionnaire": questionnaire},
    )


@login_required
def assessment_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(
        Assessment.objects.filter(person__in=people_visible_to(user=request.user)).select_related(
            "person", "assessed_by"
        ),
        pk=pk,
    )
    if not can_view_casework(user=request.user, person=assessment.person):
        raise PermissionDenied
    return render(
        request,
        "budgets/assessment.html",
        {
            "assessment": assessment,
            "person": assessment.person,
            "explanation": explain_assessment(assessment),
            "is_commissioner": is_commissioner_for(
                user=request.user, council_id=assessment.person.council_id
            ),
        },
    )


# ---- support plan ---------------------------------------------------------------------------------


def _may_draft_plan(user, person: Person) -> bool:
    """The family, a provider that can see the person, the council's commissioner, or a broker the
    person invited (while the invitation is live)."""
    roles = roles_of(user=user)
    return (
        can_act_for(user=user, person=person)
        or is_commissioner_for(user=user, council_id=person.council_id)
        or roles.is_provider_staff
        or helps_with_plan(user=user, person=person)
    )


@login_required
def support_plan_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    may_draft = _may_draft_plan(request.user, person)
    if not (may_draft or can_view_casework(user=request.user, person=person)):
        raise PermissionDenied
    plan = latest_plan(person)
    form = SupportPlanForm(request.POST or None, instance=plan if plan else None)
    if request.method == "POST":
        if not may_draft:
            raise PermissionDenied
        if form.is_valid():
            try:
                plan = services.support_plan_save(person=person, actor=request.user, **form.cleaned_data)
            except BudgetError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Support plan saved.")
                return redirect("budgets:support-plan", pk=person.pk)
    # An agreed plan is shown as text with a "Change" link per part; changing it starts a new draft.
    editing = may_draft and (
        plan is None or plan.status == PlanStatus.DRAFT or "change" in request.GET or request.method == "POST"
    )
    context = {
        "person": person,
        "plan": plan,
        "form": form,
        "may_draft": may_draft,
        "editing": editing,
        "plan_rows": [
            (name, label, label[:1].lower() + label[1:], getattr(plan, name))
            for name in SupportPlanForm.Meta.fields
            for label in [str(SupportPlan._meta.get_field(name).verbose_name)]
        ]
        if plan
        else [],
        "may_agree": plan is not None
        and plan.status == PlanStatus.DRAFT
        and is_commissioner_for(user=request.user, council_id=person.council_id),
        "agreed_plan": latest_agreed_plan(person),
        "is_family": can_act_for(user=request.user, person=person),
        "can_view_casework": can_view_casework(user=request.user, person=person),
        "is_helper": helps_with_plan(user=request.user, person=person),
    }
    return render(request, "budgets/support_plan.html", context)


@login_required
@require_POST
def support_plan_agree(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(
        SupportPlan.objects.filter(person__in=people_visible_to(user=request.user)).select_related("person"),
        pk=pk,
    )
    try:
        services.support_plan_agree(plan=plan, actor=request.user)
    except NotAllowed as exc:
        raise PermissionDenied from exc
    messages.success(request, "Support plan agreed.")
    return redirect("budgets:support-plan", pk=plan.person_id)


# ---- budgets: propose, view, approve, send back, withdraw, review, history -----------------------


def _parts_from(budget: PersonalBudget | None) -> list[dict]:
    """A new version starts from the current version's parts still running (without their references
    and end dates: each new part gets its own reference)."""
    if budget is None:
        return []
    day = budget.day_shown()
    return [
        {"management_type": a.management_type, "annual_amount": a.annual_amount, "provider": a.provider_id}
        for a in budget.arrangements.all()
        if a.is_active_on(day) or a.start_date > day
    ]


def _not_checked_yet(form, formset) -> None:
    """Show bound forms with what was typed but no errors (Django checks bound forms when asked)."""
    form._errors = ErrorDict()
    formset._errors, formset._non_form_errors = [], formset.error_class()
    for f in formset:
        f._errors = ErrorDict()


def _with_another_part(data) -> dict:
    data = data.copy()
    total = int(data.get("arr-TOTAL_FORMS") or 0)
    data["arr-TOTAL_FORMS"] = str(min(total + 1, ArrangementFormSet.absolute_max))
    return data


@login_required
def budget_propose(request: HttpRequest, pk: int) -> HttpResponse:
    person = _commissioned_person(request, pk)
    assessment = person.assessments.first()
    current = current_budget_for(person=person) or upcoming_budget_for(person=person)
    adding = request.method == "POST" and "add_part" in request.POST
    data = (
        _with_another_part(request.POST) if adding else (request.POST if request.method == "POST" else None)
    )
    form = BudgetProposalForm(data)
    initial = _parts_from(current) or [{}]
    formset = ArrangementFormSet(data, prefix="arr", initial=None if data else initial)
    if not data:
        formset.extra = 0
    if adding:
        # Only another empty part: nothing is checked or saved yet, and nothing typed is lost.
        _not_checked_yet(form, formset)
    elif request.method == "POST":
        form_ok, parts_ok = form.is_valid(), formset.is_valid()
        if form_ok and parts_ok:
            parts = [
                services.ArrangementInput(
                    management_type=f.cleaned_data["management_type"],
                    annual_amount=f.cleaned_data["annual_amount"],
                    provider=f.cleaned_data.get("provider"),
                    end_date=f.cleaned_data.get("end_date"),
                    budget_ref=f.cleaned_data.get("budget_ref", "").strip(),
                    management_cost_amount=f.cleaned_data.get("management_cost_amount"),
                    management_cost_percent=f.cleaned_data.get("management_cost_percent"),
                )
                for f in formset
                if f.cleaned_data and not f.is_blank
            ]
            try:
                budget = services.budget_propose(
                    person=person,
                    start_date=form.cleaned_data["start_date"],
                    review_due=form.cleaned_data["review_due"],
                    difference_reason=form.cleaned_data["difference_reason"],
                    arrangements=parts,
                    assessment=assessment,
                    support_plan=latest_agreed_plan(person),
                    actor=request.user,
                )
            except BudgetError as exc:
                field = getattr(exc, "field", None)
                for message in exc.messages:
                    form.add_error(field, message)
            else:
                messages.success(request, "Budget proposed. An approver will look at it next.")
                return redirect("budgets:budget", pk=budget.pk)
    return render(
        request,
        "budgets/budget_form.html",
        {
            "person": person,
            "form": form,
            "formset": formset,
            "assessment": assessment,
            "current": current,
            "preference": person.holding_preferences.first(),
            "adding": adding,
        },
    )


def _budget_context(request, budget: PersonalBudget, **extra) -> dict:
    person = budget.person
    user = request.user
    limit = approval_limit_of(user=user, council=person.council)
    total_day = budget.day_shown()
    total = budget.total_on(total_day)
    is_approver = is_approver_for(user=user, council_id=person.council_id)
    return {
        "budget": budget,
        "person": person,
        "arrangements": budget.arrangements.select_related("provider"),
        "total": total,
        "total_day": total_day,
        "today": services.today(),
        "is_approver": is_approver,
        "is_commissioner": is_commissioner_for(user=user, council_id=person.council_id),
        "own_proposal": budget.proposed_by_id == user.pk,
        "limit": limit,
        "over_limit": limit is None or budget.highest_total > limit,
        "approval_elsewhere": services.approval_elsewhere(budget) if is_approver else "",
        "send_back_form": extra.pop("send_back_form", SendBackForm()),
        "reviews": budget.reviews.select_related("reviewed_by"),
        "family_response": budget.from_review.responses.select_related("user").first()
        if budget.from_review_id
        else None,
        **extra,
    }


@login_required
def budget_view(request: HttpRequest, pk: int) -> HttpResponse:
    budget = _budget(request, pk)
    if not can_view_casework(user=request.user, person=budget.person):
        raise PermissionDenied
    return render(request, "budgets/budget.html", _budget_context(request, budget))


@login_required
@require_POST
def budget_approve(request: HttpRequest, pk: int) -> HttpResponse:
    budget = _budget(request, pk)
    try:
        services.budget_approve(budget=budget, actor=request.user)
    except NotAllowed as exc:
        raise PermissionDenied from exc
    except BudgetError as exc:
        context = _budget_context(request, budget, approve_error=str(exc))
        return render(request, "budgets/budget.html", context, status=409)
    messages.success(request, f"Budget for {budget.person} approved.")
    if request.POST.get("next") == "queue":
        return redirect("budgets:approval-queue")
    return redirect("budgets:budget", pk=budget.pk)


@login_required
def budget_send_back(request: HttpRequest, pk: int) -> HttpResponse:
    budget = _budget(request, pk)
    if not is_approver_for(user=request.user, council_id=budget.person.council_id):
        raise PermissionDenied
    form = SendBackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_send_back(budget=budget, actor=request.user, reason=form.cleaned_data["reason"])
        except BudgetError as exc:
            form.add_error("reason", str(exc))
        else:
            messages.success(request, f"Budget for {budget.person} sent back to the commissioner.")
            return redirect("budgets:approval-queue")
    return render(
        request, "budgets/send_back.html", {"budget": budget, "person": budget.person, "form": form}
    )


@login_required
@require_POST
def budget_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    budget = _budget(request, pk)
    try:
        services.budget_withdraw(budget=budget, actor=request.user)
    except NotAllowed as exc:
        raise PermissionDenied from exc
    except BudgetError as exc:
        return render(
            request, "budgets/budget.html", _budget_context(request, budget, approve_error=str(exc)), 409
        )
    messages.success(request, "Proposal withdrawn.")
    return redirect("budgets:person", pk=budget.person_id)


@login_required
def budget_history(request: HttpRequest, pk: int) -> HttpResponse:
    budget = _budget(request, pk)
    if not can_view_casework(user=request.user, person=budget.person):
        raise PermissionDenied
    objects = [budget, *budget.arrangements.all(), *budget.reviews.all()]
    entries = [in_words(entry) for entry in history_for_many(objects)]
    return render(
        request, "budgets/history.html", {"budget": budget, "person": budget.person, "entries": entries}
    )


# ---- approver queue, reviews due ------------------------------------------------------------------


@login_required
def approval_queue_view(request: HttpRequest) -> HttpResponse:
    _require_role(request, Role.APPROVER)
    # The count, the total and the limits of the whole queue in one query; then the page's proposals
    # (50 a page, oldest first), each with the approver's limit in its council. The paginator needs
    # only the count (the page's proposals are read below), so it pages numbers, not a query that
    # would be built for nothing (issue 14).
    count, total, limits = approval_queue_summary(user=request.user)
    page = page_of(request, range(count), APPROVALS_PER_PAGE, count=count)
    bottom = (page.number - 1) * APPROVALS_PER_PAGE
    proposals = (
        approval_queue_page(user=request.user, bottom=bottom, top=bottom + APPROVALS_PER_PAGE)
        if count
        else []
    )
    for budget in proposals:
        budget.own = budget.proposed_by_id == request.user.pk
        budget.over_limit = budget.approval_limit is None or budget.highest_total > budget.approval_limit
    uploads = batches_waiting_list(user=request.user)
    for batch in uploads:
        batch.own = batch.uploaded_by_id == request.user.pk
    return render(
        request,
        "budgets/approval_queue.html",
        {
            "proposals": proposals,
            "page": page,
            "count": count,
            "total": total,
            "limits": limits,
            "uploads": uploads,
        },
    )


APPROVALS_PER_PAGE = 50


@login_required
def reviews_due_view(request: HttpRequest) -> HttpResponse:
    _require_role(request, Role.COMMISSIONER)
    due = list(reviews_due(user=request.user))
    today = services.today()
    for budget in due:
        budget.overdue = budget.review_due < today
    return render(request, "budgets/reviews_due.html", {"due": due, "today": today})
