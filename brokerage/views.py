"""Brokerage pages: find a broker (anyone), ask for help without an account, the family's invitations
and the asks they confirm, the broker's people, and the commissioner's invitation with the family's
agreement. Thin: authorise through a scoped selector (outside it: 404; visible but not theirs: 403),
call one service, render or redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from budgets.history import in_words
from budgets.models import PlanStatus
from budgets.selectors import current_budget_for, people_represented_by, people_visible_to
from budgets.services import explain_assessment
from budgets.wording import FAMILY_WORDING
from organisations.audit import history_for_many
from organisations.models import Role
from organisations.selectors import roles_of
from providers.models import OPEN_CHOICE_STATUSES, OrganisationKind
from providers.selectors import COMPARE_AT_MOST, directory_profile, directory_profiles

from . import services
from .forms import (
    BrokerageFilterForm,
    BrokerAskForm,
    CommissionerInviteForm,
    EndInvitationForm,
    EnquiryForm,
    InviteForm,
    ShortlistForm,
)
from .models import AskStatus
from .selectors import (
    asks_visible_to,
    brokerage_councils,
    brokerage_languages,
    brokerage_profile,
    brokerage_profiles,
    brokerages,
    council_invitations,
    enquiries_for_broker,
    family_invitations,
    invitations_visible_to,
    live_invitation,
    live_invitations_for_broker,
    offer_of,
)
from .services import BrokerageError, NotAllowed

# ---- anyone: find a broker, ask one for help ------------------------------------------------------


def directory(request: HttpRequest) -> HttpResponse:
    form = BrokerageFilterForm(
        request.GET or None, councils=brokerage_councils(), languages=brokerage_languages()
    )
    filters = form.cleaned_data if form.is_valid() else {}
    profiles = list(
        brokerage_profiles(
            council=filters.get("council", ""),
            language=filters.get("language", ""),
            council_funded=filters.get("council_funded", False),
        )
    )
    for profile in profiles:
        profile.offer = getattr(profile.provider, "brokerage_offer", None)
    return render(request, "brokerage/directory.html", {"form": form, "profiles": profiles})


def enquire(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask a brokerage for help, with no account: for self-funders and anyone not known to a council."""
    profile = brokerage_profile(provider_id=pk)
    if profile is None:
        raise Http404("No such broker.")
    form = EnquiryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.send_enquiry(brokerage=profile.provider, **form.cleaned_data)
        except BrokerageError as exc:
            form.add_error(None, str(exc))
        else:
            return render(request, "brokerage/enquiry_sent.html", {"profile": profile})
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "brokerage/enquire.html",
        {"form": form, "profile": profile, "offer": offer_of(profile.provider)},
        status=status,
    )


# ---- the family ---------------------------------------------------------------------------------------


def _family_people(request):
    people = people_represented_by(user=request.user)
    if not people.exists():
        raise PermissionDenied("Only a person with a budget, or someone acting for them, can do this.")
    return people


@login_required
def family(request: HttpRequest) -> HttpResponse:
    """The family's page: who is helping them plan, until when, what the broker asks them to confirm."""
    _family_people(request)
    invitations = list(family_invitations(user=request.user))
    today = timezone.localdate()
    asks = list(
        asks_visible_to(user=request.user).filter(person__in=people_represented_by(user=request.user))
    )
    return render(
        request,
        "brokerage/family.html",
        {
            "live": [i for i in invitations if i.is_live_on(today)],
            "ended": [i for i in invitations if not i.is_live_on(today)],
            "waiting": [a for a in asks if a.status == AskStatus.WAITING],
            "answered": [a for a in asks if a.status != AskStatus.WAITING],
        },
    )


@login_required
def invite(request: HttpRequest) -> HttpResponse:
    people = _family_people(request)
    initial = {}
    wanted = request.GET.get("brokerage", "")
    if wanted.isdigit():
        initial["brokerage"] = int(wanted)
    form = InviteForm(request.POST or None, people=people, brokerages=brokerages(), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = services.invite(
                person=data["person"],
                brokerage=data["brokerage"],
                purpose=data["purpose"],
                until=data["until"],
                actor=request.user,
            )
        except BrokerageError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"{invitation.brokerage.name} can now help you. They can see your assessment, budget and "
                "plan, and nothing else. You can end this at any time.",
            )
            return redirect("brokerage:family")
    status = 400 if request.method == "POST" else 200
    return render(request, "brokerage/invite.html", {"form": form}, status=status)


@login_required
def invitation_end(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(invitations_visible_to(user=request.user), pk=pk)
    if not people_represented_by(user=request.user).filter(pk=invitation.person_id).exists():
        raise PermissionDenied
    form = EndInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.end_invitation(invitation=invitation, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(
            request,
            f"{invitation.brokerage.name} is no longer helping you. They cannot see your records now.",
        )
        return redirect("brokerage:family")
    return render(request, "brokerage/end.html", {"invitation": invitation, "form": form})


def _family_ask(request, pk: int):
    ask = get_object_or_404(asks_visible_to(user=request.user), pk=pk)
    if not people_represented_by(user=request.user).filter(pk=ask.person_id).exists():
        raise PermissionDenied
    return ask


@login_required
@require_POST
def ask_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    ask = _family_ask(request, pk)
    try:
        services.confirm_ask(ask=ask, actor=request.user)
    except BrokerageError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Sent. We have asked {ask.provider.name} to support you.")
    return redirect("brokerage:family")


@login_required
@require_POST
def ask_not_sent(request: HttpRequest, pk: int) -> HttpResponse:
    ask = _family_ask(request, pk)
    try:
        services.decline_ask(ask=ask, actor=request.user)
    except BrokerageError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Not sent. {ask.provider.name} has not been told anything.")
    return redirect("brokerage:family")


# ---- the broker -----------------------------------------------------------------------------------


def _require_broker(request) -> None:
    if not roles_of(user=request.user).is_broker:
        raise PermissionDenied("Only a support broker can open this page.")


def _invited_person(request, pk: int):
    """A person the broker is invited for: anyone else is a 404 to a broker (and a 403 to others
    who can see the person but are no broker)."""
    person = get_object_or_404(people_visible_to(user=request.user).select_related("council"), pk=pk)
    invitation = live_invitation(user=request.user, person=person)
    if invitation is None:
        if roles_of(user=request.user).is_broker:
            raise Http404
        raise PermissionDenied
    return person, invitation


@login_required
def broker_home(request: HttpRequest) -> HttpResponse:
    _require_broker(request)
    return render(
        request,
        "brokerage/broker_home.html",
        {
            "invitations": live_invitations_for_broker(user=request.user),
            "enquiries": enquiries_for_broker(user=request.user)[:50],
        },
    )


@login_required
def broker_person(request: HttpRequest, pk: int) -> HttpResponse:
    person, invitation = _invited_person(request, pk)
    assessment = person.assessments.first()
    budget = current_budget_for(person=person)
    parts = []
    if budget:
        day = budget.day_shown()
        parts = [
            {"arrangement": a, "words": FAMILY_WORDING[a.management_type]}
            for a in budget.arrangements.select_related("provider", "provider__profile")
            if a.is_active_on(day)
        ]
    plans = list(person.support_plans.select_related("drafted_by", "changed_by"))
    plan = plans[0] if plans else None
    history = [in_words(e) for e in history_for_many(plans)] if plans else []
    choices = list(person.provider_choices.filter(status__in=OPEN_CHOICE_STATUSES).select_related("provider"))
    asks = list(asks_visible_to(user=request.user).filter(person=person))
    waiting = {a.provider_id for a in asks if a.status == AskStatus.WAITING}
    for choice in choices:
        choice.ask_waiting = choice.provider_id in waiting
    providers = [p for p in directory_profiles() if p.organisation_kind != OrganisationKind.SUPPORT_BROKERAGE]
    return render(
        request,
        "brokerage/broker_person.html",
        {
            "person": person,
            "invitation": invitation,
            "assessment": assessment,
            "explanation": explain_assessment(assessment) if assessment else [],
            "budget": budget,
            "total": budget.total if budget else None,
            "parts": parts,
            "plan": plan,
            "plan_agreed": plan is not None and plan.status == PlanStatus.AGREED,
            "history": history,
            "choices": choices,
            "compare_ids": [c.provider_id for c in choices][:COMPARE_AT_MOST],
            "asks": asks,
            "providers": providers,
            "shortlist_form": ShortlistForm(),
        },
    )


@login_required
@require_POST
def broker_shortlist(request: HttpRequest, pk: int) -> HttpResponse:
    person, _ = _invited_person(request, pk)
    form = ShortlistForm(request.POST)
    if form.is_valid() and directory_profile(provider_id=form.cleaned_data["provider"].pk):
        provider = form.cleaned_data["provider"]
        try:
            services.shortlist_for(person=person, provider=provider, actor=request.user)
        except NotAllowed as exc:
            raise PermissionDenied from exc
        messages.success(request, f"{provider.name} is on {person}'s shortlist. The family sees it too.")
    else:
        messages.error(request, "Choose a provider from the list.")
    return redirect("brokerage:person", pk=person.pk)


@login_required
def broker_ask(request: HttpRequest, pk: int, provider_pk: int) -> HttpResponse:
    person, _ = _invited_person(request, pk)
    profile = directory_profile(provider_id=provider_pk)
    if profile is None:
        raise Http404("No such provider in the directory.")
    form = BrokerAskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.draft_ask(
                person=person,
                provider=profile.provider,
                message=form.cleaned_data["message"],
                actor=request.user,
            )
        except NotAllowed as exc:
            raise PermissionDenied from exc
        except BrokerageError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Your ask to {profile.provider.name} is waiting for {person} or their family to send it.",
            )
            return redirect("brokerage:person", pk=person.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "brokerage/broker_ask.html",
        {"form": form, "person": person, "profile": profile},
        status=status,
    )


# ---- the commissioner -----------------------------------------------------------------------------


@login_required
def commissioner_invite(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(people_visible_to(user=request.user).select_related("council"), pk=pk)
    if person.council_id not in roles_of(user=request.user).councils_with(Role.COMMISSIONER):
        raise PermissionDenied
    form = CommissionerInviteForm(request.POST or None, brokerages=brokerages())
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_for_family(person=person, actor=request.user, **form.cleaned_data)
        except BrokerageError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{form.cleaned_data['brokerage'].name} can now help {person}.")
            return redirect("budgets:person", pk=person.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "brokerage/commissioner_invite.html",
        {"form": form, "person": person, "invitations": council_invitations(person=person)},
        status=status,
    )
