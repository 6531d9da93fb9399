"""The one function that applies a provider's result to a purchase, wherever the result
came from: the synchronous answer, a webhook, the reconciliation job, or a person at the
head office (review)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ppob.models import Purchase, PurchaseStatus, ReviewReason
from ppob.providers.base import Outcome, TransactionResult
from ppob.services.money import purchase_money_settle
from ppob.services.review import review_add

logger = logging.getLogger(__name__)

SOURCES = frozenset({"sync", "webhook", "reconcile", "review", "local"})


@dataclass(frozen=True)
class Applied:
    purchase: Purchase
    changed: bool  # this call moved the status (pending -> success | failed)
    outcome: str  # the outcome as applied: success, failed or pending


def effective_outcome(result: TransactionResult, *, first_contact: bool) -> Outcome:
    """REFUSED is a definite failure only on the first call for a ref_id: later, the
    transaction the first call may have made still exists whatever this call was told."""
    if result.outcome == Outcome.REFUSED:
        return Outcome.FAILED if first_contact else Outcome.PENDING
    return result.outcome


def purchase_result_apply(
    *,
    result: TransactionResult,
    source: str,
    purchase_id: int | None = None,
    first_contact: bool = False,
) -> Applied:
    """Apply ``result`` by compare-and-swap: only a pending purchase becomes success or
    failed, in one short transaction (an UPDATE ... WHERE status = 'pending'; the row lock
    lasts that statement's transaction only). A pending (unknown, ambiguous) result
    changes no status. A definite result that contradicts a final status goes to the
    review queue; a repeat of the same result changes nothing. After the change commits,
    the money steps run (purchase_money_settle), outside that transaction; they also run
    for a final purchase whose money steps were interrupted before."""
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    if purchase_id is None:
        purchase_id = Purchase.objects.values_list("pk", flat=True).get(ref_id=result.ref_id)
    outcome = effective_outcome(result, first_contact=first_contact)
    now = timezone.now()
    fields = {"rc": result.rc[:4], "message": result.message[:255]}
    with transaction.atomic():
        pending = Purchase.objects.filter(pk=purchase_id, status=PurchaseStatus.PENDING)
        if outcome == Outcome.SUCCESS:
            changed = pending.update(
                status=PurchaseStatus.SUCCESS,
                sn=result.sn,
                provider_price=result.price,
                settled_at=now,
                **fields,
            )
        elif outcome == Outcome.FAILED:
            changed = pending.update(status=PurchaseStatus.FAILED, settled_at=now, **fields)
        else:
            changed = 0
            if result.rc or result.message:
                pending.update(**fields)
        purchase = Purchase.objects.get(pk=purchase_id)
        if not changed and outcome != Outcome.PENDING and purchase.status != outcome.value:
            review_add(
                purchase_id=purchase_id,
                reason=ReviewReason.CONFLICT,
                detail={
                    "source": source,
                    "status": purchase.status,
                    "result": outcome.value,
                    "rc": result.rc,
                    "message": result.message,
                    "sn": result.sn,
                },
            )
            logger.warning(
                "PPOB %s: %s result %s contradicts status %s",
                purchase.ref_id,
                source,
                outcome.value,
                purchase.status,
            )
    if purchase.is_final and purchase.money_settled_at is None and not purchase.money_error:
        purchase = purchase_money_settle(purchase_id=purchase_id)
    if result.rc == "44":
        _deposit_alert()
    return Applied(purchase=purchase, changed=bool(changed), outcome=outcome.value)


def _deposit_alert() -> None:
    """rc 44: the provider says our deposit is too low. Refresh it after the commit."""
    from ppob.tasks import deposit_refresh_task, enqueue

    transaction.on_commit(lambda: enqueue(deposit_refresh_task, source="rc44"))
