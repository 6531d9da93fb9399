"""TOTP two-factor: enrolling a device and checking codes.

Throttling is django-otp's own (each device backs off exponentially after wrong codes);
these functions only turn its verdicts into messages a person can act on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import django_otp
import qrcode
import qrcode.image.svg
from audit.services import audit_record
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "default"


@dataclass(frozen=True)
class OtpResult:
    """The device that accepted the code, or the reason it was refused."""

    device: Device | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.device is not None


def _throttled_message(info: dict[str, Any] | None) -> str:
    locked_until = (info or {}).get("locked_until")
    seconds = 1
    if locked_until is not None:
        seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    return ngettext(
        "Too many wrong codes. Wait %(seconds)d second and try again.",
        "Too many wrong codes. Wait %(seconds)d seconds and try again.",
        seconds,
    ) % {"seconds": seconds}


def _wrong_code_message() -> str:
    return _("That code is not correct. Enter the 6-digit code your authenticator app shows now.")


def _clean(token: str) -> str:
    return "".join((token or "").split())


def otp_verify(*, user: Any, token: str) -> OtpResult:
    """Check a code against the user's confirmed devices (TOTP, or a backup code)."""
    token = _clean(token)
    devices = list(django_otp.devices_for_user(user, confirmed=True))
    if not devices:
        return OtpResult(
            None,
            _(
                "Two-factor authentication is not set up for this account. "
                "Set it up by logging in on the website first."
            ),
        )
    throttled: dict[str, Any] | None = None
    tried = False
    for device in devices:
        allowed, info = device.verify_is_allowed()
        if not allowed:
            throttled = info or {}
            continue
        tried = True
        # Locks the device row (select_for_update) so one code cannot be spent twice.
        verified = django_otp.verify_token(user, device.persistent_id, token)
        if verified is not None:
            return OtpResult(verified)
    if not tried:
        return OtpResult(None, _throttled_message(throttled))
    return OtpResult(None, _wrong_code_message())


def totp_device_pending(*, user: Any) -> TOTPDevice:
    """The user's unconfirmed TOTP device, made on first call: the secret stays the same
    while the person scans it, however often the page is reloaded."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def totp_device_confirm(*, user: Any, device_id: int, token: str) -> OtpResult:
    """Confirm the pending device with a code it generated; from then on it is required."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(pk=device_id, user=user, confirmed=False)
            .first()
        )
        if device is None:
            return OtpResult(None, _("This set-up has expired. Start again."))
        allowed, info = device.verify_is_allowed()
        if not allowed:
            return OtpResult(None, _throttled_message(info))
        if not device.verify_token(_clean(token)):
            # verify_token has saved the throttling counter; keep it (no rollback).
            return OtpResult(None, _wrong_code_message())
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        audit_record(actor=user, action="otp.device_confirm", obj=device, summary=device.name)
    return OtpResult(device)


def totp_secret_base32(device: TOTPDevice) -> str:
    """The secret as people type it into an authenticator app: base32, in groups of four."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(text: str) -> str:
    """An inline SVG QR code: drawn here, so the secret never leaves the server."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    svg: str = image.to_string(encoding="unicode")
    return svg
