"""PPOB's API on a cooperative's host (/api/ppob/): the catalogue, number checks, bill
inquiries, purchases and their status, for the member's phone, the teller's screen and
the Android app. Serializers check shapes; the services decide.

A member (role anggota) buys for themselves and pays from their simpanan sukarela. Staff
who may write (kasir, manajer, pengurus) sell for a member (sukarela or cash) or for a
shopper without membership (cash).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from identity import access
from registry.models import Cooperative
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ppob import selectors
from ppob.customer_numbers import customer_number_check, operator_of
from ppob.exceptions import ProductUnavailable
from ppob.models import Category, Channel, Inquiry, PaymentMethod, PriceTier, Product, Purchase
from ppob.providers import provider_get, provider_name
from ppob.providers.base import ProviderError
from ppob.services.purchases import inquiry_create, postpaid_purchase_create, purchase_create
from tenants import books


def _money() -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)


class PpobBuyer(BasePermission):
    """Members of this host's cooperative, and its staff; only writing staff and members
    may buy."""

    def has_permission(self, request: Request, view: Any) -> bool:
        coop = access.current_cooperative()
        if coop is None:
            return False
        if request.method in SAFE_METHODS:
            return access.is_member_of(request.user, coop) or access.is_staff_of(request.user, coop)
        return access.is_member_of(request.user, coop) or access.can_write_in(request.user, coop)


def _cooperative() -> Cooperative:
    coop = access.current_cooperative()
    assert coop is not None  # PpobBuyer
    return coop


def _is_seller(request: Request) -> bool:
    """Staff who sell at the counter (and may read every purchase of the cooperative)."""
    coop = _cooperative()
    if request.method in SAFE_METHODS:
        return access.is_staff_of(request.user, coop)
    return access.can_write_in(request.user, coop)


def _own_member_number(request: Request) -> str:
    ref = books.member_find(_cooperative(), "ppob", user_id=request.user.pk)
    if ref is None:
        raise PermissionDenied(_("No member record is linked to this login."))
    return ref.member_number


def _buyer(request: Request, member_number: str) -> tuple[str, str]:
    """(member number, channel): a member buys for themselves; staff for whom they say."""
    if _is_seller(request):
        return member_number, Channel.TELLER
    return _own_member_number(request), Channel.MEMBER


class OfferSerializer(serializers.Serializer[Any]):
    sku = serializers.CharField(source="product.sku")
    name = serializers.CharField(source="product.name")
    category = serializers.CharField(source="product.category")
    brand = serializers.CharField(source="product.brand")
    kind = serializers.CharField(source="product.kind")
    description = serializers.CharField(source="product.description")
    price = _money()
    available = serializers.BooleanField()
    reason = serializers.CharField()


class CategorySerializer(serializers.Serializer[Any]):
    value = serializers.CharField()
    name = serializers.CharField()


class CatalogueSerializer(serializers.Serializer[Any]):
    tier = serializers.CharField()
    categories = CategorySerializer(many=True)
    products = OfferSerializer(many=True)


class PlnCustomerSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    meter_no = serializers.CharField()
    subscriber_id = serializers.CharField()
    segment_power = serializers.CharField()


class NumberCheckResultSerializer(serializers.Serializer[Any]):
    sku = serializers.CharField()
    customer_no = serializers.CharField()
    operator = serializers.CharField()
    pln = PlnCustomerSerializer(required=False, allow_null=True)


class NumberCheckSerializer(serializers.Serializer[Any]):
    sku = serializers.CharField(max_length=60)
    customer_no = serializers.CharField(max_length=60)
    lookup = serializers.BooleanField(required=False, default=False)


class InquiryRequestSerializer(serializers.Serializer[Any]):
    request_key = serializers.CharField(max_length=100)
    sku = serializers.CharField(max_length=60)
    customer_no = serializers.CharField(max_length=60)
    member_number = serializers.CharField(
        max_length=30, required=False, default="", allow_blank=True
    )


class InquirySerializer(serializers.ModelSerializer[Inquiry]):
    reference = serializers.CharField(source="ref_id")
    sku = serializers.CharField(source="product.sku")
    product = serializers.CharField(source="product.name")
    bill = _money()
    admin = _money()
    penalty = _money()
    price = _money()

    class Meta:
        model = Inquiry
        fields = [
            "reference",
            "sku",
            "product",
            "customer_no",
            "status",
            "customer_name",
            "period",
            "bill",
            "admin",
            "penalty",
            "price",
            "message",
            "valid_until",
            "created_at",
        ]
        read_only_fields = fields


class PurchaseRequestSerializer(serializers.Serializer[Any]):
    request_key = serializers.CharField(max_length=100)
    sku = serializers.CharField(max_length=60, required=False, default="", allow_blank=True)
    customer_no = serializers.CharField(max_length=60, required=False, default="", allow_blank=True)
    inquiry = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
    member_number = serializers.CharField(
        max_length=30, required=False, default="", allow_blank=True
    )
    shopper_name = serializers.CharField(
        max_length=100, required=False, default="", allow_blank=True
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs["inquiry"]) == bool(attrs["sku"]):
            raise serializers.ValidationError(
                _("Give either a product (sku and customer_no) or a bill inquiry, not both.")
            )
        if attrs["sku"] and not attrs["customer_no"]:
            raise serializers.ValidationError({"customer_no": _("Enter the customer number.")})
        return attrs


class PurchaseSerializer(serializers.ModelSerializer[Purchase]):
    reference = serializers.CharField(source="ref_id")
    price = _money()
    receipt = serializers.SerializerMethodField()

    class Meta:
        model = Purchase
        fields = [
            "reference",
            "status",
            "kind",
            "sku",
            "product_name",
            "category",
            "customer_no",
            "member_number",
            "shopper_name",
            "price_tier",
            "price",
            "payment_method",
            "channel",
            "created_at",
            "settled_at",
            "receipt",
        ]
        read_only_fields = fields

    def get_receipt(self, obj: Purchase) -> dict[str, Any]:
        return selectors.receipt(obj)


class CatalogueView(APIView):
    permission_classes = [PpobBuyer]

    @extend_schema(
        summary="PPOB catalogue of a category, with prices",
        parameters=[
            OpenApiParameter("category", str, enum=Category.values),
            OpenApiParameter("brand", str),
            OpenApiParameter("tier", str, enum=PriceTier.values, description="staff only"),
        ],
        responses=CatalogueSerializer,
    )
    def get(self, request: Request) -> Response:
        category = request.query_params.get("category", "")
        if category and category not in Category.values:
            return Response(
                {
                    "category": [
                        _("Choose one of: %(choices)s.") % {"choices": ", ".join(Category.values)}
                    ]
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        tier = PriceTier.MEMBER
        if _is_seller(request) and request.query_params.get("tier") == PriceTier.NONMEMBER:
            tier = PriceTier.NONMEMBER
        offers = selectors.catalogue(
            category=category or None, brand=request.query_params.get("brand") or None, tier=tier
        )
        return Response(
            {
                "tier": tier,
                "categories": [{"value": v, "name": name} for v, name in selectors.categories()],
                "products": OfferSerializer(offers, many=True).data,
            }
        )


class NumberCheckView(APIView):
    permission_classes = [PpobBuyer]

    @extend_schema(
        summary="Check a customer number for a product",
        request=NumberCheckSerializer,
        responses=NumberCheckResultSerializer,
    )
    def post(self, request: Request) -> Response:
        data = NumberCheckSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        product = Product.objects.filter(
            provider=provider_name(), sku=data.validated_data["sku"].strip()
        ).first()
        if product is None:
            raise ProductUnavailable(_("There is no such product."), code="product_unknown")
        number = customer_number_check(
            category=product.category, brand=product.brand, raw=data.validated_data["customer_no"]
        )
        answer: dict[str, Any] = {
            "sku": product.sku,
            "customer_no": number,
            "operator": operator_of(number) or "" if number.startswith("08") else "",
        }
        if data.validated_data["lookup"] and product.category == Category.PLN_TOKEN:
            try:
                found = provider_get().pln_inquiry(customer_no=number)
            except ProviderError:
                answer["pln"] = None
            else:
                answer["pln"] = {
                    "name": found.name,
                    "meter_no": found.meter_no,
                    "subscriber_id": found.subscriber_id,
                    "segment_power": found.segment_power,
                }
        return Response(answer)


class InquiryView(APIView):
    permission_classes = [PpobBuyer]

    @extend_schema(
        summary="Look a postpaid bill up (inquiry)",
        request=InquiryRequestSerializer,
        responses=InquirySerializer,
    )
    def post(self, request: Request) -> Response:
        data = InquiryRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields["member_number"], _channel = _buyer(request, fields["member_number"])
        inquiry = inquiry_create(actor=request.user, cooperative=_cooperative(), **fields)
        return Response(InquirySerializer(inquiry).data)


@extend_schema_view(
    get=extend_schema(summary="Purchases: a member's own, or the cooperative's (staff)"),
    post=extend_schema(
        summary="Buy a product or pay a bill (the same request_key returns the same purchase)",
        request=PurchaseRequestSerializer,
        responses={201: PurchaseSerializer, 200: PurchaseSerializer},
    ),
)
class PurchaseListView(generics.ListAPIView[Purchase]):
    permission_classes = [PpobBuyer]
    serializer_class = PurchaseSerializer

    def get_queryset(self) -> QuerySet[Purchase]:
        if getattr(self, "swagger_fake_view", False):
            return Purchase.objects.none()
        if _is_seller(self.request):
            return selectors.purchases_of(_cooperative())
        return selectors.purchases_of(
            _cooperative(), member_number=_own_member_number(self.request)
        )

    def post(self, request: Request) -> Response:
        data = PurchaseRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        member_number, channel = _buyer(request, fields["member_number"])
        if channel == Channel.MEMBER and fields["payment_method"] != PaymentMethod.SUKARELA:
            raise PermissionDenied(
                _("A member pays from simpanan sukarela; cash is paid at the teller.")
            )
        if fields["inquiry"]:
            if channel == Channel.MEMBER:
                self._own_inquiry(fields["inquiry"], member_number)
            created = postpaid_purchase_create(
                actor=request.user,
                cooperative=_cooperative(),
                request_key=fields["request_key"],
                inquiry_ref=fields["inquiry"],
                payment_method=fields["payment_method"],
                shopper_name=fields["shopper_name"],
                channel=channel,
            )
        else:
            created = purchase_create(
                actor=request.user,
                cooperative=_cooperative(),
                request_key=fields["request_key"],
                sku=fields["sku"],
                customer_no=fields["customer_no"],
                payment_method=fields["payment_method"],
                member_number=member_number,
                shopper_name=fields["shopper_name"],
                channel=channel,
            )
        return Response(
            PurchaseSerializer(created.purchase).data,
            status=status.HTTP_201_CREATED if created.created else status.HTTP_200_OK,
        )

    @staticmethod
    def _own_inquiry(reference: str, member_number: str) -> None:
        if not Inquiry.objects.filter(
            ref_id=reference, cooperative=_cooperative(), member_number=member_number
        ).exists():
            raise Http404(_("There is no such bill inquiry of yours."))


@extend_schema_view(get=extend_schema(summary="One purchase, with its receipt"))
class PurchaseDetailView(generics.RetrieveAPIView[Purchase]):
    permission_classes = [PpobBuyer]
    serializer_class = PurchaseSerializer
    lookup_field = "ref_id"
    lookup_url_kwarg = "reference"

    def get_queryset(self) -> QuerySet[Purchase]:
        if getattr(self, "swagger_fake_view", False):
            return Purchase.objects.none()
        if _is_seller(self.request):
            return selectors.purchases_of(_cooperative())
        return selectors.purchases_of(
            _cooperative(), member_number=_own_member_number(self.request)
        )
