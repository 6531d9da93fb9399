"""What the books' public door (tenants.books) keeps in a cooperative's schema: holds on
members' simpanan sukarela made by the shared layer, and the member business (jasa usaha)
reported to the cooperative, which the SHU distribution counts."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tenants.models.ledger import JournalEntry
from tenants.models.members import Member
from tenants.models.savings import SavingsAccount


class ReservationStatus(models.TextChoices):
    HELD = "held", _("Held")
    CAPTURED = "captured", _("Captured")
    RELEASED = "released", _("Released")
    EXPIRED = "expired", _("Expired")


class SavingsReservation(models.Model):
    """An amount of a sukarela account held for a caller (SavingsAccount.reserved counts it
    while ``held``), then captured (withdrawn through the ledger), released or expired."""

    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(
        SavingsAccount,
        on_delete=models.PROTECT,
        related_name="reservations",
        verbose_name=_("savings account"),
    )
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)
    caller = models.CharField(_("caller"), max_length=80)
    # caller + ":" + the caller's key: callers cannot collide with each other's keys.
    idempotency_key = models.CharField(max_length=200, unique=True)
    request_digest = models.CharField(max_length=64)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReservationStatus.choices,
        default=ReservationStatus.HELD,
    )
    expires_at = models.DateTimeField(_("expires at"))
    created_at = models.DateTimeField(_("created at"))
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    journal_entry = models.ForeignKey(
        JournalEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("journal entry"),
    )

    class Meta:
        db_table = "books_savings_reservation"
        ordering = ["id"]
        verbose_name = _("savings reservation")
        verbose_name_plural = _("savings reservations")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="books_reservation_amount_pos"),
            models.CheckConstraint(
                condition=Q(status__in=ReservationStatus.values),
                name="books_reservation_status_valid",
            ),
            models.CheckConstraint(
                condition=(Q(status=ReservationStatus.CAPTURED) & Q(journal_entry__isnull=False))
                | (~Q(status=ReservationStatus.CAPTURED) & Q(journal_entry__isnull=True)),
                name="books_reservation_entry_iff_captured",
            ),
            models.CheckConstraint(
                condition=(Q(status=ReservationStatus.HELD) & Q(settled_at__isnull=True))
                | (~Q(status=ReservationStatus.HELD) & Q(settled_at__isnull=False)),
                name="books_reservation_settled_iff_not_held",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="books_reservation_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.status} {self.amount}"


class MemberBusinessKind(models.TextChoices):
    PPOB = "ppob", _("Bill payments and top-ups (PPOB)")
    STORE = "store", _("Store purchases")
    MARKETPLACE = "marketplace", _("Marketplace purchases")
    LOAN_INTEREST = "loan_interest", _("Loan interest paid")
    OTHER = "other", _("Other business")


class MemberBusiness(models.Model):
    """One piece of a member's business with the cooperative (jasa usaha), reported by the
    unit that did it; the SHU's jasa usaha share is divided by these amounts."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="business", verbose_name=_("member")
    )
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)
    kind = models.CharField(_("kind"), max_length=20, choices=MemberBusinessKind.choices)
    reference = models.CharField(_("reference"), max_length=100)
    caller = models.CharField(_("caller"), max_length=80)
    idempotency_key = models.CharField(max_length=200, unique=True)
    request_digest = models.CharField(max_length=64)
    occurred_at = models.DateTimeField(_("occurred at"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        db_table = "books_member_business"
        ordering = ["id"]
        verbose_name = _("member business")
        verbose_name_plural = _("member business")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="books_business_amount_pos"),
            models.CheckConstraint(
                condition=Q(kind__in=MemberBusinessKind.values), name="books_business_kind_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["member", "occurred_at"], name="books_business_member_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.amount} member {self.member_id}"


__all__ = [
    "MemberBusiness",
    "MemberBusinessKind",
    "ReservationStatus",
    "SavingsReservation",
]
