"""Celery tasks of loans. Each runs in the schema its message carries
(tenant-schemas-celery); beat fans them out with scheduling.tasks.for_each_cooperative.
Safe to run twice: a day's aging is posted once."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import connection
from django_tenants.utils import get_public_schema_name

from tenants.ledger.exceptions import LedgerError
from tenants.ledger.tenancy import current_schema
from tenants.loans.aging import loan_aging_run
from tenants.loans.exceptions import AgingRefused

logger = logging.getLogger(__name__)


@shared_task(name="tenants.tasks.loans_age_today", ignore_result=True)
def loans_age_today() -> int | None:
    """Age the current cooperative's running loans as of today (Asia/Jakarta) and post
    the change in the loss allowance; returns the run's id (None outside a cooperative,
    or when refused, e.g. the month is closed)."""
    if current_schema() == get_public_schema_name() or getattr(connection, "tenant", None) is None:
        logger.warning("loan aging task outside a cooperative's schema: skipped")
        return None
    try:
        run = loan_aging_run(actor=None)
    except (AgingRefused, LedgerError) as exc:
        logger.warning("loan aging not posted: %s", exc.code)
        return None
    return run.pk
