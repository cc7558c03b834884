"""A council's resource allocation settings pages, for its council administrators.

Scoped by `organisations.selectors.council_to_set_up` (another council: 404; a council the user sees
but does not administer: 403); a question or adjustment is looked up only within that council, so
another council's id is a 404 too. Every change goes through budgets/allocation_settings.py (audited).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from organisations.selectors import council_to_set_up

from . import allocation_settings as settings_services
from .models import AllocationAdjustment, AllocationQuestion, AllocationQuestionnaire
from .settings_forms import AdjustmentForm, OptionFormSet, PriceForm, QuestionForm


def _questionnaire(council) -> AllocationQuestionnaire | None:
    return AllocationQuestionnaire.objects.filter(council=council).first()


@login_required
def overview(request: HttpRequest, code: str) -> HttpResponse:
    council = council_to_set_up(user=request.user, code=code)
    questionnaire = _questionnaire(council)
    context = {"council": council, "questionnaire": questionnaire, "questions": [], "adjustments": []}
    if questionnaire is not None:
        context["questions"] = list(questionnaire.questions.prefetch_related("options"))
        context["adjustments"] = list(questionnaire.adjustments.all())
    return render(request, "budgets/settings/allocation.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def price(request: HttpRequest, code: str) -> HttpResponse:
    council = council_to_set_up(user=request.user, code=code)
    questionnaire = _questionnaire(council)
    initial = (
        {"price_per_point": questionnaire.price_per_point, "introduction": questionnaire.introduction}
        if questionnaire
        else {}
    )
    form = PriceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            settings_services.allocation_price_set(council=council, actor=request.user, **form.cleaned_data)
        except settings_services.AllocationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The price per point is saved.")
            return redirect("allocation:overview", code=council.gss_code)
    return render(request, "budgets/settings/price.html", {"council": council, "form": form})


def _options(formset) -> list[settings_services.OptionInput]:
    return [
        settings_services.OptionInput(label=f.cleaned_data["label"], points=f.cleaned_data["points"])
        for f in formset.forms
        if f.cleaned_data.get("label", "").strip()
    ]


@login_required
@require_http_methods(["GET", "POST"])
def question(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    """Add a question (no pk), or change or remove one of this council's questions."""
    council = council_to_set_up(user=request.user, code=code)
    existing = None
    if pk is not None:
        existing = get_object_or_404(AllocationQuestion.objects.filter(questionnaire__council=council), pk=pk)
    if request.method == "POST" and existing is not None and "remove" in request.POST:
        settings_services.allocation_question_remove(question=existing, actor=request.user)
        messages.success(request, f"The question '{existing.text}' is removed.")
        return redirect("allocation:overview", code=council.gss_code)
    initial = {}
    options_initial = []
    if existing is not None:
        initial = {"text": existing.text, "hint": existing.hint, "order": existing.order}
        options_initial = [{"label": o.label, "points": o.points} for o in existing.options.all()]
    else:
        questionnaire = _questionnaire(council)
        last = questionnaire.questions.order_by("-order").first() if questionnaire else None
        initial = {"order": (last.order + 1) if last else 0}
    post = request.POST if request.method == "POST" else None
    form = QuestionForm(post, initial=initial)
    formset = OptionFormSet(post, initial=options_initial, prefix="answers")
    if post is not None and form.is_valid() and formset.is_valid():
        try:
            settings_services.allocation_question_save(
                council=council,
                question=existing,
                options=_options(formset),
                actor=request.user,
                **form.cleaned_data,
            )
        except settings_services.AllocationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The question is saved.")
            return redirect("allocation:overview", code=council.gss_code)
    context = {"council": council, "form": form, "formset": formset, "existing": existing}
    return render(request, "budgets/settings/question.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def adjustment(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    """Add an adjustment (no pk), or change or remove one of this council's adjustments."""
    council = council_to_set_up(user=request.user, code=code)
    existing = None
    if pk is not None:
        existing = get_object_or_404(
            AllocationAdjustment.objects.filter(questionnaire__council=council), pk=pk
        )
    if request.method == "POST" and existing is not None and "remove" in request.POST:
        settings_services.allocation_adjustment_remove(adjustment=existing, actor=request.user)
        messages.success(request, f"The adjustment '{existing.label}' is removed.")
        return redirect("allocation:overview", code=council.gss_code)
    initial = {}
    if existing is not None:
        initial = {
            name: getattr(existing, name)
            for name in ("label", "family_wording", "percent", "amount", "order")
        }
    form = AdjustmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            settings_services.allocation_adjustment_save(
                council=council, adjustment=existing, actor=request.user, **form.cleaned_data
            )
        except settings_services.AllocationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The adjustment is saved.")
            return redirect("allocation:overview", code=council.gss_code)
    return render(
        request, "budgets/settings/adjustment.html", {"council": council, "form": form, "existing": existing}
    )
