"""API authentication: obtain and revoke a token, and who am I."""

from __future__ import annotations

from typing import Any

from audit.middleware import client_ip
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle
from rest_framework.views import APIView

from identity import access, api_tokens, selectors, two_factor


class LoginRateThrottle(ScopedRateThrottle):
    """Per client address, taken the way the audit log takes it (X-Real-IP from nginx):
    DRF's default would trust a client-sent X-Forwarded-For and could be walked around."""

    def get_ident(self, request: Request) -> str:
        return client_ip(request._request) or super().get_ident(request)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(
        max_length=254, help_text=gettext_lazy("Username, e-mail or phone number.")
    )
    password = serializers.CharField(
        max_length=4096, trim_whitespace=False, style={"input_type": "password"}
    )
    otp = serializers.CharField(
        max_length=16,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy(
            "The 6-digit code from the authenticator app; required for staff accounts."
        ),
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class RoleSerializer(serializers.Serializer):
    cooperative = serializers.CharField(help_text=gettext_lazy("The cooperative's slug."))
    role = serializers.CharField()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    email = serializers.EmailField()
    head_office_role = serializers.CharField()
    roles = RoleSerializer(many=True)


_ERROR = inline_serializer(name="AuthError", fields={"detail": serializers.CharField()})


class TokenView(APIView):
    """POST: exchange username, password (and for staff a TOTP code) for a token.
    DELETE: revoke the caller's token."""

    throttle_scope = "login"

    def get_authenticators(self) -> list[Any]:
        # Obtaining a token takes credentials from the body, never from a cookie or token.
        # (request is None while drf-spectacular builds its mock request.)
        if getattr(self.request, "method", None) == "POST":
            return []
        return super().get_authenticators()

    def get_permissions(self) -> list[BasePermission]:
        if self.request.method == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_throttles(self) -> list[BaseThrottle]:
        if self.request.method == "POST":
            return [LoginRateThrottle()]
        return []

    @extend_schema(
        operation_id="auth_token_create",
        summary="Obtain a token",
        description="Username (or e-mail or phone) and password; staff also send `otp`, the "
        "current code of their authenticator app. Throttled, and locked out after repeated "
        "failures. Errors come in the active language (Indonesian by default).",
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(description="Wrong credentials, or a missing or wrong code."),
            429: OpenApiResponse(_ERROR, description="Too many attempts: locked out."),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # The DRF request, so django-axes counts the failure and can lock out.
        user = authenticate(request, username=data["username"], password=data["password"])
        if getattr(request, "axes_locked_out", False):
            return Response(
                {"detail": _("Too many failed login attempts. Try again later.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if user is None:
            raise serializers.ValidationError(
                {"non_field_errors": [_("The username or the password is not correct.")]},
                code="authorization",
            )
        if access.requires_two_factor(user):
            code = data.get("otp", "")
            if not code:
                raise serializers.ValidationError(
                    {
                        "otp": [
                            _("Enter the code from your authenticator app: staff accounts need it.")
                        ]
                    },
                    code="otp_required",
                )
            result = two_factor.otp_verify(user=user, token=code)
            if result.device is None:
                raise serializers.ValidationError({"otp": [result.error]}, code="otp_invalid")
        token = api_tokens.api_token_issue(user=user)
        return Response(TokenResponseSerializer({"token": token.key}).data)

    @extend_schema(
        operation_id="auth_token_destroy",
        summary="Revoke the caller's token",
        request=None,
        responses={204: None},
    )
    def delete(self, request: Request) -> Response:
        api_tokens.api_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """The person behind the token or session, with their roles."""

    @extend_schema(
        operation_id="auth_me_retrieve",
        summary="The caller and their roles",
        responses={200: MeSerializer},
    )
    def get(self, request: Request) -> Response:
        user: Any = request.user
        payload = {
            "id": user.pk,
            "username": user.username,
            "full_name": user.get_full_name(),
            "email": user.email,
            "head_office_role": user.head_office_role,
            "roles": selectors.user_roles(user),
        }
        return Response(MeSerializer(payload).data)
