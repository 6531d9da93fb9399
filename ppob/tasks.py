"""PPOB's Celery tasks. They run in the public schema (PPOB's tables live there), take
ids, call one service, and are safe to run twice: a provider call is claimed by
compare-and-swap on the purchase first, and every money step is idempotent."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import shared_task
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from ppob.providers.base import ProviderError
from ppob.services.catalogue import catalogue_sync
from ppob.services.deposit import deposit_refresh
from ppob.services.money import money_due_ids, purchase_money_settle
from ppob.services.purchases import cooldown_remaining, purchase_check, purchase_submit
from ppob.services.reconcile import pending_due_ids
from ppob.services.settlement import settlements_close_month

logger = logging.getLogger(__name__)


def enqueue(task: Any, *, countdown: float | None = None, **kwargs: Any) -> None:
    """Send a PPOB task from the public schema, whatever host the request came through."""
    with schema_context(get_public_schema_name()):
        task.apply_async(kwargs=kwargs, countdown=countdown)


@shared_task(name="ppob.tasks.purchase_submit", ignore_result=True)
def purchase_submit_task(purchase_id: int) -> str:
    """The first provider call. Redelivered after a crash, it finds the call claimed and
    asks for the status instead, once the cooldown has passed."""
    state = purchase_submit(purchase_id=purchase_id)
    if state == "cooldown":
        enqueue(
            purchase_check_task,
            countdown=cooldown_remaining(purchase_id) + 0.5,
            purchase_id=purchase_id,
        )
    return state


@shared_task(name="ppob.tasks.purchase_check", ignore_result=True)
def purchase_check_task(purchase_id: int) -> str:
    return purchase_check(purchase_id=purchase_id)


@shared_task(name="ppob.tasks.purchase_money_settle", ignore_result=True)
def purchase_money_settle_task(purchase_id: int) -> str:
    return purchase_money_settle(purchase_id=purchase_id).status


@shared_task(name="ppob.tasks.purchases_reconcile", ignore_result=True)
def purchases_reconcile() -> int:
    """Beat, every 30 s: a status check for each pending purchase past the cooldown (too
    old ones go to the review queue), and the money steps of final purchases a crash
    interrupted. One task per purchase, so checks run in parallel on the workers."""
    due = pending_due_ids()
    for purchase_id in due:
        enqueue(purchase_check_task, purchase_id=purchase_id)
    money = money_due_ids()
    for purchase_id in money:
        enqueue(purchase_money_settle_task, purchase_id=purchase_id)
    return len(due) + len(money)


@shared_task(name="ppob.tasks.deposit_refresh", ignore_result=True)
def deposit_refresh_task(source: str = "beat") -> str:
    try:
        return str(deposit_refresh(source=source).balance)
    except ProviderError as exc:
        logger.error("PPOB deposit could not be refreshed: %s", exc)
        return ""


@shared_task(name="ppob.tasks.catalogue_sync", ignore_result=True)
def catalogue_sync_task() -> int:
    try:
        return catalogue_sync().listed
    except ProviderError as exc:
        logger.error("PPOB price list could not be synced: %s", exc)
        return 0


@shared_task(name="ppob.tasks.settlements_close", ignore_result=True)
def settlements_close_task() -> int:
    """Beat, on the 1st: close last month's settlement of every cooperative."""
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    return len(settlements_close_month(actor=None, period=last_month))
