"""The head office's review queue: purchases the machines could not settle."""

from __future__ import annotations

from typing import Any

from audit.services import audit_record
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ppob.exceptions import ReviewRefused
from ppob.models import Purchase, PurchaseStatus, ReviewItem, ReviewReason, ReviewStatus
from ppob.providers.base import Outcome, TransactionResult

RESOLUTIONS = ("success", "failed", "dismissed", "retry")


def review_add(*, purchase_id: int, reason: str, detail: dict[str, Any]) -> ReviewItem:
    """One open item per purchase and reason; adding it again returns the open one."""
    found = ReviewItem.objects.filter(
        purchase_id=purchase_id, reason=reason, status=ReviewStatus.OPEN
    ).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return ReviewItem.objects.create(
                purchase_id=purchase_id, reason=reason, detail=detail, created_at=timezone.now()
            )
    except IntegrityError:
        return ReviewItem.objects.get(
            purchase_id=purchase_id, reason=reason, status=ReviewStatus.OPEN
        )


def review_resolve(
    *, actor: Any, item: ReviewItem, resolution: str, note: str, sn: str = ""
) -> ReviewItem:
    """Close a review item. For a purchase still pending, "success" (with the SN the
    provider's dashboard shows) or "failed" is applied through purchase_result_apply, so
    the money moves exactly as for a provider's answer; "dismissed" changes nothing. For
    a money item, "retry" runs the money steps again (once the cause is fixed), and
    "dismissed" records that a person settled the money by hand."""
    from ppob.services.results import purchase_result_apply

    if resolution not in RESOLUTIONS:
        raise ReviewRefused(
            _("Choose success, failed, retry or dismissed."), code="resolution_invalid"
        )
    if (resolution == "retry") != (item.reason == ReviewReason.MONEY) and resolution in (
        "retry",
        "success",
        "failed",
    ):
        raise ReviewRefused(
            _("Money items are retried or dismissed; other items are settled."),
            code="resolution_invalid",
        )
    text = note.strip() if isinstance(note, str) else ""
    if not text:
        raise ReviewRefused(_("Write down why."), code="note_missing")
    purchase = Purchase.objects.get(pk=item.purchase_id)
    if resolution in ("success", "failed") and purchase.status not in (
        PurchaseStatus.PENDING,
        resolution,
    ):
        raise ReviewRefused(
            _("This purchase is already final (%(status)s); dismiss the item instead.")
            % {"status": purchase.get_status_display()},
            code="purchase_final",
        )
    if resolution == "success" and purchase.status == PurchaseStatus.PENDING and not sn.strip():
        raise ReviewRefused(_("Enter the serial number the provider shows."), code="sn_missing")
    if resolution in ("success", "failed") and purchase.status == PurchaseStatus.PENDING:
        purchase_result_apply(
            purchase_id=purchase.pk,
            result=TransactionResult(
                outcome=Outcome(resolution),
                ref_id=purchase.ref_id,
                sn=sn.strip()[:500],
                message=f"review: {text}"[:255],
                reason="review",
            ),
            source="review",
        )
    if item.reason == ReviewReason.MONEY:
        _money_resolve(purchase, resolution, text)
    with transaction.atomic():
        updated = ReviewItem.objects.filter(pk=item.pk, status=ReviewStatus.OPEN).update(
            status=ReviewStatus.RESOLVED,
            resolved_at=timezone.now(),
            resolved_by_id=getattr(actor, "pk", None),
            resolution=resolution,
            note=text,
        )
        if updated:
            audit_record(
                actor=actor,
                action="ppob.review.resolve",
                obj=item,
                summary=f"{purchase.ref_id} {resolution}",
                data={"purchase": purchase.ref_id, "resolution": resolution},
            )
    return ReviewItem.objects.get(pk=item.pk)


def _money_resolve(purchase: Purchase, resolution: str, note: str) -> None:
    from ppob.services.money import purchase_money_settle

    if resolution == "retry":
        Purchase.objects.filter(pk=purchase.pk).update(money_error="")
        purchase_money_settle(purchase_id=purchase.pk)
    else:
        Purchase.objects.filter(pk=purchase.pk, money_settled_at__isnull=True).update(
            money_settled_at=timezone.now(),
            money_error=f"settled by hand: {note}"[:255],
        )
