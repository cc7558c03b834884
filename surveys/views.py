"""Survey pages: answering (one question a page, or all on one page), paper entry, the provider
self-assessment, council questions, and the results for commissioners and monitoring officers.

Views parse, authorise through a selector (another tenant's object → 404), call one service, render.
Every page works as plain GET/POST without JavaScript.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from budgets.selectors import people_represented_by, people_visible_to
from organisations.models import Role
from organisations.selectors import councils_where, providers_where, roles_of

from .definitions import OUTCOME_CARER, OUTCOME_SLUGS, PROVIDER_SELF_ASSESSMENT, ensure_shipped_surveys
from .disclosure import outcome_reports
from .forms import CouncilQuestionForm, PaperResponseForm, QuestionForm, WholeSurveyForm
from .models import Channel, Question, QuestionKind, Response, ResponseStatus, Survey
from .reports import render_pdf, report_context
from .selectors import (
    MANAGEMENT_CLASS_LABELS,
    answers_by_code,
    can_see_reports,
    latest_self_assessment,
    open_outcome_surveys_for,
    questions_for,
    report_councils_of,
    responses_editable_by,
    responses_visible_to,
)
from .services import (
    SurveyError,
    add_council_question,
    save_answers,
    start_or_continue_response,
    submit_response,
)

SAVED_MESSAGE = "Your answers are saved. You can come back at any time to finish."


def _survey(slug: str) -> Survey:
    survey = Survey.objects.filter(slug=slug).first()
    if survey is None:
        ensure_shipped_surveys()  # after a TRUNCATE (browser tests) the shipped rows may be gone
        survey = get_object_or_404(Survey, slug=slug)
    return survey


def _come_back_url(response: Response) -> str:
    """Where "save and come back later" goes: the page the respondent started from."""
    if response.provider_id:
        return reverse("surveys:provider-self-assessment")
    if response.channel == Channel.PAPER:
        return reverse("surveys:paper-new")
    return reverse("surveys:my-surveys")


def _summary(response: Response) -> list[dict]:
    """Each question with the labels of the answers given, for check and read-only pages."""
    given = answers_by_code(response=response)
    rows = []
    for question in questions_for(response=response):
        labels = {o.code: o.label for o in question.options.all()}
        rows.append(
            {
                "question": question,
                "answers": [labels[c] for c in given.get(question.code, []) if c in labels],
            }
        )
    return rows


# ---- people and families -------------------------------------------------------------------------


@login_required
def my_surveys(request: HttpRequest) -> HttpResponse:
    ensure_shipped_surveys()
    return render(request, "surveys/my_surveys.html", {"rows": open_outcome_surveys_for(user=request.user)})


@login_required
@require_POST
def start(request: HttpRequest, person_id: int, slug: str) -> HttpResponse:
    person = get_object_or_404(people_represented_by(user=request.user), pk=person_id)
    if slug not in OUTCOME_SLUGS or (slug == OUTCOME_CARER and person.user_id == request.user.pk):
        raise Http404
    response = start_or_continue_response(survey=_survey(slug), person=person, actor=request.user)
    if response.channel != Channel.ONLINE:
        messages.info(
            request, "Staff at your council are entering your paper form. Contact them to change it."
        )
        return redirect("surveys:my-surveys")
    if request.POST.get("all_on_one_page"):
        return redirect("surveys:whole-form", pk=response.pk)
    given = answers_by_code(response=response)
    questions = questions_for(response=response)
    first_unanswered = next((q for q in questions if q.code not in given), None)
    if first_unanswered is None:
        return redirect("surveys:check", pk=response.pk)
    return redirect("surveys:question", pk=response.pk, code=first_unanswered.code)


@login_required
@require_http_methods(["GET", "POST"])
def question(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    response = get_object_or_404(responses_editable_by(user=request.user).select_related("survey"), pk=pk)
    questions = questions_for(response=response)
    index = next((i for i, q in enumerate(questions) if q.code == code), None)
    if index is None:
        raise Http404
    this: Question = questions[index]
    current = answers_by_code(response=response).get(code, [])
    form = QuestionForm(request.POST or None, question=this, current=current)
    if request.method == "POST" and form.is_valid():
        save_answers(response=response, answers={code: form.codes()}, actor=request.user)
        if "save_and_return" in request.POST:
            messages.success(request, SAVED_MESSAGE)
            return redirect(_come_back_url(response))
        if request.GET.get("return") == "check" or index + 1 == len(questions):
            return redirect("surveys:check", pk=response.pk)
        return redirect("surveys:question", pk=response.pk, code=questions[index + 1].code)
    back = (
        reverse("surveys:question", args=[response.pk, questions[index - 1].code])
        if index
        else _come_back_url(response)
    )
    return render(
        request,
        "surveys/question.html",
        {
            "response": response,
            "question": this,
            "form": form,
            "number": index + 1,
            "total": len(questions),
            "back_url": back,
            "returning_to_check": request.GET.get("return") == "check",
            "multi": this.kind == QuestionKind.MULTIPLE,
            # A representative answering is told whom the questions are about.
            "about": (
                (response.person.name or response.person.person_ref)
                if response.person_id and response.person.user_id != request.user.pk
                else ""
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, pk: int) -> HttpResponse:
    response = get_object_or_404(responses_editable_by(user=request.user).select_related("survey"), pk=pk)
    error = None
    if request.method == "POST":
        try:
            submit_response(response=response, actor=request.user)
        except SurveyError as exc:
            error = str(exc)
        else:
            messages.success(request, "Thank you. Your answers have been sent.")
            return redirect("surveys:response", pk=response.pk)
    return render(
        request,
        "surveys/check.html",
        {"response": response, "rows": _summary(response), "error": error},
        status=409 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def whole_form(request: HttpRequest, pk: int) -> HttpResponse:
    response = get_object_or_404(
        responses_editable_by(user=request.user).select_related("survey", "person", "provider"), pk=pk
    )
    questions = questions_for(response=response)
    form = WholeSurveyForm(
        request.POST or None, questions=questions, current=answers_by_code(response=response)
    )
    if request.method == "POST" and form.is_valid():
        save_answers(response=response, answers=form.answers(), actor=request.user)
        if "save_and_return" in request.POST:
            messages.success(request, SAVED_MESSAGE)
            return redirect(_come_back_url(response))
        try:
            submit_response(response=response, actor=request.user)
        except SurveyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Thank you. The answers have been sent.")
            return redirect("surveys:response", pk=response.pk)
    return render(request, "surveys/whole_form.html", {"response": response, "form": form})


@login_required
def response_detail(request: HttpRequest, pk: int) -> HttpResponse:
    response = get_object_or_404(
        responses_visible_to(user=request.user).select_related("survey", "person", "provider"), pk=pk
    )
    editable = responses_editable_by(user=request.user).filter(pk=pk).exists()
    return render(
        request,
        "surveys/response.html",
        {
            "response": response,
            "rows": _summary(response),
            "editable": editable,
            "management_labels": [MANAGEMENT_CLASS_LABELS.get(t, t) for t in response.management_types],
        },
    )


# ---- staff ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def paper_new(request: HttpRequest) -> HttpResponse:
    """A commissioner enters a paper response for one of their council's people."""
    councils = councils_where(user=request.user, roles=(Role.COMMISSIONER,))
    if not councils.exists():
        raise PermissionDenied
    ensure_shipped_surveys()
    form = PaperResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = (
            people_visible_to(user=request.user)
            .filter(council__in=councils, person_ref=form.cleaned_data["person_ref"].strip())
            .first()
        )
        if person is None:
            form.add_error("person_ref", "We cannot find a person with that reference in your council.")
        else:
            response = start_or_continue_response(
                survey=form.cleaned_data["survey"], person=person, actor=request.user, channel=Channel.PAPER
            )
            if response.channel != Channel.PAPER:
                form.add_error(
                    "person_ref",
                    "This person has started this survey online. They can finish it there, "
                    "or send you the paper form once they have.",
                )
            else:
                return redirect("surveys:whole-form", pk=response.pk)
    unfinished = (
        Response.objects.filter(
            council__in=councils, channel=Channel.PAPER, status=ResponseStatus.IN_PROGRESS
        )
        .select_related("person", "survey")
        .order_by("-updated_at")
    )
    return render(request, "surveys/paper.html", {"form": form, "unfinished": unfinished})


@login_required
@require_http_methods(["GET", "POST"])
def provider_self_assessment(request: HttpRequest) -> HttpResponse:
    providers = list(providers_where(user=request.user, roles=(Role.PROVIDER_MANAGER,)))
    if not providers:
        raise PermissionDenied
    chosen = request.POST.get("provider") or request.GET.get("provider")
    provider = (
        next((p for p in providers if p.provider_ref == chosen), providers[0]) if chosen else providers[0]
    )
    survey = _survey(PROVIDER_SELF_ASSESSMENT)
    if request.method == "POST":
        response = start_or_continue_response(survey=survey, provider=provider, actor=request.user)
        return redirect("surveys:whole-form", pk=response.pk)
    latest = latest_self_assessment(provider=provider)
    draft = Response.objects.filter(
        survey=survey, provider=provider, status=ResponseStatus.IN_PROGRESS
    ).first()
    return render(
        request,
        "surveys/provider.html",
        {
            "provider": provider,
            "providers": providers,
            "latest": latest,
            "rows": _summary(latest) if latest else [],
            "draft": draft,
        },
    )


def _report_scope(request: HttpRequest):
    """The council whose results the user sees (None: platform-wide only, for a platform admin)."""
    if not can_see_reports(user=request.user):
        raise PermissionDenied
    councils = report_councils_of(user=request.user)
    if not councils:
        return None, councils
    chosen = request.GET.get("council")
    council = next((c for c in councils if c.gss_code == chosen), councils[0])
    return council, councils


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    council, councils = _report_scope(request)
    ensure_shipped_surveys()
    roles = roles_of(user=request.user)
    return render(
        request,
        "surveys/dashboard.html",
        {
            "council": council,
            "councils": councils,
            **dict(zip(("own", "platform"), outcome_reports(council=council), strict=True)),
            "surveys": Survey.objects.order_by("audience", "slug"),
            "can_enter_paper": bool(roles.councils_with(Role.COMMISSIONER)),
        },
    )


@login_required
def report(request: HttpRequest, slug: str) -> HttpResponse:
    council, councils = _report_scope(request)
    survey = _survey(slug)
    context = report_context(survey=survey, council=council)
    return render(request, "surveys/report.html", {**context, "councils": councils})


@login_required
def report_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    council, _ = _report_scope(request)
    survey = _survey(slug)
    pdf = render_pdf(context=report_context(survey=survey, council=council))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{survey.slug}-{council.gss_code if council else 'all'}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def council_questions(request: HttpRequest) -> HttpResponse:
    """Commissioners and monitoring officers add their council's own questions to the outcome surveys."""
    councils = list(councils_where(user=request.user, roles=(Role.COMMISSIONER, Role.MONITORING_OFFICER)))
    if not councils:
        raise PermissionDenied
    ensure_shipped_surveys()
    chosen = request.POST.get("council") or request.GET.get("council")
    council = next((c for c in councils if c.gss_code == chosen), councils[0])
    form = CouncilQuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            question = add_council_question(
                survey=form.cleaned_data["survey"],
                council=council,
                text=form.cleaned_data["text"],
                hint=form.cleaned_data["hint"],
                kind=form.cleaned_data["kind"],
                options=form.option_labels(),
                actor=request.user,
            )
        except SurveyError as exc:
            form.add_error("options", str(exc))
        else:
            messages.success(request, f"Your question has been added. Its code is {question.code}.")
            return redirect(f"{reverse('surveys:council-questions')}?council={council.gss_code}")
    own = (
        Question.objects.filter(council=council)
        .select_related("version__survey")
        .prefetch_related("options")
        .order_by("version__survey__audience", "order")
    )
    return render(
        request,
        "surveys/council_questions.html",
        {"form": form, "council": council, "councils": councils, "questions": own},
    )
