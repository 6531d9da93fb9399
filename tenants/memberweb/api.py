"""A member's own data through the API (/api/anggota/ on the cooperative's host)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from identity import access
from identity.permissions import CooperativeMember
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.ledger.periods import business_today
from tenants.memberweb import selectors
from tenants.models import Member, SavingsAccount, SavingsTransaction


def _money() -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=18, decimal_places=2)


def _member(request: Request) -> Member:
    member = selectors.member_of_user(request.user)
    if member is None:
        raise Http404("No member record is linked to this login.")
    return member


class BalanceSerializer(serializers.ModelSerializer[SavingsAccount]):
    product_code = serializers.CharField(source="product.code", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)

    class Meta:
        model = SavingsAccount
        fields = ["id", "kind", "product_code", "product_name", "balance", "reserved"]
        read_only_fields = fields


class TransactionSerializer(serializers.ModelSerializer[SavingsTransaction]):
    product_code = serializers.CharField(source="account.product.code", read_only=True)
    entry_id = serializers.IntegerField(source="journal_entry_id", read_only=True)
    verification = serializers.SerializerMethodField()

    class Meta:
        model = SavingsTransaction
        fields = [
            "id",
            "created_at",
            "product_code",
            "kind",
            "amount",
            "balance_after",
            "entry_id",
            "verification",
        ]
        read_only_fields = fields

    def get_verification(self, obj: SavingsTransaction) -> str:
        statuses: dict[int, str] = self.context.get("statuses", {})
        return statuses.get(obj.journal_entry_id) or selectors.entry_status(
            obj.journal_entry, access.current_cooperative()
        )


class ArrearsSerializer(serializers.Serializer[Any]):
    monthly_amount = _money()
    months_due = serializers.IntegerField()
    amount_due = _money()
    paid = _money()
    arrears = _money()
    months_behind = serializers.IntegerField()


class JasaLineSerializer(serializers.Serializer[Any]):
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    days = serializers.IntegerField()
    balance = _money()
    jasa = serializers.DecimalField(max_digits=30, decimal_places=10, coerce_to_string=True)


class JasaSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    rate_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    through = serializers.DateField()
    lines = JasaLineSerializer(many=True)
    exact_total = serializers.DecimalField(max_digits=30, decimal_places=10)
    total = _money()


class ProofSerializer(serializers.Serializer[Any]):
    entry_id = serializers.IntegerField(source="entry.pk")
    entry_hash = serializers.CharField(source="entry.entry_hash", allow_null=True)
    status = serializers.CharField()
    day = serializers.DateField(allow_null=True)
    path = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    merkle_root = serializers.CharField()
    chained_root = serializers.CharField()
    verified = serializers.BooleanField()


class BalancesView(APIView):
    permission_classes = [CooperativeMember]

    @extend_schema(responses=BalanceSerializer(many=True), summary="My savings balances")
    def get(self, request: Request) -> Response:
        accounts = selectors.member_balances(_member(request))
        return Response(BalanceSerializer(accounts, many=True).data)


class HistoryPagination(PageNumberPagination):
    page_size = 20


class HistoryView(generics.ListAPIView[SavingsTransaction]):
    permission_classes = [CooperativeMember]
    serializer_class = TransactionSerializer
    pagination_class = HistoryPagination

    def get_queryset(self) -> QuerySet[SavingsTransaction]:
        return selectors.member_transactions(_member(self.request))

    @extend_schema(summary="My savings transactions, newest first (20 a page)")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class ArrearsView(APIView):
    permission_classes = [CooperativeMember]

    @extend_schema(responses=ArrearsSerializer, summary="My simpanan wajib owed")
    def get(self, request: Request) -> Response:
        arrears = selectors.wajib_arrears(_member(request))
        if arrears is None:
            raise Http404("No simpanan wajib account.")
        return Response(ArrearsSerializer(arrears).data)


class JasaView(APIView):
    permission_classes = [CooperativeMember]

    @extend_schema(
        parameters=[
            OpenApiParameter("bulan", OpenApiTypes.STR, description="YYYY-MM; default: this month")
        ],
        responses=JasaSerializer,
        summary="How a month's jasa on simpanan sukarela is computed",
    )
    def get(self, request: Request) -> Response:
        member = _member(request)
        text = request.query_params.get("bulan")
        parsed = selectors.month_parse(text)
        if text and parsed is None:
            raise ValidationError({"bulan": "Give the month as YYYY-MM."})
        today = business_today()
        year, month = parsed or (today.year, today.month)
        breakdown = selectors.jasa_breakdown(member, year, month)
        if breakdown is None:
            raise Http404("No simpanan sukarela for this month.")
        return Response(JasaSerializer(breakdown).data)


class ProofView(APIView):
    permission_classes = [CooperativeMember]

    @extend_schema(responses=ProofSerializer, summary="Proof that my transaction is published")
    def get(self, request: Request, entry_id: int) -> Response:
        entry = selectors.member_entry_get(_member(request), entry_id)
        proof = selectors.entry_proof(entry, access.current_cooperative())
        return Response(ProofSerializer(proof).data)
