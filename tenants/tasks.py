"""Celery tasks of the cooperative's books. Each runs in the schema its message carries
(tenant-schemas-celery); the fan-out to every cooperative is scheduling.tasks
.for_each_cooperative. Every task is safe to run twice."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.db import connection
from django_tenants.utils import get_public_schema_name
from registry.models import Cooperative

from tenants.ledger.chain import chain_publish_day, chain_seal_pending
from tenants.ledger.periods import business_today
from tenants.ledger.tenancy import current_schema

logger = logging.getLogger(__name__)


def _cooperative() -> Cooperative | None:
    tenant = getattr(connection, "tenant", None)
    if current_schema() == get_public_schema_name() or not isinstance(tenant, Cooperative):
        logger.warning("ledger task outside a cooperative's schema: skipped")
        return None
    return tenant


@shared_task(name="tenants.tasks.ledger_seal_pending", ignore_result=True)
def ledger_seal_pending() -> int:
    """Seal entries whose after-commit sealing did not run (e.g. the process died)."""
    if _cooperative() is None:
        return 0
    return chain_seal_pending()


@shared_task(name="tenants.tasks.ledger_publish_yesterday", ignore_result=True)
def ledger_publish_yesterday() -> str:
    """Publish yesterday's Merkle root (Asia/Jakarta) of the current cooperative, and any
    earlier day not yet published. Returns the chained root."""
    cooperative = _cooperative()
    if cooperative is None:
        return ""
    chain_seal_pending()
    root = chain_publish_day(cooperative=cooperative, day=business_today() - timedelta(days=1))
    return root.chained_root


# Tasks of other parts of the books, registered with Celery through this module (autodiscovery
# imports only `tenants.tasks`).
from tenants import tasks_books, tasks_interest, tasks_loans  # noqa: E402, F401
from tenants.importer import tasks as importer_tasks  # noqa: E402, F401
