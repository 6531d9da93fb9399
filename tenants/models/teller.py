"""The teller's cash drawer (laci kas): counted at opening and closing, with every savings
deposit and withdrawal made at the desk while it is open linked to it."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tenants.models.ledger import JournalEntry
from tenants.models.savings import SavingsTransaction

ZERO = Decimal("0.00")


class CashDrawer(models.Model):
    """One teller's drawer from opening to closing. ``expected`` (opening count plus
    deposits minus withdrawals) and ``difference`` (counted - expected) are set at close;
    a non-zero difference is booked as cash over/short in ``difference_entry``."""

    # identity.User lives in the public schema: no foreign key across schemas.
    teller_id = models.BigIntegerField(_("teller"))
    opened_at = models.DateTimeField(_("opened at"))
    opening_count = models.DecimalField(_("opening count"), max_digits=18, decimal_places=2)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closing_count = models.DecimalField(
        _("closing count"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    expected = models.DecimalField(
        _("expected"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    difference = models.DecimalField(
        _("difference"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    difference_entry = models.OneToOneField(
        JournalEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cash_drawer",
        verbose_name=_("over/short journal entry"),
    )
    note = models.TextField(_("note"), blank=True, default="")

    class Meta:
        db_table = "teller_cash_drawer"
        ordering = ["-opened_at", "-id"]
        verbose_name = _("cash drawer")
        verbose_name_plural = _("cash drawers")
        constraints = [
            models.UniqueConstraint(
                fields=["teller_id"],
                condition=Q(closed_at__isnull=True),
                name="teller_cash_drawer_one_open",
            ),
            models.CheckConstraint(
                condition=Q(opening_count__gte=0)
                & (Q(closing_count__isnull=True) | Q(closing_count__gte=0)),
                name="teller_cash_drawer_counts_valid",
            ),
            models.CheckConstraint(
                condition=(
                    Q(closed_at__isnull=True)
                    & Q(closing_count__isnull=True)
                    & Q(expected__isnull=True)
                    & Q(difference__isnull=True)
                )
                | (
                    Q(closed_at__isnull=False)
                    & Q(closing_count__isnull=False)
                    & Q(expected__isnull=False)
                    & Q(difference__isnull=False)
                ),
                name="teller_cash_drawer_closed_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} teller {self.teller_id}"


class CashDrawerMovement(models.Model):
    """Cash through a drawer: ``amount`` is positive for cash in, negative for cash out.
    Either a savings transaction (deposit, withdrawal) or another counter entry that
    moves Kas (a loan repayment, a PPOB sale paid in cash), with its journal entry."""

    drawer = models.ForeignKey(
        CashDrawer, on_delete=models.PROTECT, related_name="movements", verbose_name=_("drawer")
    )
    savings_transaction = models.OneToOneField(
        SavingsTransaction,
        on_delete=models.PROTECT,
        related_name="drawer_movement",
        verbose_name=_("savings transaction"),
        null=True,
        blank=True,
    )
    journal_entry = models.OneToOneField(
        JournalEntry,
        on_delete=models.PROTECT,
        related_name="drawer_movement",
        verbose_name=_("journal entry"),
        null=True,
        blank=True,
    )
    description = models.CharField(_("description"), max_length=200, blank=True, default="")
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)

    class Meta:
        db_table = "teller_cash_drawer_movement"
        ordering = ["drawer_id", "id"]
        verbose_name = _("cash drawer movement")
        verbose_name_plural = _("cash drawer movements")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="teller_movement_not_zero"),
            models.CheckConstraint(
                condition=Q(savings_transaction__isnull=False, journal_entry__isnull=True)
                | Q(savings_transaction__isnull=True, journal_entry__isnull=False),
                name="teller_movement_one_source",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.amount} (drawer {self.drawer_id})"
