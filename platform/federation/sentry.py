"""Sentry: on when SENTRY_DSN is set; every event tagged with its tenant and scrubbed of
personal data (NIK, phone numbers, names, e-mail, tokens, passwords) before it leaves.

Three layers, because no single one is enough:
1. by field name: the value of any field named like personal data (``nama``, ``no_hp``,
   ``password``, ``Authorization``...) is replaced, wherever the field is;
2. by value: the values of such fields in the request are also removed from every other
   string of the event (the exception message, local variables' reprs, log breadcrumbs),
   including their URL-encoded forms, since a name has no pattern to find it by;
3. by pattern: NIK, phone numbers, e-mail addresses and ``token=...``-like secrets in
   any text.
Sentry's own EventScrubber still runs first; ours collects the request's values just
before it, because it replaces them.
"""

from __future__ import annotations

import logging
import re
from contextvars import ContextVar
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlencode

from sentry_sdk.scrubber import EventScrubber
from sentry_sdk.utils import AnnotatedValue

NIK_RE = re.compile(r"(?<!\d)(\d{6})\d{6}(\d{4})(?!\d)")
PHONE_RE = re.compile(r"(?<![\d])(?:\+?62|0)8\d{2}[\s.-]?\d{3,4}[\s.-]?\d{2,5}(?!\d)")
EMAIL_RE = re.compile(r"[\w.+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+")
TOKEN_RE = re.compile(
    r"(?i)\b(token|bearer|sessionid|csrftoken|otp|password)([\"'=:\s]+)[^\s\"'&,;]+"
)
# Django's session cache keys end with the session key, a credential.
SESSION_CACHE_KEY_RE = re.compile(r"(django\.contrib\.sessions\.cache(?:d_db)?)\w+")
# A field is personal if its name contains one of these anywhere...
SENSITIVE_PARTS = (
    "password",
    "passwd",
    "secret",
    "token",
    "authorization",
    "cookie",
    "session",
    "csrf",
    "apikey",
    "api_key",
    "email",
    "phone",
    "telepon",
    "nama",
    "alamat",
    "address",
    "birth",
    "lahir",
    "signature",
)
# ...or one of these as a whole word: "name" in full_name or name, not in filename.
SENSITIVE_WORDS = frozenset(
    {"nik", "kk", "ktp", "npwp", "hp", "wa", "name", "otp", "pin", "key", "sandi", "rekening"}
)
# Source code and its location, kept as they are (they are the code, not its data).
SOURCE_KEYS = frozenset(
    {"pre_context", "context_line", "post_context", "abs_path", "filename", "module", "function"}
)
# Sections that describe the SDK and the machine, not the request: no field-name rule.
METADATA_SECTIONS = frozenset({"sdk", "modules", "contexts", "tags", "server_name", "_meta"})
FILTERED = "[Filtered]"
MIN_VALUE_LENGTH = 3

_WORD_SPLIT_RE = re.compile(r"[^a-z0-9]+")
_CAMEL_RE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# The request's personal values, noted by the scrubber for before_send: (event_id, values).
_request_values: ContextVar[tuple[str, frozenset[str]] | None] = ContextVar(
    "sentry_request_values", default=None
)


def is_sensitive_key(key: str) -> bool:
    lowered = key.lower()
    if any(part in lowered for part in SENSITIVE_PARTS):
        return True
    words = _WORD_SPLIT_RE.split(_CAMEL_RE.sub("_", key).lower())
    return any(word in SENSITIVE_WORDS for word in words)


def scrub_text(text: str) -> str:
    text = NIK_RE.sub(lambda m: f"{m.group(1)}******{m.group(2)}", text)
    text = PHONE_RE.sub("[phone]", text)
    text = EMAIL_RE.sub("[email]", text)
    text = SESSION_CACHE_KEY_RE.sub(lambda m: f"{m.group(1)}{FILTERED}", text)
    return TOKEN_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}{FILTERED}", text)


def _redact_values(text: str, values: list[str]) -> str:
    for value in values:
        if value in text:
            text = text.replace(value, FILTERED)
    return text


def _value_forms(values: frozenset[str]) -> list[str]:
    """Each value as it may appear elsewhere (raw, URL-encoded; a name's single words),
    longest first so a whole value goes before its parts."""
    forms: set[str] = set()
    for value in values:
        forms |= {value, quote(value, safe=""), quote_plus(value)}
        forms |= {word for word in value.split() if len(word) > MIN_VALUE_LENGTH}
    return sorted((f for f in forms if len(f) >= MIN_VALUE_LENGTH), key=len, reverse=True)


def _scrub_query_string(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(k, FILTERED if is_sensitive_key(k) else v) for k, v in pairs])


def scrub(value: Any, key: str = "", values: list[str] | None = None, by_key: bool = True) -> Any:
    """Scrub a value: by field name (when ``by_key``), by the request's values, by pattern."""
    if key in SOURCE_KEYS:
        return value
    if by_key and key and is_sensitive_key(key) and not isinstance(value, dict | list | tuple):
        return FILTERED if value not in (None, "") else value
    if isinstance(value, dict):
        return {k: scrub(v, str(k), values, by_key) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v, key, values, by_key) for v in value]
    if isinstance(value, str):
        if by_key and key == "query_string":
            value = _scrub_query_string(value)
        return scrub_text(_redact_values(value, values or []))
    return value


def scrub_event(event: dict[str, Any], values: frozenset[str] = frozenset()) -> dict[str, Any]:
    forms = _value_forms(values)
    return {
        section: scrub(content, section, forms, by_key=section not in METADATA_SECTIONS)
        for section, content in event.items()
    }


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, AnnotatedValue) else value


def _collect(value: Any, key: str, found: set[str], everything: bool) -> None:
    value = _plain(value)
    if isinstance(value, dict):
        for k, v in value.items():
            _collect(v, str(k), found, everything)
    elif isinstance(value, list | tuple):
        for v in value:
            _collect(v, key, found, everything)
    elif isinstance(value, str) and (everything or is_sensitive_key(key)):
        found.add(value)


def request_values(event: dict[str, Any]) -> frozenset[str]:
    """Values of the personal fields in the event's request: body, headers, cookies, query."""
    request = _plain(event.get("request")) or {}
    found: set[str] = set()
    if isinstance(request, dict):
        for section in ("data", "headers", "env"):
            _collect(request.get(section), "", found, everything=False)
        _collect(request.get("cookies"), "", found, everything=True)
        query = _plain(request.get("query_string"))
        if isinstance(query, str):
            for k, v in parse_qsl(query, keep_blank_values=True):
                if is_sensitive_key(k):
                    found.add(v)
    return frozenset(v for v in found if len(v) >= MIN_VALUE_LENGTH)


class RequestValueScrubber(EventScrubber):
    """Sentry's scrubber, noting the request's personal values before it replaces them."""

    def scrub_event(self, event: Any) -> None:
        _request_values.set((str(event.get("event_id")), request_values(event)))
        super().scrub_event(event)


def before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """Tag with the tenant, then scrub the whole event (user, request, extra, messages,
    breadcrumbs, exception values and local variables)."""
    from django.db import connection

    noted = _request_values.get()
    _request_values.set(None)
    values = noted[1] if noted and noted[0] == str(event.get("event_id")) else frozenset()
    schema = getattr(connection, "schema_name", None)
    if schema:
        event.setdefault("tags", {})["tenant"] = schema
    user = event.get("user")
    if user:
        event["user"] = {"id": user.get("id")} if user.get("id") else {}
    return scrub_event(event, values)


def before_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    if crumb.get("category") == "redis" and isinstance(crumb.get("message"), str):
        # Cache keys carry session keys and ids: keep the command only.
        command = crumb["message"].split(" ", 1)[0]
        crumb = {**crumb, "message": f"{command} {FILTERED}"}
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
        "event_scrubber": RequestValueScrubber(),
        "before_send": before_send,
        "before_send_transaction": before_send,
        "before_breadcrumb": before_breadcrumb,
        "traces_sample_rate": 0.0,
    }
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(**options)


class PersonalDataLogFilter(logging.Filter):
    """Masks NIK, phone numbers, e-mail addresses and tokens in log lines, tracebacks
    included (an exception's message often quotes the data it failed on)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        record.msg = scrub_text(message)
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub_text(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub_text(record.stack_info)
        return True
