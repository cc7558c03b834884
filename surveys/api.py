"""The surveys API. Paths are mounted under /api/. Read-only: the same selectors as the pages."""

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from .definitions import ensure_shipped_surveys
from .disclosure import outcome_reports, survey_reports
from .models import Option, Question, Response, Survey
from .selectors import (
    answers_by_code,
    can_see_reports,
    report_councils_of,
    responses_visible_to,
)


class OptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Option
        fields = ["code", "label"]


class QuestionSerializer(serializers.ModelSerializer):
    options = OptionSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = ["code", "text", "hint", "kind", "section", "options"]


class SurveySerializer(serializers.ModelSerializer):
    version = serializers.SerializerMethodField()
    questions = serializers.SerializerMethodField()

    class Meta:
        model = Survey
        fields = ["slug", "title", "audience", "description", "version", "questions"]

    def get_version(self, survey) -> int | None:
        version = survey.current_version()
        return version.number if version else None

    @extend_schema_field(QuestionSerializer(many=True))
    def get_questions(self, survey):
        version = survey.current_version()
        if version is None:
            return []
        questions = version.questions.filter(council__isnull=True).prefetch_related("options")
        return QuestionSerializer(questions, many=True).data


class ResponseSerializer(serializers.ModelSerializer):
    survey = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    person_ref = serializers.CharField(source="person.person_ref", default=None, read_only=True)
    provider_ref = serializers.CharField(source="provider.provider_ref", default=None, read_only=True)
    council = serializers.CharField(source="council.gss_code", default=None, read_only=True)
    management_class = serializers.CharField(read_only=True)
    answers = serializers.SerializerMethodField()

    class Meta:
        model = Response
        fields = [
            "id",
            "survey",
            "status",
            "channel",
            "person_ref",
            "provider_ref",
            "council",
            "respondent_ref",
            "management_types",
            "management_class",
            "submitted_at",
            "answers",
        ]

    def get_answers(self, response) -> dict[str, list[str]]:
        return answers_by_code(response=response)


class SurveyList(generics.ListAPIView):
    """The surveys and their current questions (shipped questions; councils' own are on their pages)."""

    serializer_class = SurveySerializer
    pagination_class = None

    def get_queryset(self):
        ensure_shipped_surveys()
        return Survey.objects.order_by("audience", "slug")


class SurveyReport(APIView):
    """Results for commissioners, monitoring officers (their council beside all councils) and platform
    admins (all councils). Each report is `{"respondents": N, "questions": {CODE: {"options": {OPTION:
    {"count": n, "percent": p}}}}}`; outcome surveys add the areas of life by management type."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, slug: str):
        if not can_see_reports(user=request.user):
            raise PermissionDenied("Only council commissioners and monitoring officers see survey results.")
        survey = get_object_or_404(Survey, slug=slug)
        councils = report_councils_of(user=request.user)
        chosen = request.query_params.get("council")
        council = next((c for c in councils if c.gss_code == chosen), councils[0] if councils else None)
        if not survey.is_outcome:
            council = None  # providers belong to no council: platform-wide only
        own, platform = survey_reports(survey=survey, council=council)
        body = {
            "survey": survey.slug,
            "council": council.gss_code if council else None,
            "own": own,
            "platform": platform,
        }
        if survey.is_outcome:
            own_outcomes, platform_outcomes = outcome_reports(council=council, slugs=[survey.slug])
            body["outcomes"] = {
                "own": _outcome_summary(own_outcomes) if own_outcomes else None,
                "platform": _outcome_summary(platform_outcomes),
            }
        return ApiResponse(body)


def _outcome_summary(report: dict) -> dict:
    return {
        "respondents": report["respondents"],
        "by_management_type": report["by_management_type"],
        "areas": {
            area["code"]: {
                cell["type"]: {k: cell[k] for k in ("better", "same", "worse")} for cell in area["by_type"]
            }
            for area in report["areas"]
        },
        "process_and_outcome": {
            link["code"]: [
                {
                    k: group[k]
                    for k in ("label", "respondents", "any_better", "better_answers", "area_answers")
                }
                for group in link["groups"]
            ]
            for link in report["links"]
        },
    }


class ResponseList(generics.ListAPIView):
    """Responses the user may see: their own, their council's, their organisation's self-assessments."""

    serializer_class = ResponseSerializer

    def get_queryset(self):
        return (
            responses_visible_to(user=self.request.user)
            .select_related("survey", "person", "provider", "council")
            .order_by("-pk")
        )


class ResponseDetail(generics.RetrieveAPIView):
    serializer_class = ResponseSerializer

    def get_queryset(self):
        return responses_visible_to(user=self.request.user).select_related(
            "survey", "person", "provider", "council"
        )


urlpatterns = [
    path("surveys/", SurveyList.as_view(), name="api-surveys"),
    path("surveys/<slug:slug>/report/", SurveyReport.as_view(), name="api-survey-report"),
    path("survey-responses/", ResponseList.as_view(), name="api-survey-responses"),
    path("survey-responses/<int:pk>/", ResponseDetail.as_view(), name="api-survey-response"),
]
