"""The head office's deposit at the provider: refreshed (beat, and when a sale finds none
or the provider says rc 44), an alert under PPOB_DEPOSIT_ALERT_BELOW, and sales refused
before they would take it under PPOB_DEPOSIT_FLOOR."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from audit.services import audit_record
from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ppob.exceptions import DepositLow
from ppob.models import DepositSnapshot, Purchase, PurchaseStatus
from ppob.providers import provider_get, provider_name
from ppob.providers.base import Provider, ProviderError

logger = logging.getLogger(__name__)


def deposit_refresh(
    *, source: str, actor: Any = None, provider: Provider | None = None
) -> DepositSnapshot:
    """Ask the provider for the deposit (outside any transaction) and keep the answer; log
    an error (Sentry sees it) and an audit row when it is under the alert threshold.
    ProviderError when the provider gives no usable answer."""
    found = (provider or provider_get()).balance()
    alert = Decimal(str(settings.PPOB_DEPOSIT_ALERT_BELOW))
    below = found < alert
    with transaction.atomic():
        snapshot = DepositSnapshot.objects.create(
            provider=provider_name(),
            balance=found,
            fetched_at=timezone.now(),
            below_alert=below,
            source=source[:20],
        )
        if below:
            audit_record(
                actor=actor,
                action="ppob.deposit.low",
                obj=snapshot,
                summary=f"{found}",
                data={"balance": f"{found}", "alert_below": f"{alert}"},
            )
    if below:
        logger.error("PPOB deposit %s is under the alert threshold %s", found, alert)
    return snapshot


def deposit_latest() -> DepositSnapshot | None:
    return DepositSnapshot.objects.filter(provider=provider_name()).first()


def deposit_available() -> Decimal | None:
    """The last reported deposit less the cost of sales made since (pending or
    successful); None when it has never been fetched."""
    snapshot = deposit_latest()
    if snapshot is None:
        return None
    committed = Purchase.objects.filter(
        created_at__gte=snapshot.fetched_at,
        status__in=[PurchaseStatus.PENDING, PurchaseStatus.SUCCESS],
    ).aggregate(total=Sum("cost"))["total"] or Decimal("0.00")
    return snapshot.balance - committed


def deposit_check(cost: Decimal) -> None:
    """Refuse a sale of ``cost`` that would take the deposit under the floor. Fetches the
    balance first if it was never fetched (outside any transaction)."""
    available = deposit_available()
    if available is None:
        try:
            available = deposit_refresh(source="sale").balance
        except ProviderError as exc:
            raise DepositLow(
                _("The PPOB deposit cannot be checked now; try again in a moment."),
                code="deposit_unknown",
            ) from exc
    floor = Decimal(str(settings.PPOB_DEPOSIT_FLOOR))
    if available - cost < floor:
        logger.error(
            "PPOB sale refused: deposit %s less %s is under the floor %s", available, cost, floor
        )
        raise DepositLow(
            _("PPOB sales are paused until the head office tops up its deposit."),
            code="deposit_low",
        )
