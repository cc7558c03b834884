"""Advice pages: open to everyone, signed in or not (self-funders included), except a council's own
local-contacts settings page, for its council administrators."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from organisations.models import Council
from organisations.selectors import council_to_set_up

from . import services
from .content import TOPICS
from .forms import CouncilChoiceForm, LocalContactForm, WaysToHoldForm
from .guidance import EXTRA_QUESTIONS, Answers, checklist, ways_to_hold
from .models import LocalContact
from .selectors import contacts_for, council_for_page, indicative_amount_for


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "advice/index.html", {"topics": TOPICS})


def _topic(slug: str) -> dict:
    topic = TOPICS.get(slug)
    if topic is None:
        raise Http404("No such page.")
    return topic


def _page_context(request, slug: str) -> dict:
    topic = _topic(slug)
    form = CouncilChoiceForm(request.GET or None, councils=Council.objects.order_by("name"))
    code = form.cleaned_data.get("council", "") if form.is_valid() else ""
    council = council_for_page(user=request.user, code=code)
    return {
        "slug": slug,
        "topic": topic,
        "form": form,
        "council": council,
        "contacts": contacts_for(council=council, topic=slug),
        "topics": TOPICS,
    }


def page(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "advice/page.html", _page_context(request, slug))


def easy_read(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "advice/easy_read.html", _page_context(request, slug))


def _answers(request) -> tuple[WaysToHoldForm, Answers]:
    form = WaysToHoldForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    amount = data.get("amount") or (indicative_amount_for(user=request.user) if not request.GET else None)
    return form, Answers(
        employ=data.get("employ", ""),
        paperwork=data.get("paperwork", ""),
        trusted_provider=data.get("trusted_provider", ""),
        amount=amount,
    )


def ways_to_hold_view(request: HttpRequest) -> HttpResponse:
    """A short guided comparison: the person's answers (a plain GET form) → which ways fit them."""
    form, answers = _answers(request)
    return render(
        request,
        "advice/ways_to_hold.html",
        {"form": form, "answers": answers, "ways": ways_to_hold(answers), "query": request.GET.urlencode()},
    )


def ways_to_hold_easy_read(request: HttpRequest) -> HttpResponse:
    form, answers = _answers(request)
    return render(
        request,
        "advice/ways_to_hold_easy_read.html",
        {
            "answers": answers,
            "ways": ways_to_hold(answers),
            "query": request.GET.urlencode(),
            "help_rows": [
                ("Two people side by side", "A broker can help you choose."),
                ("A person talking with a social worker", "Your social worker can help too."),
            ],
        },
    )


def questions_to_ask(request: HttpRequest) -> HttpResponse:
    """A checklist to print and take to a meeting with a provider."""
    return render(request, "advice/checklist.html", {"questions": checklist(), "extra": EXTRA_QUESTIONS})


# ---- a council's local contacts (its council administrators) ----------------------------------------


@login_required
def local_contacts(request: HttpRequest, code: str) -> HttpResponse:
    council = council_to_set_up(user=request.user, code=code)
    form = LocalContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact = services.contact_add(council=council, actor=request.user, **form.cleaned_data)
        messages.success(request, f"{contact.name} is now shown on the information pages.")
        return redirect("local_contacts:list", code=council.gss_code)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "advice/local_contacts.html",
        {"council": council, "form": form, "contacts": council.local_contacts.all()},
        status=status,
    )


@login_required
@require_POST
def local_contact_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    council = council_to_set_up(user=request.user, code=code)
    contact = get_object_or_404(LocalContact.objects.filter(council=council), pk=pk)
    services.contact_remove(contact=contact, actor=request.user)
    messages.success(request, f"{contact.name} is no longer shown.")
    return redirect("local_contacts:list", code=council.gss_code)
