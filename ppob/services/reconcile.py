"""Reconciliation: which purchases need another look."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from ppob.models import Purchase, PurchaseStatus, ReviewReason, ReviewStatus


def pending_due_ids(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Pending purchases whose last contact (or creation, if never sent) was at least the
    cooldown ago, oldest contact first. Those already in the review queue for their age
    are left to the head office; purchase_check sends the ones past the age limit there."""
    moment = now or timezone.now()
    cutoff = moment - timedelta(seconds=settings.PPOB_RECHECK_COOLDOWN_SECONDS)
    return list(
        Purchase.objects.filter(status=PurchaseStatus.PENDING)
        .filter(
            Q(last_contact_at__lte=cutoff) | Q(last_contact_at__isnull=True, created_at__lte=cutoff)
        )
        .exclude(reviews__reason=ReviewReason.AGE_LIMIT, reviews__status=ReviewStatus.OPEN)
        .order_by(F("last_contact_at").asc(nulls_first=True), "pk")
        .values_list("pk", flat=True)[:limit]
    )
