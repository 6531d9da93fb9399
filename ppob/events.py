"""The append-only log of every exchange with the provider (ppob.ProviderEvent)."""

from __future__ import annotations

from django.utils import timezone

from ppob.models import ProviderEvent
from ppob.providers.base import Exchange, Observer

BODY_MAX = 100_000


def event_record(provider: str, exchange: Exchange) -> ProviderEvent:
    """Append one exchange. Called outside any transaction by the provider adapters (the
    request before it is sent, the answer when it comes), so a crash in between still
    leaves the request in the log."""
    return ProviderEvent.objects.create(
        created_at=timezone.now(),
        provider=provider,
        kind=exchange.kind,
        call=exchange.call[:40],
        ref_id=exchange.ref_id[:60],
        http_status=exchange.http_status,
        duration_ms=exchange.duration_ms,
        body=exchange.body[:BODY_MAX],
        note=exchange.note[:255],
    )


def event_observer(provider: str) -> Observer:
    def observe(exchange: Exchange) -> None:
        event_record(provider, exchange)

    return observe
