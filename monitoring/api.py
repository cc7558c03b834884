"""The monitoring API. Paths are mounted under /api/. Same services and selectors as the pages."""

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from . import services
from .models import MonitoringReturn, ReturnJob
from .periods import PeriodError, check_started, parse_period
from .selectors import councils_user_may_request_for, jobs_visible_to, returns_visible_to
from .views import download_response


class ReturnSerializer(serializers.ModelSerializer):
    council = serializers.CharField(source="council.gss_code")
    requested_by = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=["provisional", "final"], read_only=True)

    class Meta:
        model = MonitoringReturn
        fields = [
            "id",
            "council",
            "period",
            "status",
            "period_start",
            "period_end",
            "version",
            "created_at",
            "requested_by",
            "checksum",
            "published_at",
        ]

    def get_requested_by(self, obj) -> str | None:
        return obj.requested_by.email if obj.requested_by else None


class JobSerializer(serializers.ModelSerializer):
    council = serializers.CharField(source="council.gss_code")
    monitoring_return = serializers.SerializerMethodField()
    waiting_for_job_service = serializers.BooleanField(
        read_only=True, help_text="Asked for while the job service was down: it starts when it is back."
    )
    message = serializers.SerializerMethodField()

    class Meta:
        model = ReturnJob
        fields = [
            "id",
            "council",
            "period",
            "status",
            "waiting_for_job_service",
            "message",
            "step",
            "attempts",
            "requested_at",
            "finished_at",
            "monitoring_return",
        ]

    def get_message(self, obj) -> str:
        if obj.waiting_for_job_service:
            return "Queued, will start when the job service is back."
        return obj.get_status_display()

    def get_monitoring_return(self, obj) -> int | None:
        try:
            return obj.monitoring_return.pk
        except MonitoringReturn.DoesNotExist:
            return None


class RequestSerializer(serializers.Serializer):
    council = serializers.CharField(help_text="The council's code, like E06000059")
    period = serializers.CharField(help_text="2026-27, or a quarter like 2026-27-Q1")

    def validate_period(self, value):
        try:
            period = parse_period(value)
            check_started(period, timezone.localdate())
            return period
        except PeriodError as exc:
            raise serializers.ValidationError(str(exc)) from exc


class ReturnList(ListAPIView):
    """Returns the caller may see: their council's (every council's, for a platform administrator)."""

    serializer_class = ReturnSerializer

    def get_queryset(self):
        return returns_visible_to(user=self.request.user)


class JobCreate(APIView):
    @extend_schema(
        request=RequestSerializer,
        responses={202: JobSerializer},
        summary="Ask for a council's return for a period (asking again while it is being made: same job)",
    )
    def post(self, request):
        serializer = RequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        councils = councils_user_may_request_for(user=request.user)
        if not councils.exists():
            raise PermissionDenied("Only a council's monitoring officers can ask for its return.")
        council = councils.filter(gss_code=serializer.validated_data["council"]).first()
        if council is None:
            raise NotFound()
        job = services.request_return(
            council=council, period=serializer.validated_data["period"], actor=request.user
        )
        job.refresh_from_db()  # sent to the job service (or not, if it is down) since it was made
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class JobDetail(APIView):
    @extend_schema(responses=JobSerializer, summary="How a requested return is getting on")
    def get(self, request, pk: int):
        return Response(JobSerializer(get_object_or_404(jobs_visible_to(user=request.user), pk=pk)).data)


class ReturnFigures(APIView):
    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        summary="A return's figures: the same JSON as `manage.py monitoring_return --format json`",
    )
    def get(self, request, pk: int):
        return Response(get_object_or_404(returns_visible_to(user=request.user), pk=pk).figures)


class ReturnFile(APIView):
    kind = "csv"

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)},
        summary="Download a return as a file",
    )
    def get(self, request, pk: int):
        qs = returns_visible_to(user=request.user)
        if self.kind == "pdf":
            qs = qs.defer(None)
        return download_response(get_object_or_404(qs, pk=pk), self.kind)


class ReturnCsv(ReturnFile):
    kind = "csv"


class ReturnPdf(ReturnFile):
    kind = "pdf"


class ReturnPublish(APIView):
    @extend_schema(
        request=None, responses=ReturnSerializer, summary="Publish a return so other councils can compare"
    )
    def post(self, request, pk: int):
        found = get_object_or_404(returns_visible_to(user=request.user), pk=pk)
        if not services.may_request_return(user=request.user, council=found.council):
            raise PermissionDenied("Only the council's monitoring officers can publish its return.")
        return Response(
            ReturnSerializer(services.publish_return(monitoring_return=found, actor=request.user)).data
        )


urlpatterns = [
    path("monitoring/returns/", ReturnList.as_view(), name="api-monitoring-returns"),
    path("monitoring/returns/<int:pk>/", ReturnFigures.as_view(), name="api-monitoring-return"),
    path("monitoring/returns/<int:pk>/csv/", ReturnCsv.as_view(), name="api-monitoring-return-csv"),
    path("monitoring/returns/<int:pk>/pdf/", ReturnPdf.as_view(), name="api-monitoring-return-pdf"),
    path(
        "monitoring/returns/<int:pk>/publish/", ReturnPublish.as_view(), name="api-monitoring-return-publish"
    ),
    path("monitoring/jobs/", JobCreate.as_view(), name="api-monitoring-jobs"),
    path("monitoring/jobs/<int:pk>/", JobDetail.as_view(), name="api-monitoring-job"),
]
