"""Members' savings (simpanan, UU 25/1992 art. 41): the cooperative's products, each
member's accounts and every deposit and withdrawal.

A balance is kept in its account row, changed only by tenants.savings.services in the
same transaction as the journal entry that moves the product's ledger account, and
checked against the ledger by tenants.savings.selectors.savings_balances_match_ledger.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tenants.models.ledger import JournalEntry
from tenants.models.members import Member

ZERO = Decimal("0.00")


class SavingsKind(models.TextChoices):
    POKOK = "pokok", _("Principal savings (simpanan pokok)")
    WAJIB = "wajib", _("Mandatory savings (simpanan wajib)")
    SUKARELA = "sukarela", _("Voluntary savings (simpanan sukarela)")
    BERJANGKA = "berjangka", _("Time deposit (simpanan berjangka)")


# A member holds at most one account of these kinds per product; time deposits may repeat.
ONE_ACCOUNT_KINDS = (SavingsKind.POKOK, SavingsKind.WAJIB, SavingsKind.SUKARELA)


class SavingsProduct(models.Model):
    """A kind of savings the cooperative offers, with its settings. ``amount`` is the pokok
    amount (paid once) or the wajib monthly amount; the others leave it empty."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=SavingsKind.choices)
    name = models.CharField(_("name"), max_length=100)
    account_code = models.CharField(_("ledger account"), max_length=20)
    amount = models.DecimalField(
        _("fixed amount"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    minimum_balance = models.DecimalField(
        _("minimum balance"), max_digits=18, decimal_places=2, default=ZERO
    )
    annual_rate_percent = models.DecimalField(
        _("jasa rate (percent a year)"), max_digits=5, decimal_places=2, default=ZERO
    )
    term_months = models.PositiveSmallIntegerField(_("term (months)"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        db_table = "savings_product"
        ordering = ["code"]
        verbose_name = _("savings product")
        verbose_name_plural = _("savings products")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SavingsKind.values), name="savings_product_kind_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=[SavingsKind.POKOK, SavingsKind.WAJIB], amount__gt=0)
                    | (~Q(kind__in=[SavingsKind.POKOK, SavingsKind.WAJIB]) & Q(amount__isnull=True))
                ),
                name="savings_product_amount_for_pokok_wajib",
            ),
            models.CheckConstraint(
                condition=(Q(kind=SavingsKind.BERJANGKA, term_months__gte=1))
                | (~Q(kind=SavingsKind.BERJANGKA) & Q(term_months__isnull=True)),
                name="savings_product_term_for_berjangka",
            ),
            models.CheckConstraint(
                condition=Q(minimum_balance__gte=0)
                & Q(annual_rate_percent__gte=0)
                & Q(annual_rate_percent__lte=100),
                name="savings_product_settings_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SavingsAccount(models.Model):
    """One member's savings in one product. ``reserved`` is held (e.g. as loan collateral)
    and cannot be withdrawn. ``kind`` repeats the product's, for the unique constraint."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="savings_accounts", verbose_name=_("member")
    )
    product = models.ForeignKey(
        SavingsProduct,
        on_delete=models.PROTECT,
        related_name="accounts",
        verbose_name=_("product"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SavingsKind.choices)
    balance = models.DecimalField(_("balance"), max_digits=18, decimal_places=2, default=ZERO)
    reserved = models.DecimalField(_("reserved"), max_digits=18, decimal_places=2, default=ZERO)
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        db_table = "savings_account"
        ordering = ["member_id", "product_id", "id"]
        verbose_name = _("savings account")
        verbose_name_plural = _("savings accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "product"],
                condition=Q(kind__in=ONE_ACCOUNT_KINDS),
                name="savings_account_one_per_member",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SavingsKind.values), name="savings_account_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(balance__gte=0) & Q(reserved__gte=0) & Q(reserved__lte=F("balance")),
                name="savings_account_balance_covers_reserved",
            ),
        ]
        indexes = [models.Index(fields=["product", "member"], name="savings_account_product_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} member {self.member_id}"


class SavingsTransactionKind(models.TextChoices):
    DEPOSIT = "deposit", _("Deposit")
    WITHDRAWAL = "withdrawal", _("Withdrawal")


class SavingsTransaction(models.Model):
    """One deposit or withdrawal, with the journal entry that booked it."""

    account = models.ForeignKey(
        SavingsAccount,
        on_delete=models.PROTECT,
        related_name="transactions",
        verbose_name=_("savings account"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SavingsTransactionKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)
    balance_after = models.DecimalField(_("balance after"), max_digits=18, decimal_places=2)
    # Usually one entry per transaction; a collective deposit (payroll deduction, opening
    # balances of an import) books many members' transactions under one entry.
    journal_entry = models.ForeignKey(
        JournalEntry,
        on_delete=models.PROTECT,
        related_name="savings_transactions",
        verbose_name=_("journal entry"),
    )
    idempotency_key = models.CharField(max_length=90, unique=True)
    # sha256 of the request: a repeated key must carry the same request.
    request_digest = models.CharField(max_length=64)
    # identity.User lives in the public schema: no foreign key across schemas.
    teller_id = models.BigIntegerField(_("teller"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        db_table = "savings_transaction"
        ordering = ["account_id", "id"]
        verbose_name = _("savings transaction")
        verbose_name_plural = _("savings transactions")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SavingsTransactionKind.values),
                name="savings_transaction_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(balance_after__gte=0),
                name="savings_transaction_amounts_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.amount} (account {self.account_id})"
