"""The held-account API (Individual Service Funds and managed direct payments, under /api/isf/ as
before), mounted under /api/, scoped as the pages are: another tenant's fund is 404; a
fund you may read but not write to (a family, a commissioner) is 403 for writes; a broken rule is 409.

Posting an entry needs an `Idempotency-Key` header (1–120 characters). The first post creates the entry
and answers **201 Created**; a repeat with the same key and the same content answers **200 OK** with the
original entry (and `Idempotent-Replayed: true`), writing nothing; the same key with different content
answers **409 Conflict**.
"""

from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, Throttled, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from organisations import throttle

from . import services
from .models import SPENDING_CATEGORIES, Category, HeldAccount, HeldKind, LedgerEntry
from .selectors import (
    balance_of,
    default_statement_period,
    funds_visible_to,
    may_record_spending,
    statement_context,
    with_balances,
)

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=True,
    description="Your reference for this entry (1–120 characters). Repeating it adds nothing.",
)


class FundSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(
        choices=HeldKind.choices,
        read_only=True,
        help_text="`isf` (an Individual Service Fund) or `direct_payment_managed` (a managed direct payment)",
    )
    person = serializers.CharField(source="person.name")
    provider_ref = serializers.CharField(source="provider.provider_ref")
    provider = serializers.CharField(source="provider.name")
    council = serializers.CharField(source="council.gss_code")
    balance = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    annual_budget = serializers.DecimalField(source="terms.annual_budget", max_digits=12, decimal_places=2)
    overdraft_limit = serializers.DecimalField(
        source="terms.overdraft_limit", max_digits=12, decimal_places=2
    )
    unspent_limit = serializers.DecimalField(source="terms.unspent_limit", max_digits=12, decimal_places=2)

    class Meta:
        model = HeldAccount
        fields = [
            "id",
            "kind",
            "person",
            "budget_ref",
            "provider_ref",
            "provider",
            "council",
            "opened_on",
            "balance",
            "annual_budget",
            "overdraft_limit",
            "unspent_limit",
        ]


class EntrySerializer(serializers.ModelSerializer):
    category_label = serializers.CharField(
        source="kind_label", help_text="The kind in the account's own words, as on its statements"
    )
    reverses = serializers.PrimaryKeyRelatedField(read_only=True)
    transfer_pair = serializers.PrimaryKeyRelatedField(read_only=True)
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "entry_date",
            "category",
            "category_label",
            "amount",
            "description",
            "idempotency_key",
            "reverses",
            "transfer_pair",
            "recorded_by",
            "recorded_at",
        ]

    def get_recorded_by(self, entry) -> str:
        return entry.recorded_by.display_name if entry.recorded_by else "Automatic"


class EntryCreateSerializer(serializers.Serializer):
    entry_date = serializers.DateField()
    category = serializers.ChoiceField(choices=[(c.value, c.label) for c in SPENDING_CATEGORIES])
    amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text="The money spent, positive (stored as a negative entry).",
    )
    description = serializers.CharField(max_length=300)


class StatementRequestSerializer(serializers.Serializer):
    start = serializers.DateField(required=False, help_text="Default: four weeks before `end`.")
    end = serializers.DateField(required=False, help_text="Default: today.")

    def validate(self, data):
        start, end = default_statement_period()
        data.setdefault("end", end)
        data.setdefault("start", data["end"] - (end - start))
        if data["end"] < data["start"]:
            raise ValidationError({"end": "The end date must be on or after the start date."})
        return data


class StatementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    fund = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()
    opening_balance = serializers.DecimalField(max_digits=12, decimal_places=2)
    money_in = serializers.DecimalField(max_digits=12, decimal_places=2)
    money_out = serializers.DecimalField(max_digits=12, decimal_places=2)
    closing_balance = serializers.DecimalField(max_digits=12, decimal_places=2)
    totals = serializers.DictField(child=serializers.CharField(), help_text="Total by category")
    entries = EntrySerializer(many=True)
    page_url = serializers.CharField()
    pdf_url = serializers.CharField()


def _fund(request, pk: int) -> HeldAccount:
    return get_object_or_404(funds_visible_to(user=request.user), pk=pk)


@extend_schema(
    summary="Money held for people that the caller may see (ISFs and managed direct payments)",
    parameters=[
        OpenApiParameter("kind", str, enum=HeldKind.values, description="Only accounts of this kind")
    ],
)
class FundList(ListAPIView):
    """Held accounts the caller may see (Individual Service Funds and managed direct payments), with
    their balances."""

    serializer_class = FundSerializer

    def get_queryset(self):
        qs = with_balances(funds_visible_to(user=self.request.user)).order_by("pk")
        kind = self.request.query_params.get("kind")
        if kind:
            if kind not in HeldKind.values:
                raise ValidationError({"kind": f"Must be one of {', '.join(HeldKind.values)}."})
            qs = qs.filter(kind=kind)
        return qs


class FundDetail(APIView):
    @extend_schema(
        responses=FundSerializer, summary="One held account (ISF or managed direct payment) and its balance"
    )
    def get(self, request, pk: int):
        fund = _fund(request, pk)
        fund.balance = balance_of(fund)
        return Response(FundSerializer(fund).data)


class FundEntries(APIView):
    @extend_schema(
        responses=EntrySerializer(many=True),
        summary="Every entry of a fund, oldest first",
        parameters=[OpenApiParameter("category", str, description="Only entries of this kind")],
    )
    def get(self, request, pk: int):
        fund = _fund(request, pk)
        entries = fund.entries.select_related("recorded_by", "reverses", "transfer_pair")
        category = request.query_params.get("category")
        if category:
            if category not in Category.values:
                raise ValidationError({"category": f"Must be one of {', '.join(Category.values)}."})
            entries = entries.filter(category=category)
        entries = list(entries)
        for entry in entries:
            entry.fund = fund  # its words, without a query per entry
        return Response(EntrySerializer(entries, many=True).data)

    @extend_schema(
        request=EntryCreateSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        summary="Record spending (provider staff)",
        responses={
            201: OpenApiResponse(EntrySerializer, description="Recorded"),
            200: OpenApiResponse(EntrySerializer, description="Already recorded with this key: the original"),
            400: OpenApiResponse(description="Missing Idempotency-Key or invalid fields"),
            403: OpenApiResponse(description="You may read this fund but not write to it"),
            404: OpenApiResponse(description="No such fund that you may see"),
            409: OpenApiResponse(description="Key reused with different content, or not enough money left"),
        },
    )
    def post(self, request, pk: int):
        fund = _fund(request, pk)
        if not may_record_spending(user=request.user, fund=fund):
            raise PermissionDenied("Only the provider holding this fund may record spending.")
        key = (request.headers.get("Idempotency-Key") or "").strip()
        if not key or len(key) > 120:
            raise ValidationError(
                {"Idempotency-Key": "Send an Idempotency-Key header of 1 to 120 characters."}
            )
        body = EntryCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry, created = services.record_spending(
            fund=fund, idempotency_key=key, actor=request.user, **body.validated_data
        )
        response = Response(
            EntrySerializer(entry).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )
        if not created:
            response["Idempotent-Replayed"] = "true"
        return response


class StatementRequest(APIView):
    @extend_schema(
        request=StatementRequestSerializer,
        responses={201: StatementSerializer, 200: StatementSerializer},
        summary="Produce a statement for a period (the family is told it is ready)",
        description="201 when the statement is first produced for this period; 200 when it already was.",
    )
    def post(self, request, pk: int):
        fund = _fund(request, pk)
        # Each new period emails the family: a limit per client keeps a script from flooding them.
        if not throttle.allow(name="statement-request-per-client", key=f"user:{request.user.pk}"):
            raise Throttled(
                wait=throttle.seconds_left("statement-request-per-client"),
                detail="Too many statement requests. Try again later.",
            )
        body = StatementRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        start, end = body.validated_data["start"], body.validated_data["end"]
        statement, created = services.produce_statement(fund=fund, start=start, end=end, actor=request.user)
        ctx = statement_context(fund, start=start, end=end)
        query = f"?start={start:%Y-%m-%d}&end={end:%Y-%m-%d}"
        data = {
            "id": statement.pk,
            "fund": fund.pk,
            "start": start,
            "end": end,
            "opening_balance": ctx.opening_balance,
            "money_in": ctx.money_in,
            "money_out": ctx.money_out,
            "closing_balance": ctx.closing_balance,
            "totals": {code: str(amount) for code, amount in ctx.totals.items()},
            "entries": [line.entry for line in ctx.lines],
            "page_url": reverse("ledger:statement", args=[fund.pk]) + query,
            "pdf_url": reverse("ledger:statement-pdf", args=[fund.pk]) + query,
        }
        return Response(
            StatementSerializer(data).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


urlpatterns = [
    path("isf/", FundList.as_view(), name="api-isf-list"),
    path("isf/<int:pk>/", FundDetail.as_view(), name="api-isf-detail"),
    path("isf/<int:pk>/entries/", FundEntries.as_view(), name="api-isf-entries"),
    path("isf/<int:pk>/statements/", StatementRequest.as_view(), name="api-isf-statements"),
]
