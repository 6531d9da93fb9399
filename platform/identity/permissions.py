"""DRF permission classes, thin wrappers over identity.access."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from identity import access


class HeadOffice(BasePermission):
    """Head-office staff on the bare domain; the auditor may only read."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if access.current_cooperative() is not None or not access.is_head_office(request.user):
            return False
        if not access.two_factor_passed(request.user) and not _token_auth(request):
            return False
        return request.method in SAFE_METHODS or access.can_manage_head_office(request.user)


class HeadOfficeAdmin(HeadOffice):
    """Head-office admins only (users and roles), reading or writing."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return super().has_permission(request, view) and access.can_administer_users(request.user)


class CooperativeStaff(BasePermission):
    """Staff of this host's cooperative; pengawas and a suspended cooperative: read only."""

    def has_permission(self, request: Request, view: Any) -> bool:
        coop = access.current_cooperative()
        if not access.is_staff_of(request.user, coop):
            return False
        return request.method in SAFE_METHODS or access.can_write_in(request.user, coop)


class CooperativeBoard(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        coop = access.current_cooperative()
        if request.method in SAFE_METHODS:
            return access.is_staff_of(request.user, coop)
        return access.can_manage_staff(request.user, coop)


class CooperativeAnyRole(BasePermission):
    """Anyone with a role in this host's cooperative (staff or member): read only."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.method in SAFE_METHODS and access.has_any_role_in(
            request.user, access.current_cooperative()
        )


class CooperativeMember(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return access.is_member_of(request.user, access.current_cooperative())


def _token_auth(request: Request) -> bool:
    # A token is issued only after the password and, for staff, a TOTP code.
    return request.auth is not None
