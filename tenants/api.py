"""A cooperative's own API on its host: its profile, its audit log, its staff."""

from __future__ import annotations

from typing import Any

from audit.models import AuditEntry
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from identity import access
from identity.models import CooperativeRole
from identity.permissions import CooperativeAnyRole, CooperativeBoard, CooperativeStaff
from registry.models import COOPERATIVE_PROFILE_FIELDS, Cooperative
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from tenants import selectors
from tenants.forms import STAFF_ROLE_CHOICES
from tenants.services import staff_invite, staff_role_revoke


class CooperativeProfileSerializer(serializers.ModelSerializer[Cooperative]):
    class Meta:
        model = Cooperative
        fields = COOPERATIVE_PROFILE_FIELDS
        read_only_fields = fields


class AuditEntrySerializer(serializers.ModelSerializer[AuditEntry]):
    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "created_at",
            "actor_id",
            "actor_label",
            "action",
            "object_type",
            "object_id",
            "summary",
            "data",
        ]
        read_only_fields = fields


class StaffRoleSerializer(serializers.ModelSerializer[CooperativeRole]):
    user_id = serializers.IntegerField(read_only=True)
    full_name = serializers.CharField(source="user.get_full_name", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = CooperativeRole
        fields = ["id", "user_id", "full_name", "email", "role", "granted_at"]
        read_only_fields = fields


class StaffInviteSerializer(serializers.Serializer[Any]):
    full_name = serializers.CharField(max_length=200)
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=STAFF_ROLE_CHOICES)


class CooperativeProfileView(generics.GenericAPIView[Cooperative]):
    """This cooperative's profile, for anyone with a role here."""

    permission_classes = [CooperativeAnyRole]
    serializer_class = CooperativeProfileSerializer

    @extend_schema(summary="This cooperative's profile")
    def get(self, request: Request) -> Response:
        return Response(self.get_serializer(access.current_cooperative()).data)


@extend_schema_view(get=extend_schema(summary="This cooperative's audit log (staff)"))
class AuditListView(generics.ListAPIView[AuditEntry]):
    permission_classes = [CooperativeStaff]
    serializer_class = AuditEntrySerializer

    def get_queryset(self) -> QuerySet[AuditEntry]:
        return selectors.audit_entries()


@extend_schema_view(
    list=extend_schema(summary="Staff and their roles"),
    create=extend_schema(
        summary="Invite a person to a staff role (board)",
        request=StaffInviteSerializer,
        responses={201: StaffRoleSerializer},
    ),
    destroy=extend_schema(summary="Revoke a staff role (board)"),
)
class StaffViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[CooperativeRole],
):
    permission_classes = [CooperativeBoard]
    serializer_class = StaffRoleSerializer
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[CooperativeRole]:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular, with no cooperative
            return CooperativeRole.objects.none()
        return selectors.staff_roles(access.current_cooperative())

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = StaffInviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        grant = staff_invite(
            actor=request.user, cooperative=access.current_cooperative(), **data.validated_data
        )
        return Response(self.get_serializer(grant).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        staff_role_revoke(
            actor=request.user, cooperative=access.current_cooperative(), grant=self.get_object()
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
