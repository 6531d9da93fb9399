"""Celery tasks of the books' door (tenants.books). Each runs in the schema its message
carries (tenant-schemas-celery); the fan-out to every cooperative is scheduling.tasks
.for_each_cooperative. Safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import connection
from django_tenants.utils import get_public_schema_name
from registry.models import Cooperative

from tenants.books import reservation_expire_due
from tenants.ledger.tenancy import current_schema

logger = logging.getLogger(__name__)


@shared_task(name="tenants.tasks.books_expire_reservations", ignore_result=True)
def books_expire_reservations() -> int:
    """Release the current cooperative's sukarela holds past their time."""
    tenant = getattr(connection, "tenant", None)
    if current_schema() == get_public_schema_name() or not isinstance(tenant, Cooperative):
        logger.warning("books task outside a cooperative's schema: skipped")
        return 0
    return reservation_expire_due()
