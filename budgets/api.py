"""The budgets API. Paths are mounted under /api/.

Scoped exactly as the pages are: a list shows what the caller's pages would show (their councils'
people for commissioners and approvers, themselves for a person or family, everything for a
platform admin); another tenant's object is a 404; visible but not the caller's to change is a 403.
Bad input is a 400 with field errors; a broken rule (own proposal, approval limit, already waiting)
is a 409 with a readable `detail`.
"""

import datetime as dt

import django_filters
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import ScopedPrimaryKeyRelatedField, ScopedSlugRelatedField, scoped_choices
from organisations.models import Council, Provider
from organisations.selectors import councils_where

from . import services
from .models import (
    AllocationQuestionnaire,
    Arrangement,
    Assessment,
    BudgetStatus,
    ManagementType,
    Person,
    PersonalBudget,
    Representative,
)
from .selectors import (
    arrangements_visible_to,
    budgets_for_casework,
    budgets_visible_to,
    people_for_casework,
    people_visible_to,
    providers_to_choose,
)

# ---- scopes of the related fields and filters (what the browsable API lists, what a write may pick) --


def _councils_to_add_people(*, user):
    return councils_where(user=user, roles=("commissioner",))


class BudgetFilter(django_filters.FilterSet):
    person = django_filters.ModelChoiceFilter(queryset=scoped_choices(people_for_casework, Person))

    class Meta:
        model = PersonalBudget
        fields = ["status", "person"]


class ArrangementFilter(django_filters.FilterSet):
    budget = django_filters.ModelChoiceFilter(queryset=scoped_choices(budgets_for_casework, PersonalBudget))

    class Meta:
        model = Arrangement
        fields = ["management_type", "budget"]


# ---- serializers ---------------------------------------------------------------------------------


class RepresentativeSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email")
    name = serializers.CharField(source="user.full_name")

    class Meta:
        model = Representative
        fields = ["email", "name", "relationship"]


class PersonSerializer(serializers.ModelSerializer):
    council = ScopedSlugRelatedField(slug_field="gss_code", scope=_councils_to_add_people, model=Council)
    representatives = RepresentativeSerializer(many=True, read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "council",
            "person_ref",
            "given_name",
            "family_name",
            "date_of_birth",
            "primary_support_reason",
            "postcode",
            "representatives",
        ]
        validators: list = []  # the service checks the reference is unique in the council (409)


class ArrangementSerializer(serializers.ModelSerializer):
    provider = ScopedSlugRelatedField(
        slug_field="provider_ref", scope=providers_to_choose, model=Provider, required=False, allow_null=True
    )
    annual_amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    start_date = serializers.DateField(required=False)

    class Meta:
        model = Arrangement
        fields = [
            "id",
            "management_type",
            "annual_amount",
            "start_date",
            "end_date",
            "provider",
            "budget_ref",
        ]
        read_only_fields = ["id"]
        extra_kwargs = {"budget_ref": {"required": False}}

    def validate(self, attrs):
        if attrs.get("management_type") in (
            ManagementType.ISF,
            ManagementType.DIRECT_PAYMENT_MANAGED,
        ) and not (attrs.get("provider")):
            raise serializers.ValidationError({"provider": "Needed for an isf or a direct_payment_managed."})
        return attrs


class PersonField(ScopedPrimaryKeyRelatedField):
    """Someone the caller cannot see is a 404, as their URL would be: the same 404 as an id that does
    not exist."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not str(data).isdigit() or int(data) >= 2**63:
            return super().to_internal_value(data)  # the usual 400 for a value that is not an id
        found = self.get_queryset().filter(pk=int(data)).first()
        if found is None:
            raise NotFound("Not found.")
        return found


class BudgetSerializer(serializers.ModelSerializer):
    person = PersonField(scope=people_visible_to, model=Person)
    arrangements = ArrangementSerializer(many=True)
    annual_total = serializers.SerializerMethodField(
        help_text="The sum of the arrangements active on annual_total_on, as stored."
    )
    annual_total_on = serializers.SerializerMethodField(
        help_text="Today; the start date of a version that has not started; the last day of one that ended."
    )
    proposed_by = serializers.EmailField(source="proposed_by.email", read_only=True, default=None)
    decided_by = serializers.EmailField(source="decided_by.email", read_only=True, default=None)

    class Meta:
        model = PersonalBudget
        fields = [
            "id",
            "person",
            "start_date",
            "status",
            "annual_total",
            "annual_total_on",
            "arrangements",
            "replaces",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "decision_reason",
            "review_due",
            "imported",
            "assessment",
        ]
        read_only_fields = [
            "status",
            "replaces",
            "proposed_at",
            "decided_at",
            "decision_reason",
            "imported",
            "assessment",
        ]
        extra_kwargs = {"review_due": {"required": False}}

    def get_annual_total(self, budget) -> str:
        return f"{budget.total:.2f}"

    def get_annual_total_on(self, budget) -> dt.date:
        return budget.day_shown()

    def validate_arrangements(self, value):
        if not value:
            raise serializers.ValidationError("Add at least one arrangement.")
        return value


class AssessmentSerializer(serializers.ModelSerializer):
    person = serializers.PrimaryKeyRelatedField(read_only=True)
    assessed_by = serializers.EmailField(source="assessed_by.email", read_only=True)
    explanation = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "person",
            "assessed_on",
            "assessed_by",
            "total_points",
            "price_per_point",
            "indicative_amount",
            "agreed_amount",
            "departure_reason",
            "breakdown",
            "explanation",
        ]

    def get_explanation(self, assessment) -> list[str]:
        return services.explain_assessment(assessment)


class AssessmentAnswerSerializer(serializers.Serializer):
    question = serializers.IntegerField()
    option = serializers.IntegerField()


class AssessmentCreateSerializer(serializers.Serializer):
    answers = AssessmentAnswerSerializer(many=True)
    adjustments = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    agreed_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    departure_reason = serializers.CharField(required=False, allow_blank=True, default="")


class BudgetSendBackSerializer(serializers.Serializer):
    reason = serializers.CharField()


class AllocationOptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    points = serializers.IntegerField()


class AllocationQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    options = AllocationOptionSerializer(many=True, source="options.all")


class AllocationAdjustmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    percent = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)


class AllocationQuestionnaireSerializer(serializers.ModelSerializer):
    council = serializers.CharField(source="council.gss_code")
    questions = AllocationQuestionSerializer(many=True, source="questions.all")
    adjustments = AllocationAdjustmentSerializer(many=True, source="adjustments.all")

    class Meta:
        model = AllocationQuestionnaire
        fields = ["council", "price_per_point", "questions", "adjustments"]


# ---- helpers -------------------------------------------------------------------------------------


def _casework_person(request, pk) -> Person:
    person = get_object_or_404(people_visible_to(user=request.user), pk=pk)
    if not people_for_casework(user=request.user).filter(pk=person.pk).exists():
        raise PermissionDenied("You cannot see this person's budget records.")
    return person


def _visible_budget(request, pk) -> PersonalBudget:
    budget = get_object_or_404(
        budgets_visible_to(user=request.user).select_related("person"),
        pk=pk,
    )
    if not people_for_casework(user=request.user).filter(pk=budget.person_id).exists():
        raise PermissionDenied("You cannot see this budget.")
    return budget


def _call(fn, **kwargs):
    try:
        return fn(**kwargs)
    except services.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc


# ---- views ---------------------------------------------------------------------------------------


class PersonList(generics.ListCreateAPIView):
    """People whose records the caller may open. POST (commissioners) adds a person."""

    serializer_class = PersonSerializer
    filterset_fields = ["primary_support_reason", "person_ref"]

    def get_queryset(self):
        return (
            people_for_casework(user=self.request.user)
            .select_related("council")
            .prefetch_related("representatives__user")
        )

    def create(self, request, *args, **kwargs):
        # Someone who may add people nowhere is told so before their input is read.
        if not councils_where(user=request.user, roles=("commissioner",)).exists():
            raise PermissionDenied("Only a commissioner can add people.")
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = serializer.validated_data
        council = data["council"]
        if not councils_where(user=self.request.user, roles=("commissioner",)).filter(pk=council.pk).exists():
            raise PermissionDenied("Only a commissioner of this council can add people to it.")
        serializer.instance = _call(
            services.person_create,
            council=council,
            person_ref=data["person_ref"],
            given_name=data.get("given_name", ""),
            family_name=data.get("family_name", ""),
            date_of_birth=data["date_of_birth"],
            primary_support_reason=data["primary_support_reason"],
            postcode=data.get("postcode", ""),
            actor=self.request.user,
        )


class PersonDetail(APIView):
    @extend_schema(responses=PersonSerializer, summary="One person")
    def get(self, request, pk: int):
        return Response(PersonSerializer(_casework_person(request, pk)).data)


class PersonAssessments(APIView):
    """A person's assessments (newest first); POST (commissioners) records one."""

    @extend_schema(responses=AssessmentSerializer(many=True), summary="A person's assessments")
    def get(self, request, pk: int):
        person = _casework_person(request, pk)
        return Response(
            AssessmentSerializer(person.assessments.select_related("assessed_by"), many=True).data
        )

    @extend_schema(
        request=AssessmentCreateSerializer,
        responses={201: AssessmentSerializer},
        summary="Record an assessment and get the indicative budget",
    )
    def post(self, request, pk: int):
        person = _casework_person(request, pk)
        serializer = AssessmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        assessment = _call(
            services.assessment_create,
            person=person,
            answers={a["question"]: a["option"] for a in data["answers"]},
            adjustment_ids=data["adjustments"],
            agreed_amount=data.get("agreed_amount"),
            departure_reason=data["departure_reason"],
            actor=request.user,
        )
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)


class AssessmentDetail(APIView):
    @extend_schema(
        responses=AssessmentSerializer, summary="One assessment, with its plain-English explanation"
    )
    def get(self, request, pk: int):
        assessment = get_object_or_404(
            Assessment.objects.filter(person__in=people_visible_to(user=request.user)), pk=pk
        )
        _casework_person(request, assessment.person_id)
        return Response(AssessmentSerializer(assessment).data)


class BudgetList(generics.ListCreateAPIView):
    """Budget versions the caller may see, with their arrangements. POST (commissioners) proposes one;
    a new version for someone with an approved budget replaces it from its start date once approved."""

    serializer_class = BudgetSerializer
    filterset_class = BudgetFilter

    def get_queryset(self):
        return (
            PersonalBudget.objects.filter(person__in=people_for_casework(user=self.request.user))
            .select_related("proposed_by", "decided_by")
            .prefetch_related("arrangements__provider")
            .order_by("-start_date", "-pk")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        person = data["person"]
        with transaction.atomic():
            budget = _call(
                services.budget_propose,
                person=person,
                start_date=data["start_date"],
                review_due=data.get("review_due"),
                assessment=person.assessments.first(),
                arrangements=[
                    services.ArrangementInput(
                        management_type=a["management_type"],
                        annual_amount=a["annual_amount"],
                        provider=a.get("provider"),
                        start_date=a.get("start_date"),
                        end_date=a.get("end_date"),
                        budget_ref=a.get("budget_ref", ""),
                    )
                    for a in data["arrangements"]
                ],
                actor=request.user,
            )
        return Response(self.get_serializer(budget).data, status=status.HTTP_201_CREATED)


class BudgetDetail(APIView):
    @extend_schema(responses=BudgetSerializer, summary="One budget version and its arrangements")
    def get(self, request, pk: int):
        return Response(BudgetSerializer(_visible_budget(request, pk), context={"request": request}).data)


class BudgetApprove(APIView):
    @extend_schema(
        request=None,
        responses={200: BudgetSerializer},
        summary="Approve a proposed budget (not your own; within your approval limit)",
    )
    def post(self, request, pk: int):
        budget = _call(services.budget_approve, budget=_visible_budget(request, pk), actor=request.user)
        return Response(BudgetSerializer(budget, context={"request": request}).data)


class BudgetSendBack(APIView):
    @extend_schema(
        request=BudgetSendBackSerializer, responses={200: BudgetSerializer}, summary="Send a proposal back"
    )
    def post(self, request, pk: int):
        budget = _visible_budget(request, pk)
        serializer = BudgetSendBackSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        budget = _call(
            services.budget_send_back,
            budget=budget,
            actor=request.user,
            reason=serializer.validated_data["reason"],
        )
        return Response(BudgetSerializer(budget, context={"request": request}).data)


class ArrangementList(generics.ListAPIView):
    """Arrangements of the budgets the caller may see. `?counted=true` keeps only approved versions'."""

    serializer_class = ArrangementSerializer
    filterset_class = ArrangementFilter

    def get_queryset(self):
        qs = arrangements_visible_to(user=self.request.user).select_related("provider")
        if self.request.query_params.get("counted") == "true":
            qs = qs.filter(budget__status=BudgetStatus.APPROVED)
        return qs.order_by("pk")


class QuestionnaireList(generics.ListAPIView):
    """The resource allocation questionnaires of the caller's councils (the ids an assessment needs)."""

    serializer_class = AllocationQuestionnaireSerializer

    def get_queryset(self):
        from .selectors import case_councils_of

        return AllocationQuestionnaire.objects.filter(
            council_id__in=case_councils_of(user=self.request.user)
        ).order_by("council__name")


urlpatterns = [
    path("people/", PersonList.as_view(), name="api-people"),
    path("people/<int:pk>/", PersonDetail.as_view(), name="api-person"),
    path("people/<int:pk>/assessments/", PersonAssessments.as_view(), name="api-person-assessments"),
    path("assessments/<int:pk>/", AssessmentDetail.as_view(), name="api-assessment"),
    path("budgets/", BudgetList.as_view(), name="api-budgets"),
    path("budgets/<int:pk>/", BudgetDetail.as_view(), name="api-budget"),
    path("budgets/<int:pk>/approve/", BudgetApprove.as_view(), name="api-budget-approve"),
    path("budgets/<int:pk>/send-back/", BudgetSendBack.as_view(), name="api-budget-send-back"),
    path("arrangements/", ArrangementList.as_view(), name="api-arrangements"),
    path("resource-allocation/", QuestionnaireList.as_view(), name="api-resource-allocation"),
]
