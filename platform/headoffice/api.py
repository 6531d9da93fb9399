"""The head office's API: cooperatives and users. Serializers check shape; services act."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from identity.models import CooperativeRole, User
from identity.permissions import HeadOffice, HeadOfficeAdmin
from registry.models import COOPERATIVE_PROFILE_FIELDS, Cooperative, CooperativeStatus
from registry.schema_template import SchemaError
from registry.services import (
    MEMBER_KINDS,
    CooperativeAddress,
    cooperative_archive,
    cooperative_reactivate,
    cooperative_suspend,
    cooperative_url,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from headoffice import selectors
from headoffice.services import cooperative_register


class ExportFailed(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("The export failed, so nothing was archived. Try again.")
    default_code = "export_failed"


class CooperativeSerializer(serializers.ModelSerializer[Cooperative]):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Cooperative
        fields = [
            *COOPERATIVE_PROFILE_FIELDS,
            "status_reason",
            "status_changed_at",
            "created_at",
            "archive_path",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, obj: Cooperative) -> str | None:
        return None if obj.status == CooperativeStatus.ARCHIVED else cooperative_url(obj)


class CooperativeCreateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    slug = serializers.CharField(max_length=40)
    legal_entity_number = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in MEMBER_KINDS])
    street = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)
    desa = serializers.CharField(max_length=100)
    kecamatan = serializers.CharField(max_length=100)
    kabupaten = serializers.CharField(max_length=100)
    provinsi = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    postal_code = serializers.RegexField(r"^\d{5}$", required=False, default="", allow_blank=True)
    board_full_name = serializers.CharField(max_length=200)
    board_email = serializers.EmailField()


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=255)


class CooperativeRoleSerializer(serializers.ModelSerializer[CooperativeRole]):
    cooperative: serializers.SlugRelatedField[Cooperative] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = CooperativeRole
        fields = ["id", "cooperative", "role", "granted_at"]


class UserSerializer(serializers.ModelSerializer[User]):
    cooperative_roles = CooperativeRoleSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "head_office_role", "cooperative_roles"]


@extend_schema_view(
    list=extend_schema(summary="List cooperatives"),
    retrieve=extend_schema(summary="One cooperative"),
    create=extend_schema(
        summary="Register a cooperative and invite its first board member",
        request=CooperativeCreateSerializer,
        responses={201: CooperativeSerializer},
    ),
)
class CooperativeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Cooperative],
):
    permission_classes = [HeadOffice]
    serializer_class = CooperativeSerializer
    lookup_field = "slug"
    lookup_value_converter = "slug"

    def get_queryset(self) -> QuerySet[Cooperative]:
        return selectors.cooperatives().order_by("name")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = CooperativeCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        address = CooperativeAddress(
            **{k: fields.pop(k) for k in CooperativeAddress.__dataclass_fields__}
        )
        cooperative = cooperative_register(actor=request.user, address=address, **fields)
        return Response(self.get_serializer(cooperative).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Suspend", request=ReasonSerializer, responses=CooperativeSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request: Request, slug: str) -> Response:
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cooperative = cooperative_suspend(
            actor=request.user, cooperative=self.get_object(), reason=data.validated_data["reason"]
        )
        return Response(self.get_serializer(cooperative).data)

    @extend_schema(summary="Reactivate", request=None, responses=CooperativeSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request: Request, slug: str) -> Response:
        cooperative = cooperative_reactivate(actor=request.user, cooperative=self.get_object())
        return Response(self.get_serializer(cooperative).data)

    @extend_schema(
        summary="Archive: export everything, then stop answering",
        request=ReasonSerializer,
        responses=CooperativeSerializer,
    )
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, slug: str) -> Response:
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            cooperative = cooperative_archive(
                actor=request.user,
                cooperative=self.get_object(),
                reason=data.validated_data["reason"],
            )
        except SchemaError as exc:
            raise ExportFailed from exc
        return Response(self.get_serializer(cooperative).data)


@extend_schema_view(list=extend_schema(summary="People with their roles (admins only)"))
class UserViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[User]):
    permission_classes = [HeadOfficeAdmin]
    serializer_class = UserSerializer

    def get_queryset(self) -> QuerySet[User]:
        return selectors.users()
