"""Sentry: on when SENTRY_DSN is set; every event tagged with its tenant and scrubbed of
personal data (NIK, phone numbers, names, e-mail, tokens, passwords) before it leaves."""

from __future__ import annotations

import logging
import re
from typing import Any

NIK_RE = re.compile(r"(?<!\d)(\d{6})\d{6}(\d{4})(?!\d)")
PHONE_RE = re.compile(r"(?<![\d])(?:\+?62|0)8\d{2}[\s.-]?\d{3,4}[\s.-]?\d{2,5}(?!\d)")
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
TOKEN_RE = re.compile(
    r"(?i)\b(token|bearer|sessionid|csrftoken|otp|password)([\"'=:\s]+)[^\s\"'&,;]+"
)
SENSITIVE_KEYS = re.compile(
    r"(?i)(nik|kk|no_kk|phone|hp|telepon|name|nama|email|password|passwd|secret|token|otp|"
    r"authorization|cookie|session|csrf|address|alamat|birth|lahir|api_key|key)"
)
FILTERED = "[Filtered]"


def scrub_text(text: str) -> str:
    text = NIK_RE.sub(lambda m: f"{m.group(1)}******{m.group(2)}", text)
    text = PHONE_RE.sub("[phone]", text)
    text = EMAIL_RE.sub("[email]", text)
    return TOKEN_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}{FILTERED}", text)


def scrub(value: Any, key: str = "") -> Any:
    if key and SENSITIVE_KEYS.search(key) and not isinstance(value, dict | list):
        return FILTERED
    if isinstance(value, dict):
        return {k: scrub(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    if isinstance(value, str):
        return scrub_text(value)
    return value


def before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """Tag with the tenant, then scrub the whole event (user, request, extra, messages,
    breadcrumbs, exception values and local variables)."""
    from django.db import connection

    schema = getattr(connection, "schema_name", None)
    if schema:
        event.setdefault("tags", {})["tenant"] = schema
    user = event.get("user")
    if user:
        event["user"] = {"id": user.get("id")} if user.get("id") else {}
    return dict(scrub(event))


def before_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    return dict(scrub(crumb))


def sentry_init(dsn: str, *, environment: str, transport: Any = None) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    options: dict[str, Any] = {
        "dsn": dsn,
        "environment": environment,
        "send_default_pii": False,
        "integrations": [DjangoIntegration(), CeleryIntegration()],
        "before_send": before_send,
        "before_breadcrumb": before_breadcrumb,
        "traces_sample_rate": 0.0,
    }
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(**options)


class PersonalDataLogFilter(logging.Filter):
    """Masks NIK, phone numbers, e-mail addresses and tokens in log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        record.msg = scrub_text(message)
        record.args = ()
        return True
