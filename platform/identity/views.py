"""Account pages: log in and out, two-factor, password reset, invitations. Thin: each
validates a form and calls one function of identity's services or two_factor module."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import django_otp
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import user_has_device
from django_otp.models import Device

from identity import access, selectors, services, two_factor
from identity.forms import LoginForm, OtpForm, PasswordSetForm


def _next_url(request: HttpRequest) -> str:
    """The page to go to afterwards, if it is on this host; otherwise ''."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def _with_next(viewname: str, next_url: str) -> str:
    url = reverse(viewname)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _after_password(user: Any, next_url: str) -> HttpResponse:
    if access.requires_two_factor(user):
        step = "identity:otp_verify" if user_has_device(user) else "identity:otp_setup"
        return redirect(_with_next(step, next_url))
    return redirect(next_url or "/")


def _otp_login(request: HttpRequest, device: Device) -> None:
    # A new session key for the now stronger session (no fixation across the step up).
    request.session.cycle_key()
    django_otp.login(request, device)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    form = LoginForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        # identity.signals binds the new session to this host's schema.
        auth_login(request, user)
        return _after_password(user, next_url)
    return render(request, "identity/login.html", {"form": form, "next": next_url})


@never_cache
@login_required
def otp_verify_view(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    user: Any = request.user
    if user.is_verified() or not access.requires_two_factor(user):
        return redirect(next_url or "/")
    if not user_has_device(user):
        return redirect(_with_next("identity:otp_setup", next_url))
    form = OtpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        result = two_factor.otp_verify(user=user, token=form.cleaned_data["code"])
        if result.device is not None:
            _otp_login(request, result.device)
            return redirect(next_url or "/")
        form.add_error("code", result.error)
    return render(request, "identity/otp_verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
def otp_setup_view(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    user: Any = request.user
    if user_has_device(user) and not user.is_verified():
        # Adding a device needs the existing one: a password alone must not be enough.
        return redirect(_with_next("identity:otp_verify", next_url))
    device = two_factor.totp_device_pending(user=user)
    form = OtpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        result = two_factor.totp_device_confirm(
            user=user, device_id=device.pk, token=form.cleaned_data["code"]
        )
        if result.device is not None:
            _otp_login(request, result.device)
            messages.success(request, _("Two-factor authentication is now on for your account."))
            return redirect(next_url or "/")
        form.add_error("code", result.error)
    context = {
        "form": form,
        "next": next_url,
        # Path data drawn by the qrcode package from our own URL: nothing user-typed.
        "qr_svg": mark_safe(two_factor.qr_svg(device.config_url)),  # noqa: S308
        "secret": two_factor.totp_secret_base32(device),
    }
    return render(request, "identity/otp_setup.html", context)


@sensitive_post_parameters("password1", "password2")
@never_cache
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_find(token)
    if invitation is None:
        return render(request, "identity/invitation_invalid.html", status=404)
    form = PasswordSetForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(token=token, password=form.cleaned_data["password1"])
        except ValidationError as exc:
            if "token" in getattr(exc, "error_dict", {}):
                return render(request, "identity/invitation_invalid.html", status=404)
            form.add_error("password1", exc)
        else:
            messages.success(
                request,
                _("Your password is set. Log in with your e-mail address and the new password."),
            )
            return redirect("identity:login")
    context = {"form": form, "invitation": selectors.invitation_summary(invitation)}
    return render(request, "identity/invitation_accept.html", context)
