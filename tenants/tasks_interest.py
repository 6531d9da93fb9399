"""Celery tasks of savings interest. Each runs in the schema its message carries
(tenant-schemas-celery); beat fans them out with scheduling.tasks.for_each_cooperative.
Safe to run twice: a month's jasa is posted once."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import connection
from django_tenants.utils import get_public_schema_name

from tenants.interest.exceptions import JasaRefused
from tenants.interest.jasa import jasa_post_month
from tenants.ledger.periods import business_today
from tenants.ledger.tenancy import current_schema

logger = logging.getLogger(__name__)


@shared_task(name="tenants.tasks.jasa_post_previous_month", ignore_result=True)
def jasa_post_previous_month() -> int | None:
    """Post last month's jasa on simpanan sukarela in the current cooperative; returns the
    run's id (None outside a cooperative or when the month is refused, e.g. closed)."""
    if current_schema() == get_public_schema_name() or getattr(connection, "tenant", None) is None:
        logger.warning("jasa task outside a cooperative's schema: skipped")
        return None
    today = business_today()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    try:
        run = jasa_post_month(actor=None, year=year, month=month)
    except JasaRefused as exc:
        logger.warning("jasa %s-%02d not posted: %s", year, month, exc.code)
        return None
    return run.pk
