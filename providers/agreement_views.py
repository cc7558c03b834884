"""Pages of flexible agreements: the commissioner sets one up from an accepted choice, everyone it
concerns reads it, the commissioner changes or withdraws it, the provider accepts or declines it, and the
person or the provider gives notice.

Thin views, as in `views`: authorise through a scoped selector (outside the user's scope: 404; visible but
not theirs to act on: 403), call one service, render or redirect.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from budgets.selectors import people_represented_by
from organisations.audit import history_for
from organisations.models import Role
from organisations.selectors import roles_of

from . import services
from .forms import AgreementTermsForm, NoticeForm, ReasonForm
from .models import AgreementStatus, FlexibleAgreement, NoticeFrom
from .plain import agreement_in_plain_english
from .selectors import (
    acts_for,
    agreements_visible_to,
    choices_visible_to,
    is_commissioner_for,
    is_manager_of,
    replacement_taking_over,
)
from .services import ProviderError

# ---- setting up an agreement ----------------------------------------------------------------------


@login_required
def agreement_new(request: HttpRequest, pk: int) -> HttpResponse:
    choice = get_object_or_404(choices_visible_to(user=request.user), pk=pk)
    if not is_commissioner_for(user=request.user, agreement_or_person=choice.person):
        raise PermissionDenied
    arrangements = services.isf_arrangements_for(person=choice.person, provider=choice.provider)
    replacing = services.agreement_being_left(person=choice.person, provider=choice.provider)
    profile = getattr(choice.provider, "profile", None) if hasattr(choice.provider, "profile") else None
    initial = {
        "payment_frequency_weeks": 4,
        "overdraft_limit": 0,
        "person_notice_days": 28,
        "provider_notice_days": 56,
    }
    if profile and profile.management_fee_fixed is not None:
        initial.update(fee_kind="fixed", management_fee_fixed=profile.management_fee_fixed)
    elif profile and profile.management_fee_percent is not None:
        initial.update(fee_kind="percent", management_fee_percent=profile.management_fee_percent)
    if replacing:
        initial["outcomes"] = replacing.outcomes
    form = AgreementTermsForm(
        request.POST or None, initial=initial, arrangements=arrangements, replacing=replacing
    )
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.set_up_agreement(
                choice=choice,
                terms=form.terms(),
                arrangement=form.cleaned_data.get("arrangement"),
                actor=request.user,
            )
        except ProviderError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"The agreement has been sent to {choice.provider.name} to accept.")
            return redirect("providers:agreement-detail", pk=agreement.pk)
    return render(
        request,
        "providers/agreement_form.html",
        {
            "form": form,
            "choice": choice,
            "replacing": replacing,
            "waiting_for_budget": not arrangements.exists() and not replacing,
        },
    )


@login_required
def agreements(request: HttpRequest) -> HttpResponse:
    roles = roles_of(user=request.user)
    family = people_represented_by(user=request.user).exists()
    if not (
        family
        or roles.platform_admin
        or roles.providers_with(Role.PROVIDER_MANAGER, Role.PROVIDER_FINANCE)
        or roles.councils_with(Role.COMMISSIONER, Role.APPROVER)
    ):
        raise PermissionDenied
    qs = agreements_visible_to(user=request.user).order_by("status", "end_date", "-start_date")
    status = request.GET.get("status", "")
    if status in AgreementStatus.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "providers/agreements.html",
        {"agreements": qs, "statuses": AgreementStatus.choices, "status": status},
    )


def _agreement(request, pk: int) -> FlexibleAgreement:
    return get_object_or_404(agreements_visible_to(user=request.user), pk=pk)


@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    is_family = acts_for(user=request.user, person=agreement.person)
    return render(
        request,
        "providers/agreement_detail.html",
        {
            "agreement": agreement,
            "plain": agreement_in_plain_english(agreement),
            "is_family": is_family,
            "is_commissioner": is_commissioner_for(user=request.user, agreement_or_person=agreement),
            "is_manager": is_manager_of(user=request.user, provider_id=agreement.provider_id),
            "versions": agreement.versions.select_related("created_by", "accepted_by"),
            "history": history_for(agreement),
            "replaced_by": replacement_taking_over(agreement),
            "decline_form": ReasonForm(),
            "today": timezone.localdate(),
        },
    )


@login_required
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    if not is_commissioner_for(user=request.user, agreement_or_person=agreement):
        raise PermissionDenied
    initial = {
        "fee_kind": "fixed" if agreement.management_fee_fixed is not None else "percent",
        "management_fee_percent": agreement.management_fee_percent,
        "management_fee_fixed": agreement.management_fee_fixed,
        "outcomes": agreement.outcomes,
        "payment_frequency_weeks": agreement.payment_frequency_weeks,
        "unspent_limit": agreement.unspent_limit,
        "overdraft_limit": agreement.overdraft_limit,
        "person_notice_days": agreement.person_notice_days,
        "provider_notice_days": agreement.provider_notice_days,
        "review_date": agreement.review_date,
    }
    form = AgreementTermsForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.change_agreement_terms(
                agreement=agreement,
                terms=form.terms(),
                reason=form.cleaned_data.get("reason", ""),
                actor=request.user,
            )
        except ProviderError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"The terms are saved as version {agreement.version}.")
            return redirect("providers:agreement-detail", pk=agreement.pk)
    return render(
        request, "providers/agreement_form.html", {"form": form, "agreement": agreement, "editing": True}
    )


def _manager_action(request, pk: int) -> FlexibleAgreement:
    agreement = _agreement(request, pk)
    if not is_manager_of(user=request.user, provider_id=agreement.provider_id):
        raise PermissionDenied
    return agreement


@login_required
@require_POST
def agreement_accept(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _manager_action(request, pk)
    try:
        services.accept_agreement(agreement=agreement, actor=request.user)
    except ProviderError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "You have accepted the agreement. The person and the council can see it.")
    return redirect("providers:agreement-detail", pk=agreement.pk)


@login_required
@require_POST
def agreement_decline(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _manager_action(request, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.decline_agreement(
                agreement=agreement, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ProviderError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "You have declined the agreement. The council has been told why.")
    else:
        messages.error(request, "Say why you cannot accept this agreement.")
    return redirect("providers:agreement-detail", pk=agreement.pk)


@login_required
@require_POST
def agreement_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    if not is_commissioner_for(user=request.user, agreement_or_person=agreement):
        raise PermissionDenied
    try:
        services.withdraw_agreement(agreement=agreement, actor=request.user)
    except ProviderError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The agreement has been withdrawn.")
    return redirect("providers:agreement-detail", pk=agreement.pk)


@login_required
def agreement_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The person (or their representative) or the provider gives notice to end the agreement."""
    agreement = _agreement(request, pk)
    if acts_for(user=request.user, person=agreement.person):
        notice_from = NoticeFrom.PERSON
    elif is_manager_of(user=request.user, provider_id=agreement.provider_id):
        notice_from = NoticeFrom.PROVIDER
    else:
        raise PermissionDenied
    today = timezone.localdate()
    earliest = (
        agreement.earliest_person_end_date(today)
        if notice_from == NoticeFrom.PERSON
        else agreement.earliest_provider_end_date(today)
    )
    form = NoticeForm(
        request.POST or None, earliest=earliest, reason_required=notice_from == NoticeFrom.PROVIDER
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.give_notice(
                agreement=agreement,
                notice_from=notice_from,
                end_date=form.cleaned_data["end_date"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ProviderError as exc:
            form.add_error(None, str(exc))
        else:
            agreement.refresh_from_db()
            if notice_from == NoticeFrom.PERSON:
                messages.success(
                    request,
                    f"Your agreement with {agreement.provider.name} ends on {agreement.end_date:%-d %B %Y}. "
                    "Now choose who you would like to support you next.",
                )
                return redirect(reverse("providers:directory") + "?offers_isf=on")
            messages.success(request, f"Notice given. The agreement ends on {agreement.end_date:%-d %B %Y}.")
            return redirect("providers:agreement-detail", pk=agreement.pk)
    return render(
        request,
        "providers/notice.html",
        {"form": form, "agreement": agreement, "notice_from": notice_from, "earliest": earliest},
    )
