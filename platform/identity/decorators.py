"""View guards. Each routes its decision through identity.access and enforces two-factor."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from identity import access

View = Callable[..., HttpResponse]


def _login_redirect(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse('identity:login')}?next={request.get_full_path()}")


def _two_factor_redirect(request: HttpRequest) -> HttpResponse | None:
    user = request.user
    if access.two_factor_passed(user):
        return None
    from django_otp import user_has_device

    target = "identity:otp_verify" if user_has_device(user) else "identity:otp_setup"
    return redirect(f"{reverse(target)}?next={request.get_full_path()}")


def _guard(check: Callable[[Any, HttpRequest], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return _login_redirect(request)
            pending = _two_factor_redirect(request)
            if pending is not None:
                return pending
            if not check(request.user, request):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def head_office_required(*, write: bool = False) -> Callable[[View], View]:
    """Head-office staff on the bare domain; write=True excludes the read-only auditor."""

    def check(user: Any, request: HttpRequest) -> bool:
        if access.current_cooperative() is not None:
            return False
        return access.can_manage_head_office(user) if write else access.is_head_office(user)

    return _guard(check)


def head_office_admin_required() -> Callable[[View], View]:
    def check(user: Any, request: HttpRequest) -> bool:
        return access.current_cooperative() is None and access.can_administer_users(user)

    return _guard(check)


def staff_required(*, write: bool = False, board: bool = False) -> Callable[[View], View]:
    """Staff of the cooperative whose host this is. write=True: not pengawas, not while
    suspended. board=True: pengurus or manajer only."""

    def check(user: Any, request: HttpRequest) -> bool:
        coop = access.current_cooperative()
        if board:
            return access.can_manage_staff(user, coop)
        return access.can_write_in(user, coop) if write else access.is_staff_of(user, coop)

    return _guard(check)


def member_required() -> Callable[[View], View]:
    """A member (anggota) of the cooperative whose host this is. Works while suspended."""

    def check(user: Any, request: HttpRequest) -> bool:
        return access.is_member_of(user, access.current_cooperative())

    return _guard(check)
