"""A member's own data through the API (/api/anggota/ on the cooperative's host)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from identity import access
from identity.permissions import CooperativeMember
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.interest.selectors import MOVEMENT_KINDS, Movement
from tenants.ledger.periods import business_today
from tenants.memberweb import selectors
from tenants.models import Member, SavingsAccount


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


class MovementSerializer(serializers.Serializer[Any]):
    """One movement of the member's money (tenants.interest.selectors.Movement)."""

    id = serializers.CharField(
        source="key", help_text="Stable per member: tx-12, jasa-3, td-5-open"
    )
    date = serializers.DateField(source="day", help_text="Business date (Asia/Jakarta)")
    product_code = serializers.CharField()
    product_name = serializers.CharField()
    kind = serializers.ChoiceField(choices=MOVEMENT_KINDS)
    description = serializers.CharField(help_text="What it is, in the request's language")
    amount = serializers.DecimalField(
        source="size", max_digits=18, decimal_places=2, help_text="Always positive"
    )
    direction = serializers.ChoiceField(choices=["in", "out"], help_text="in: credited")
    balance_after = serializers.DecimalField(
        source="balance", max_digits=18, decimal_places=2, help_text="The product's, after it"
    )
    entry_id = serializers.IntegerField(allow_null=True)
    verification = serializers.SerializerMethodField()
    transaction_id = serializers.IntegerField(allow_null=True)
    jasa_month = serializers.CharField(
        source="jasa_period", allow_null=True, help_text="YYYY-MM of a jasa credit: see jasa/"
    )

    def get_verification(self, obj: Movement) -> str | None:
        if obj.entry_id is None:
            return None
        statuses: dict[int, str] = self.context.get("statuses", {})
        return statuses.get(obj.entry_id, selectors.PENDING)


class MovementsPageSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = MovementSerializer(many=True)


class StatementProductSerializer(serializers.Serializer[Any]):
    product_code = serializers.CharField()
    product_name = serializers.CharField()
    kind = serializers.CharField()
    opening = _money()
    credits = _money()
    debits = _money()
    closing = _money()
    movements = MovementSerializer(many=True)


class StatementSerializer(serializers.Serializer[Any]):
    month = serializers.CharField(help_text="YYYY-MM")
    products = StatementProductSerializer(many=True)


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
    posted_on = serializers.DateField(allow_null=True, help_text="Credited on; null: not yet")
    entry_id = serializers.IntegerField(allow_null=True)


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


class HistoryView(APIView):
    permission_classes = [CooperativeMember]

    @extend_schema(
        parameters=[OpenApiParameter("page", OpenApiTypes.INT, description="1, 2, ...")],
        responses=MovementsPageSerializer,
        summary="Every movement of my savings, newest first (20 a page)",
        description=(
            "Deposits and withdrawals, the monthly jasa on simpanan sukarela, time deposits "
            "placed, matured or broken early, pokok and wajib returned; each with the "
            "product's balance after it and its journal entry's verification status."
        ),
    )
    def get(self, request: Request) -> Response:
        movements = selectors.member_movements(_member(request))
        paginator = HistoryPagination()
        # DRF pages any sequence; its stubs ask for a QuerySet.
        page: list[Movement] | None = paginator.paginate_queryset(
            movements,  # type: ignore[arg-type]
            request,
            view=self,
        )
        assert page is not None
        statuses = selectors.movement_statuses(page, access.current_cooperative())
        data = MovementSerializer(page, many=True, context={"statuses": statuses}).data
        return paginator.get_paginated_response(data)


def _month_of(request: Request) -> tuple[int, int]:
    text = request.query_params.get("bulan")
    parsed = selectors.month_parse(text)
    if text and parsed is None:
        raise ValidationError({"bulan": _("Give the month as YYYY-MM.")})
    today = business_today()
    return parsed or (today.year, today.month)


class StatementView(APIView):
    permission_classes = [CooperativeMember]

    @extend_schema(
        parameters=[
            OpenApiParameter("bulan", OpenApiTypes.STR, description="YYYY-MM; default: this month")
        ],
        responses=StatementSerializer,
        summary="My monthly savings statement (the same lines as the PDF)",
    )
    def get(self, request: Request) -> Response:
        member = _member(request)
        year, month = _month_of(request)
        products = selectors.member_statement(member, year, month)
        movements = [m for item in products for m in item.movements]
        statuses = selectors.movement_statuses(movements, access.current_cooperative())
        body = {"month": f"{year}-{month:02d}", "products": products}
        return Response(StatementSerializer(body, context={"statuses": statuses}).data)


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
        year, month = _month_of(request)
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
