"""The providers API, mounted under /api/.

- `openreferral/...`: the public directory, read-only, as Open Referral UK / HSDS 3.0, so council
  directories can consume it; no sign-in needed (providers/openreferral/api.py).
- `provider-choices/...` and `agreements/...`: the private API for choosing and agreements, scoped as
  the pages are (another tenant's object is 404; visible but not yours to act on is 403; a broken rule
  is 409 with a readable message).
"""

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from budgets.models import Arrangement
from budgets.selectors import people_represented_by
from organisations.models import Provider

from . import services
from .models import FlexibleAgreement, NoticeFrom, ProviderChoice
from .openreferral.api import urlpatterns as openreferral_urlpatterns
from .selectors import (
    acts_for,
    agreements_visible_to,
    choices_visible_to,
    is_commissioner_for,
    is_manager_of,
)

# ---- private API: choices --------------------------------------------------------------------------


class ChoiceSerializer(serializers.ModelSerializer):
    provider_ref = serializers.CharField(source="provider.provider_ref", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    person_ref = serializers.CharField(source="person.person_ref", read_only=True)
    council = serializers.CharField(source="person.council.gss_code", read_only=True)

    class Meta:
        model = ProviderChoice
        fields = [
            "id",
            "person_id",
            "person_ref",
            "council",
            "provider_ref",
            "provider_name",
            "status",
            "message",
            "decline_reason",
            "requested_at",
            "decided_at",
        ]


class AskSerializer(serializers.Serializer):
    person_id = serializers.IntegerField()
    provider_ref = serializers.CharField()
    message = serializers.CharField(required=False, allow_blank=True, default="")


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["accept", "decline"])
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ChoiceList(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=ChoiceSerializer(many=True), summary="Choices of provider you may see")
    def get(self, request):
        return Response(
            ChoiceSerializer(choices_visible_to(user=request.user).order_by("pk"), many=True).data
        )

    @extend_schema(
        request=AskSerializer, responses={201: ChoiceSerializer}, summary="Ask a provider (family)"
    )
    def post(self, request):
        people = people_represented_by(user=request.user)
        if not people.exists():
            raise PermissionDenied(
                "Only a person with a budget, or someone acting for them, can ask a provider."
            )
        data = AskSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = get_object_or_404(people, pk=data.validated_data["person_id"])
        provider = get_object_or_404(
            Provider, provider_ref=data.validated_data["provider_ref"], profile__isnull=False
        )
        choice = services.ask_provider(
            person=person, provider=provider, message=data.validated_data["message"], actor=request.user
        )
        return Response(ChoiceSerializer(choice).data, status=status.HTTP_201_CREATED)


class ChoiceDetail(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=ChoiceSerializer, summary="One choice")
    def get(self, request, pk: int):
        return Response(
            ChoiceSerializer(get_object_or_404(choices_visible_to(user=request.user), pk=pk)).data
        )


class ChoiceDecision(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=DecisionSerializer, responses=ChoiceSerializer, summary="Accept or decline (provider)"
    )
    def post(self, request, pk: int):
        choice = get_object_or_404(choices_visible_to(user=request.user), pk=pk)
        if not is_manager_of(user=request.user, provider_id=choice.provider_id):
            raise PermissionDenied("Only the provider's managers can answer a request.")
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["decision"] == "accept":
            choice = services.accept_choice(choice=choice, actor=request.user)
        else:
            choice = services.decline_choice(
                choice=choice, reason=data.validated_data["reason"], actor=request.user
            )
        return Response(ChoiceSerializer(choice).data)


# ---- private API: agreements -----------------------------------------------------------------------


class AgreementSerializer(serializers.ModelSerializer):
    provider_ref = serializers.CharField(source="provider.provider_ref", read_only=True)
    person_ref = serializers.CharField(source="person.person_ref", read_only=True)
    council = serializers.CharField(source="council.gss_code", read_only=True)
    replaces = serializers.PrimaryKeyRelatedField(read_only=True)
    awaiting_provider = serializers.BooleanField(read_only=True)

    class Meta:
        model = FlexibleAgreement
        fields = [
            "id",
            "person_id",
            "person_ref",
            "council",
            "provider_ref",
            "arrangement_id",
            "choice_id",
            "replaces",
            "status",
            "version",
            "accepted_version",
            "awaiting_provider",
            "annual_budget",
            "management_fee_percent",
            "management_fee_fixed",
            "outcomes",
            "payment_frequency_weeks",
            "payment_in_advance",
            "unspent_limit",
            "overdraft_limit",
            "person_notice_days",
            "provider_notice_days",
            "start_date",
            "end_date",
            "review_date",
            "notice_from",
            "notice_reason",
            "decline_reason",
            "move_completed_at",
        ]


class AgreementCreateSerializer(serializers.Serializer):
    choice_id = serializers.IntegerField()
    arrangement_id = serializers.IntegerField(required=False, allow_null=True)
    annual_budget = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    management_fee_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True
    )
    management_fee_fixed = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    outcomes = serializers.CharField()
    payment_frequency_weeks = serializers.IntegerField(required=False, min_value=1, max_value=52)
    unspent_limit = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    overdraft_limit = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    person_notice_days = serializers.IntegerField(required=False, min_value=0, max_value=365)
    provider_notice_days = serializers.IntegerField(required=False, min_value=0, max_value=365)
    start_date = serializers.DateField(required=False)
    review_date = serializers.DateField(required=False)


class NoticeSerializer(serializers.Serializer):
    end_date = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AgreementList(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=AgreementSerializer(many=True), summary="Flexible agreements you may see")
    def get(self, request):
        qs = agreements_visible_to(user=request.user).order_by("pk")
        return Response(AgreementSerializer(qs, many=True).data)

    @extend_schema(
        request=AgreementCreateSerializer,
        responses={201: AgreementSerializer},
        summary="Set up (commissioner)",
    )
    def post(self, request):
        data = AgreementCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        terms = dict(data.validated_data)
        choice = get_object_or_404(choices_visible_to(user=request.user), pk=terms.pop("choice_id"))
        if not is_commissioner_for(user=request.user, agreement_or_person=choice.person):
            raise PermissionDenied("Only the person's commissioner can set up an agreement.")
        arrangement_id = terms.pop("arrangement_id", None)
        arrangement = (
            get_object_or_404(Arrangement, pk=arrangement_id, budget__person=choice.person)
            if arrangement_id
            else None
        )
        agreement = services.set_up_agreement(
            choice=choice, terms=terms, arrangement=arrangement, actor=request.user
        )
        return Response(AgreementSerializer(agreement).data, status=status.HTTP_201_CREATED)


class AgreementDetail(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=AgreementSerializer, summary="One flexible agreement")
    def get(self, request, pk: int):
        return Response(
            AgreementSerializer(get_object_or_404(agreements_visible_to(user=request.user), pk=pk)).data
        )


class AgreementAccept(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=None, responses=AgreementSerializer, summary="Accept the current version (provider)"
    )
    def post(self, request, pk: int):
        agreement = get_object_or_404(agreements_visible_to(user=request.user), pk=pk)
        if not is_manager_of(user=request.user, provider_id=agreement.provider_id):
            raise PermissionDenied("Only the provider's managers can accept an agreement.")
        return Response(
            AgreementSerializer(services.accept_agreement(agreement=agreement, actor=request.user)).data
        )


class AgreementNotice(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=NoticeSerializer, responses=AgreementSerializer, summary="Give notice (person or provider)"
    )
    def post(self, request, pk: int):
        agreement = get_object_or_404(agreements_visible_to(user=request.user), pk=pk)
        if acts_for(user=request.user, person=agreement.person):
            notice_from = NoticeFrom.PERSON
        elif is_manager_of(user=request.user, provider_id=agreement.provider_id):
            notice_from = NoticeFrom.PROVIDER
        else:
            raise PermissionDenied("Only the person, their representative or the provider can give notice.")
        data = NoticeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agreement = services.give_notice(
            agreement=agreement,
            notice_from=notice_from,
            end_date=data.validated_data.get("end_date"),
            reason=data.validated_data["reason"],
            actor=request.user,
        )
        return Response(AgreementSerializer(agreement).data)


urlpatterns = openreferral_urlpatterns + [
    path("provider-choices/", ChoiceList.as_view(), name="api-provider-choices"),
    path("provider-choices/<int:pk>/", ChoiceDetail.as_view(), name="api-provider-choice"),
    path(
        "provider-choices/<int:pk>/decision/", ChoiceDecision.as_view(), name="api-provider-choice-decision"
    ),
    path("agreements/", AgreementList.as_view(), name="api-agreements"),
    path("agreements/<int:pk>/", AgreementDetail.as_view(), name="api-agreement"),
    path("agreements/<int:pk>/accept/", AgreementAccept.as_view(), name="api-agreement-accept"),
    path("agreements/<int:pk>/notice/", AgreementNotice.as_view(), name="api-agreement-notice"),
]
