"""Webhooks from the provider: verified (HMAC over the raw body), logged raw, deduplicated
by delivery id, applied through purchase_result_apply."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from ppob.events import event_record
from ppob.models import Purchase, WebhookDelivery
from ppob.providers import provider_get
from ppob.providers.base import Exchange
from ppob.services.results import purchase_result_apply


@dataclass(frozen=True)
class WebhookAnswer:
    status: int
    outcome: str


def _ref_id(payload: object) -> str:
    data = payload.get("data") if isinstance(payload, dict) else None
    return str(data.get("ref_id") or "")[:60] if isinstance(data, dict) else ""


def webhook_receive(*, body: bytes, signature: str, event: str, delivery_id: str) -> WebhookAnswer:
    """Handle one delivery. Every delivery is logged raw first (even a forged one). A bad
    signature: 403, nothing else written. A ping or a delivery seen before: 200 and
    nothing changes. Otherwise the result is applied (compare-and-swap: a late or
    replayed one changes nothing) and the delivery marked processed. Not atomic by
    design: the delivery row commits first, so a crash before it is processed lets the
    provider's retry process it."""
    provider = provider_get()
    text = body.decode("utf-8", errors="replace")
    try:
        payload = json.loads(text, parse_float=Decimal)
    except ValueError:
        payload = None
    verified = provider.webhook_verify(body, signature)
    event_record(
        provider.name,
        Exchange(
            "webhook",
            (event or "webhook")[:40],
            _ref_id(payload),
            text,
            note=f"delivery {delivery_id[:80]}" + ("" if verified else " (bad signature)"),
        ),
    )
    if not verified:
        return WebhookAnswer(403, "signature")
    if payload is None:
        return WebhookAnswer(400, "malformed")
    result = provider.webhook_result(payload)
    delivery_key = delivery_id.strip()[:100]
    if event.strip().lower() == "ping" or result is None:
        return WebhookAnswer(200, "ping")
    if not delivery_key:
        return WebhookAnswer(400, "no_delivery_id")
    try:
        with transaction.atomic():
            delivery = WebhookDelivery.objects.create(
                delivery_id=delivery_key,
                provider=provider.name,
                event=event[:30],
                ref_id=result.ref_id,
                received_at=timezone.now(),
            )
    except IntegrityError:
        delivery = WebhookDelivery.objects.get(delivery_id=delivery_key)
        if delivery.processed_at is not None:
            return WebhookAnswer(200, "duplicate")
    purchase_id = Purchase.objects.filter(ref_id=result.ref_id).values_list("pk", flat=True).first()
    if purchase_id is None:
        outcome = "unknown_ref"
    else:
        applied = purchase_result_apply(purchase_id=purchase_id, result=result, source="webhook")
        outcome = f"{'changed' if applied.changed else 'unchanged'}:{applied.purchase.status}"
    WebhookDelivery.objects.filter(pk=delivery.pk, processed_at__isnull=True).update(
        processed_at=timezone.now(), outcome=outcome[:40]
    )
    return WebhookAnswer(200, outcome)
