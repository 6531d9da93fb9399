"""Sentry events are tagged with their cooperative and carry no personal data.

A real sentry_sdk client with an in-memory transport; the request goes through Django's
WSGI handler as in production (so Sentry's WSGI and Django integrations both see it).
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, quote_plus, urlencode

import pytest
import sentry_sdk
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_started
from django.db import close_old_connections
from django.test import RequestFactory, override_settings
from django_tenants.utils import schema_context
from federation.sentry import PersonalDataLogFilter, sentry_init
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

NIK = "3201234567890123"
PHONE = "081234567890"
NAME = "Siti Aminah"
EMAIL = "siti.aminah@example.test"
TOKEN = "9f8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6"
PASSWORD = "Rahasia-Sangat-2026!"
SESSION = "k3x9sessioncookievalue0000000000"
SECRETS = [NIK, PHONE, NAME, EMAIL, TOKEN, PASSWORD, SESSION]


class MemoryTransport(Transport):
    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)
        self.envelopes: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)

    def flush(self, timeout: float, callback: Any = None) -> None:
        return None

    def kill(self) -> None:
        return None


@pytest.fixture
def transport() -> Iterator[MemoryTransport]:
    memory = MemoryTransport()
    sentry_init("https://public@sentry.example.test/1", environment="test", transport=memory)
    yield memory
    sentry_sdk.get_client().flush()
    sentry_sdk.init(dsn="")  # off again, so no other test reports anywhere


def variants(value: str) -> set[str]:
    return {value, quote(value), quote_plus(value), json.dumps(value)[1:-1]}


def serve(request: Any) -> int:
    """Call the WSGI application as gunicorn would."""
    statuses: list[str] = []
    # As django.test.Client does: keep the test's database connection open.
    request_started.disconnect(close_old_connections)
    try:
        with sentry_sdk.isolation_scope():
            handler: Any = WSGIHandler()
            body = handler(request.environ, lambda status, headers: statuses.append(status))
            b"".join(body)
    finally:
        request_started.connect(close_old_connections)
    return int(statuses[0].split()[0])


@pytest.mark.filterwarnings("ignore:The send_default_pii option is deprecated")
@pytest.mark.parametrize("body", ["form", "json"])
@override_settings(ROOT_URLCONF="tests.ops.urls_boom", DEBUG=False)
def test_an_error_on_a_cooperative_host_is_tagged_and_scrubbed(
    alpha: Any, transport: MemoryTransport, body: str
) -> None:
    # given: a request on alpha's host full of personal data, everywhere it can be
    fields = {"nama": NAME, "nik": NIK, "no_hp": PHONE, "email": EMAIL, "password": PASSWORD}
    query = urlencode({"nik": NIK, "telepon": PHONE, "nama": NAME, "email": EMAIL})
    extra: dict[str, Any] = {
        "HTTP_HOST": "alpha.localhost",
        "HTTP_AUTHORIZATION": f"Token {TOKEN}",
        "HTTP_COOKIE": f"sessionid={SESSION}",
        "HTTP_X_NAMA_ANGGOTA": NAME,
    }
    factory = RequestFactory()
    if body == "json":
        request = factory.post(
            f"/daftar?{query}", json.dumps(fields), content_type="application/json", **extra
        )
    else:
        request = factory.post(f"/daftar?{query}", fields, **extra)

    # when: the view fails
    status = serve(request)

    # then: one error event, tagged with alpha's schema, with none of the values in it
    assert status == 500
    events = [e.get_event() for e in transport.envelopes if e.get_event() is not None]
    assert len(events) == 1
    event: dict[str, Any] = dict(events[0] or {})
    assert event["tags"]["tenant"] == "kop_alpha"
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    serialized = b"".join(e.serialize() for e in transport.envelopes).decode()
    leaks = {s for s in SECRETS for v in variants(s) if v in serialized}
    assert not leaks, f"personal data reached Sentry: {leaks}"
    assert "[Filtered]" in serialized
    # and what a developer needs is still there
    frame = event["exception"]["values"][-1]["stacktrace"]["frames"][-1]
    assert frame["filename"].endswith("urls_boom.py")
    assert "form" in frame["vars"]
    assert event["request"]["url"].endswith("/daftar")


@pytest.mark.filterwarnings("ignore:The send_default_pii option is deprecated")
def test_an_event_outside_a_request_is_tagged_with_the_schema_it_ran_in(
    beta: Any, transport: MemoryTransport
) -> None:
    # given: code running in beta's schema, as a Celery task does
    with schema_context(beta.schema_name):
        # when
        sentry_sdk.capture_message(f"saldo anggota {NIK} tidak cocok, hubungi {PHONE}")

    # then
    events = [e.get_event() for e in transport.envelopes]
    event: dict[str, Any] = dict(next(e for e in events if e is not None))
    assert event["tags"]["tenant"] == "kop_beta"
    serialized = b"".join(e.serialize() for e in transport.envelopes).decode()
    assert NIK not in serialized and PHONE not in serialized


def test_log_lines_mask_personal_data_in_tracebacks_too() -> None:
    # given: the console handler's filter, as settings.LOGGING installs it
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(PersonalDataLogFilter())
    logger = logging.getLogger("tests.ops.log_filter")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        # when: an error is logged with its traceback
        try:
            raise ValueError(f"NIK {NIK} dengan hp {PHONE} dan {EMAIL} ditolak")
        except ValueError:
            logger.exception("pendaftaran %s gagal", EMAIL)
    finally:
        logger.removeHandler(handler)
        logger.propagate = True

    # then
    output = stream.getvalue()
    assert "ValueError" in output
    assert NIK not in output and PHONE not in output and EMAIL not in output
