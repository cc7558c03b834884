"""Pages: the public directory, choosing a provider, the provider's own pages and the commissioner's list of
choices (flexible agreements are in `agreement_views`).

Thin views: parse a form, authorise through a scoped selector (outside the user's scope: 404; visible
but not theirs to act on: 403), call one service, render or redirect. A ProviderError goes back onto
the form.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from budgets.selectors import people_for_casework, people_represented_by
from organisations.models import Provider, Role
from organisations.paging import page_of
from organisations.selectors import roles_of

from . import services
from .forms import (
    AskProviderForm,
    DecideRequestForm,
    DirectoryFilterForm,
    ProfileForm,
    RecordChoiceForm,
    ShortlistForm,
)
from .models import AgreementStatus, ChoiceMade, ChoiceStatus, ProviderChoice
from .sections import compare_rows, detail_sections
from .selectors import (
    COMPARE_AT_MOST,
    acts_for,
    agreements_visible_to,
    choices_visible_to,
    client_group_labels,
    directory_councils,
    directory_languages,
    directory_profile,
    directory_profiles,
    element_statements,
    is_commissioner_for,
    is_manager_of,
    isf_years_label,
    managed_direct_payments_of,
    providers_staffed_by,
    providers_to_choose_for,
    where_a_choice_is_up_to,
)
from .services import ProviderError

# ---- the public directory --------------------------------------------------------------------------


DIRECTORY_PER_PAGE = 20


def directory(request: HttpRequest) -> HttpResponse:
    """Find a provider: filters as a plain GET form; with htmx only the results are swapped."""
    form = DirectoryFilterForm(
        request.GET or None, councils=directory_councils(), languages=directory_languages()
    )
    page = page_of(request, directory_profiles(filters=form.filters()), DIRECTORY_PER_PAGE)
    for profile in page.object_list:
        profile.group_labels = client_group_labels(profile)  # who they serve, shown on each result
    context = {
        "form": form,
        "page": page,
        "profiles": page.object_list,
        "compare_at_most": COMPARE_AT_MOST,
        "filtered": bool(request.GET),
    }
    template = "providers/directory.html#results" if request.htmx else "providers/directory.html"
    return render(request, template, context)


def _profile_or_404(provider_id: int):
    profile = directory_profile(provider_id=provider_id)
    if profile is None:
        raise Http404("No such provider in the directory.")
    return profile


def provider_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _profile_or_404(pk)
    people = people_represented_by(user=request.user)
    choices = {}
    if people.exists():
        for choice in ProviderChoice.objects.filter(
            person__in=people, provider=profile.provider, status__in=ChoiceStatus.values
        ).exclude(status=ChoiceStatus.WITHDRAWN):
            choices[choice.person_id] = choice
    return render(
        request,
        "providers/detail.html",
        {
            "profile": profile,
            "statements": element_statements(profile),
            "groups": client_group_labels(profile),
            "can_choose": people.exists(),
            "people": people,
            "choices": choices,
            "isf_years": isf_years_label(profile),
            "sections": detail_sections(profile=profile, request=request),
        },
    )


def compare(request: HttpRequest) -> HttpResponse:
    ids = []
    for raw in request.GET.getlist("p"):
        if raw.isdigit() and int(raw) not in ids:
            ids.append(int(raw))
    too_many = len(ids) > COMPARE_AT_MOST
    profiles = [p for p in (directory_profile(provider_id=i) for i in ids[:COMPARE_AT_MOST]) if p]
    rows = []
    for profile in profiles:
        rows.append(
            {
                "profile": profile,
                "statements": {s["code"]: s for s in element_statements(profile)},
                "groups": client_group_labels(profile),
                "isf_years": isf_years_label(profile),
            }
        )
    from .elements import ELEMENTS

    return render(
        request,
        "providers/compare.html",
        {
            "rows": rows,
            "too_many": too_many,
            "elements": ELEMENTS,
            "compare_at_most": COMPARE_AT_MOST,
            "extra_rows": compare_rows(profiles=profiles),
        },
    )


# ---- choosing (the person or their representative) -------------------------------------------------


def _family_people(request):
    people = people_represented_by(user=request.user)
    if not people.exists():
        raise PermissionDenied(
            "Only a person with a budget, or someone acting for them, can choose a provider."
        )
    return people


@login_required
@require_POST
def shortlist(request: HttpRequest, pk: int) -> HttpResponse:
    people = _family_people(request)
    profile = _profile_or_404(pk)
    form = ShortlistForm(request.POST, people=people)
    person = form.cleaned_data.get("person") if form.is_valid() else None
    person = person or people.first()
    services.shortlist_provider(person=person, provider=profile.provider, actor=request.user)
    messages.success(request, f"{profile.provider.name} is on your shortlist.")
    return redirect("providers:your-choices")


@login_required
def ask(request: HttpRequest, pk: int) -> HttpResponse:
    people = _family_people(request)
    profile = _profile_or_404(pk)
    form = AskProviderForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            services.ask_provider(
                person=form.cleaned_data["person"],
                provider=profile.provider,
                message=form.cleaned_data["message"],
                actor=request.user,
            )
        except ProviderError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"We have asked {profile.provider.name} to support you. "
                "They will answer here, usually within two weeks.",
            )
            return redirect("providers:your-choices")
    return render(request, "providers/ask.html", {"form": form, "profile": profile})


@login_required
def your_choices(request: HttpRequest) -> HttpResponse:
    people = _family_people(request)
    choices = (
        ProviderChoice.objects.filter(person__in=people)
        .exclude(status=ChoiceStatus.WITHDRAWN)
        .select_related("provider", "person")
        .prefetch_related("agreements")
        .order_by("person", "-updated_at")
    )
    for choice in choices:
        choice.up_to = where_a_choice_is_up_to(choice)
    agreements = (
        agreements_visible_to(user=request.user)
        .filter(person__in=people)
        .exclude(status__in=[AgreementStatus.WITHDRAWN, AgreementStatus.DECLINED])
    )
    shortlisted = [c for c in choices if c.status == ChoiceStatus.SHORTLISTED]
    return render(
        request,
        "providers/your_choices.html",
        {
            "choices": choices,
            "shortlisted": shortlisted,
            "agreements": agreements,
            "compare_at_most": COMPARE_AT_MOST,
        },
    )


@login_required
@require_POST
def choice_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    choice = get_object_or_404(choices_visible_to(user=request.user), pk=pk)
    if not acts_for(user=request.user, person=choice.person):
        raise PermissionDenied
    try:
        services.withdraw_choice(choice=choice, actor=request.user)
    except ProviderError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"You have taken {choice.provider.name} off your list.")
    return redirect("providers:your-choices")


# ---- the provider's own pages ----------------------------------------------------------------------


def _staffed_provider(request) -> Provider:
    """The provider whose pages these are: ?provider=<id> among the user's, else their first."""
    providers = providers_staffed_by(user=request.user)
    if not providers.exists():
        raise PermissionDenied("Only a provider's staff can open this page.")
    wanted = request.GET.get("provider") or request.POST.get("provider")
    if wanted and wanted.isdigit():
        return get_object_or_404(providers, pk=int(wanted))
    return providers.order_by("name").first()


@login_required
def provider_home(request: HttpRequest) -> HttpResponse:
    provider = _staffed_provider(request)
    profile = getattr(provider, "profile", None) if hasattr(provider, "profile") else None
    visible = choices_visible_to(user=request.user).filter(provider=provider)
    agreements = agreements_visible_to(user=request.user).filter(provider=provider)
    return render(
        request,
        "providers/provider_home.html",
        {
            "provider": provider,
            "profile": profile,
            "waiting": visible.filter(status=ChoiceStatus.REQUESTED).count(),
            "to_accept": [a for a in agreements if a.awaiting_provider],
            "agreements": agreements.filter(
                status__in=[AgreementStatus.ACTIVE, AgreementStatus.ENDING, AgreementStatus.OFFERED]
            ),
            "is_manager": is_manager_of(user=request.user, provider_id=provider.pk),
            "managed_dps": managed_direct_payments_of(provider=provider, on=timezone.localdate()),
        },
    )


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    provider = _staffed_provider(request)
    if not is_manager_of(user=request.user, provider_id=provider.pk):
        raise PermissionDenied("Only the provider's managers can change its profile.")
    profile = services.ensure_profile(provider=provider) if request.method == "POST" else None
    from .models import ProviderProfile

    current = (
        profile
        or ProviderProfile.objects.filter(provider=provider).first()
        or ProviderProfile(provider=provider)
    )
    form = ProfileForm(request.POST or None, initial=ProfileForm.initial_from(current))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(
                provider=provider,
                values=form.values(),
                council_areas=list(form.cleaned_data["council_areas"]),
                actor=request.user,
            )
        except ProviderError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Your profile is updated. Families see the changes now.")
            return redirect("providers:provider-home")
    return render(request, "providers/profile_edit.html", {"form": form, "provider": provider})


@login_required
def provider_requests(request: HttpRequest) -> HttpResponse:
    provider = _staffed_provider(request)
    choices = choices_visible_to(user=request.user).filter(provider=provider).order_by("-requested_at")
    return render(
        request,
        "providers/provider_requests.html",
        {
            "provider": provider,
            "waiting": [c for c in choices if c.status == ChoiceStatus.REQUESTED],
            "answered": [c for c in choices if c.status != ChoiceStatus.REQUESTED],
        },
    )


@login_required
def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    choice = get_object_or_404(choices_visible_to(user=request.user), pk=pk)
    if not roles_of(user=request.user).providers_with(Role.PROVIDER_MANAGER, Role.PROVIDER_FINANCE) & {
        choice.provider_id
    }:
        raise PermissionDenied
    can_decide = is_manager_of(user=request.user, provider_id=choice.provider_id)
    form = DecideRequestForm(request.POST or None)
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied("Only the provider's managers can answer a request.")
        if form.is_valid():
            try:
                if form.cleaned_data["decision"] == "accept":
                    services.accept_choice(choice=choice, actor=request.user)
                    messages.success(
                        request,
                        f"You have accepted {choice.person}. Their council will now set up the agreement.",
                    )
                else:
                    services.decline_choice(
                        choice=choice, reason=form.cleaned_data["reason"], actor=request.user
                    )
                    messages.success(request, f"You have declined {choice.person}. They have been told why.")
            except ProviderError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("providers:provider-requests")
    return render(
        request, "providers/request_decide.html", {"choice": choice, "form": form, "can_decide": can_decide}
    )


# ---- the commissioner ------------------------------------------------------------------------------


def _require_commissioner(request):
    if not roles_of(user=request.user).councils_with(Role.COMMISSIONER):
        raise PermissionDenied("Only a commissioner can open this page.")


@login_required
def commissioner_choices(request: HttpRequest) -> HttpResponse:
    _require_commissioner(request)
    councils = roles_of(user=request.user).councils_with(Role.COMMISSIONER)
    choices = (
        choices_visible_to(user=request.user)
        .filter(person__council_id__in=councils, status__in=[ChoiceStatus.ACCEPTED, ChoiceStatus.REQUESTED])
        .order_by("status", "-decided_at")
    )
    rows = []
    for choice in choices:
        agreement = choice.agreements.exclude(
            status__in=[AgreementStatus.DECLINED, AgreementStatus.WITHDRAWN]
        ).first()
        recorded = choice.status == ChoiceStatus.REQUESTED and choice.made != ChoiceMade.ONLINE
        ready = (choice.status == ChoiceStatus.ACCEPTED or recorded) and (
            services.isf_arrangements_for(person=choice.person, provider=choice.provider).exists()
            or services.agreement_being_left(person=choice.person, provider=choice.provider) is not None
        )
        rows.append({"choice": choice, "agreement": agreement, "ready": ready})
    ending = agreements_visible_to(user=request.user).filter(
        council_id__in=councils, status=AgreementStatus.ENDING
    )
    return render(request, "providers/commissioner_choices.html", {"rows": rows, "ending": ending})


@login_required
def choice_record(request: HttpRequest, pk: int) -> HttpResponse:
    """The commissioner records a choice made by phone, on paper or at a meeting."""
    person = get_object_or_404(people_for_casework(user=request.user), pk=pk)
    if not is_commissioner_for(user=request.user, agreement_or_person=person):
        raise PermissionDenied
    form = RecordChoiceForm(
        request.POST if request.method == "POST" else None,
        providers=providers_to_choose_for(person=person),
    )
    if request.method == "POST" and form.is_valid():
        try:
            choice = services.record_choice(person=person, actor=request.user, **form.cleaned_data)
        except ProviderError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"{choice.provider.name} has been asked to accept {person}. You can set up the agreement now "
                "if the budget with an Individual Service Fund is approved.",
            )
            return redirect("providers:commissioner-choices")
    return render(request, "providers/record_choice.html", {"form": form, "person": person})
