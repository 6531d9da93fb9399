"""A member's loans through the API (/api/anggota/pinjaman/ on the cooperative's host), for
the Android app: the products they may apply for, their loans with what is due, each
loan's schedule with what is paid, and an application (channel member), which then waits
for the staff's survey and decision."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from identity.permissions import CooperativeMember
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.ledger.periods import business_today
from tenants.loans import selectors
from tenants.loans.exceptions import IdempotencyConflict
from tenants.loans.services import GuarantorInput, loan_apply
from tenants.memberweb.selectors import member_of_user
from tenants.models import Loan, LoanProduct, LoanStatus, Member


def _money(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=18, decimal_places=2, **kwargs)


def _member(request: Request) -> Member:
    member = member_of_user(request.user)
    if member is None:
        raise Http404("No member record is linked to this login.")
    return member


def _own_loan(member: Member, pk: int) -> Loan:
    loan = selectors.loan_get(pk)
    if loan is None or loan.member_id != member.pk:
        raise Http404("No loan of yours has this number.")
    return loan


class ProductSerializer(serializers.ModelSerializer[LoanProduct]):
    admin_fee_kind = serializers.CharField(read_only=True, help_text="flat or percent")
    provisi_fee_kind = serializers.CharField(read_only=True, help_text="flat or percent")

    class Meta:
        model = LoanProduct
        fields = [
            "code",
            "name",
            "interest_method",
            "annual_rate_percent",
            "min_term_months",
            "max_term_months",
            "min_amount",
            "max_amount",
            "admin_fee_kind",
            "admin_fee_value",
            "provisi_fee_kind",
            "provisi_fee_value",
            "penalty_percent_per_day",
            "penalty_grace_days",
            "collateral_required_above",
            "guarantor_required_above",
            "guarantors_required",
        ]
        read_only_fields = fields


class DuesSerializer(serializers.Serializer[Any]):
    as_of = serializers.DateField()
    due_now = _money(help_text="Penalty, interest and principal due by as_of")
    penalty = _money(help_text="Late penalty owed")
    next_due_date = serializers.DateField(allow_null=True)
    next_due_amount = _money(help_text="The next instalment's unpaid amount")
    payoff = _money(help_text="What closes the loan on as_of")
    principal_outstanding = _money()


class LoanSerializer(serializers.ModelSerializer[Loan]):
    product_code = serializers.CharField(source="product.code", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    decision_note = serializers.CharField(
        read_only=True, help_text="The reason, when the application was rejected"
    )
    dues = serializers.SerializerMethodField(help_text="What a running loan owes today")

    class Meta:
        model = Loan
        fields = [
            "id",
            "product_code",
            "product_name",
            "channel",
            "status",
            "status_label",
            "amount",
            "term_months",
            "annual_rate_percent",
            "interest_method",
            "admin_fee",
            "provisi_fee",
            "purpose",
            "applied_on",
            "decision_note",
            "disbursed_on",
            "principal_outstanding",
            "closed_on",
            "days_past_due",
            "dues",
        ]
        read_only_fields = fields

    @extend_schema_field(DuesSerializer(allow_null=True))
    def get_dues(self, obj: Loan) -> dict[str, Any] | None:
        if obj.status != LoanStatus.ACTIVE:
            return None
        dues = selectors.loan_dues(obj)
        return dict(
            DuesSerializer(
                {
                    "as_of": dues.as_of,
                    "due_now": dues.due_now,
                    "penalty": dues.penalty,
                    "next_due_date": dues.next_due_date,
                    "next_due_amount": dues.next_due_amount,
                    "payoff": dues.payoff,
                    "principal_outstanding": dues.principal_outstanding,
                }
            ).data
        )


class InstalmentSerializer(serializers.Serializer[Any]):
    """One instalment of the current schedule (tenants.loans.selectors.InstalmentRow)."""

    number = serializers.IntegerField()
    kind = serializers.CharField(
        help_text="instalment; prepayment: principal paid ahead; arrears: at rescheduling"
    )
    period_start = serializers.DateField()
    due_date = serializers.DateField()
    principal = _money()
    interest = _money()
    total = _money()
    principal_paid = _money()
    interest_paid = _money()
    paid = _money()
    remaining = _money()
    penalty = _money(help_text="Late penalty accrued on it so far")
    settled_on = serializers.DateField(allow_null=True)
    state = serializers.ChoiceField(choices=list(selectors.INSTALMENT_STATES))
    state_label = serializers.CharField()


class PlannedSerializer(serializers.Serializer[Any]):
    number = serializers.IntegerField()
    due_date = serializers.DateField()
    principal = _money()
    interest = _money()
    total = _money()


class ScheduleSerializer(serializers.Serializer[Any]):
    loan = LoanSerializer()
    instalments = InstalmentSerializer(many=True)
    preview = PlannedSerializer(
        many=True, help_text="Before the payout: the schedule if it were paid out today"
    )


class GuarantorSerializer(serializers.Serializer[Any]):
    full_name = serializers.CharField(max_length=200)
    relation = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)


class ApplySerializer(serializers.Serializer[Any]):
    product_code = serializers.CharField(max_length=20)
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    term_months = serializers.IntegerField(min_value=1, max_value=360)
    purpose = serializers.CharField(max_length=500)
    collateral_description = serializers.CharField(
        max_length=500, required=False, default="", allow_blank=True
    )
    collateral_value = serializers.DecimalField(
        max_digits=18, decimal_places=2, required=False, allow_null=True, default=None
    )
    guarantors = GuarantorSerializer(many=True, required=False, default=list)
    idempotency_key = serializers.CharField(
        max_length=80, help_text="Made by the app once per application; a retry sends it again"
    )


class RefusalSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    code = serializers.CharField()


class ProductsView(APIView):
    permission_classes = [CooperativeMember]

    @extend_schema(responses=ProductSerializer(many=True), summary="Loan products on offer")
    def get(self, request: Request) -> Response:
        _member(request)
        return Response(ProductSerializer(selectors.loan_products(), many=True).data)


class LoansView(APIView):
    permission_classes = [CooperativeMember]

    @extend_schema(responses=LoanSerializer(many=True), summary="My loans, newest first")
    def get(self, request: Request) -> Response:
        loans = selectors.loans_of_member(_member(request))
        return Response(LoanSerializer(loans, many=True).data)

    @extend_schema(
        request=ApplySerializer,
        responses={
            201: OpenApiResponse(
                LoanSerializer, description="The application (the same key again: the first)"
            ),
            400: RefusalSerializer,
            409: RefusalSerializer,
        },
        summary="Apply for a loan (it waits for the staff's survey and decision)",
    )
    def post(self, request: Request) -> Response:
        member = _member(request)
        given = ApplySerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        product = selectors.loan_product_get(data["product_code"])
        if product is None:
            return Response(
                {"detail": _("This loan product is not offered."), "code": "product_unknown"},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            loan = loan_apply(
                actor=request.user,
                channel="member",
                member=member,
                product=product,
                amount=data["amount"],
                term_months=data["term_months"],
                purpose=data["purpose"],
                idempotency_key=data["idempotency_key"],
                collateral_description=data["collateral_description"],
                collateral_value=data["collateral_value"],
                guarantors=[
                    GuarantorInput(full_name=g["full_name"], relation=g["relation"])
                    for g in data["guarantors"]
                ],
            )
        except DjangoValidationError as exc:
            code = getattr(exc, "code", None) or "refused"
            return Response(
                {"detail": " ".join(exc.messages), "code": code},
                status=(
                    status.HTTP_409_CONFLICT
                    if isinstance(exc, IdempotencyConflict)
                    else status.HTTP_400_BAD_REQUEST
                ),
            )
        return Response(LoanSerializer(loan).data, status=status.HTTP_201_CREATED)


class ScheduleView(APIView):
    permission_classes = [CooperativeMember]

    @extend_schema(
        responses=ScheduleSerializer,
        summary="A loan of mine: its schedule with what is paid and what is due",
    )
    def get(self, request: Request, pk: int) -> Response:
        loan = _own_loan(_member(request), pk)
        today = business_today()
        running = loan.status in (LoanStatus.ACTIVE, LoanStatus.CLOSED)
        body = {
            "loan": loan,
            "instalments": selectors.loan_schedule(loan, today) if running else [],
            "preview": (
                selectors.loan_schedule_preview(loan, today)
                if loan.status in (LoanStatus.APPLIED, LoanStatus.APPROVED)
                else []
            ),
        }
        return Response(ScheduleSerializer(body).data)
