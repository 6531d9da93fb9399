"""Members' personal data at rest: Fernet encryption (MultiFernet, for key rotation) and a
keyed HMAC-SHA256 for uniqueness and look-up, so the plain value is never stored.

Keys: settings.MEMBER_DATA_KEYS (Fernet keys, the first encrypts, all decrypt) and
settings.MEMBER_LOOKUP_KEY. Production refuses to start without them (settings.py); in
development and test fixed keys are derived from SECRET_KEY when they are unset.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["InvalidToken", "decrypt", "encrypt", "lookup_hash", "reencrypt"]


def _derived(purpose: str) -> bytes:
    return hashlib.sha256(f"{purpose}:{settings.SECRET_KEY}".encode()).digest()


def _fernet() -> MultiFernet:
    keys = [k.strip() for k in getattr(settings, "MEMBER_DATA_KEYS", []) if k.strip()]
    if not keys:
        if getattr(settings, "PRODUCTION", False):
            raise ImproperlyConfigured("MEMBER_DATA_KEYS must be set in production")
        keys = [base64.urlsafe_b64encode(_derived("member-data-dev-key")).decode()]
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured("MEMBER_DATA_KEYS holds a malformed Fernet key") from exc


def _lookup_key() -> bytes:
    key = getattr(settings, "MEMBER_LOOKUP_KEY", "")
    if key:
        return str(key).encode()
    if getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured("MEMBER_LOOKUP_KEY must be set in production")
    return _derived("member-lookup-dev-key")


def encrypt(value: str) -> str:
    """The value encrypted with the current key ("" stays "": an absent optional value)."""
    if not value:
        return ""
    return _fernet().encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """The plain value; raises InvalidToken when no configured key opens it."""
    if not token:
        return ""
    return _fernet().decrypt(token.encode("ascii")).decode()


def reencrypt(token: str) -> str:
    """The same value encrypted with the current (first) key."""
    if not token:
        return ""
    return _fernet().rotate(token.encode("ascii")).decode("ascii")


def lookup_hash(kind: str, value: str) -> str:
    """Keyed hash of a normalised value; ``kind`` ("nik") keeps hashes of kinds apart."""
    return hmac.new(_lookup_key(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
