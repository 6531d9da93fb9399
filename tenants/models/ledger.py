"""The general ledger: chart of accounts, journal entries and their postings, balances
and fiscal periods.

Entries and postings are immutable once written (database triggers, migration 0002):
a correction is a reversing entry. Writes go through tenants.ledger services only.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

HEX64 = r"^[0-9a-f]{64}$"
ZERO = Decimal("0.00")


class AccountType(models.TextChoices):
    ASSET = "asset", _("Asset")
    LIABILITY = "liability", _("Liability")
    EQUITY = "equity", _("Equity")
    INCOME = "income", _("Income")
    EXPENSE = "expense", _("Expense")


class NormalSide(models.TextChoices):
    DEBIT = "debit", _("Debit")
    CREDIT = "credit", _("Credit")


class Account(models.Model):
    """One account of the chart. Group accounts (is_group) only hold sub-accounts; postings
    go to the others. An account with postings is never deleted, only deactivated."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    type = models.CharField(_("type"), max_length=10, choices=AccountType.choices)
    normal_side = models.CharField(_("normal side"), max_length=6, choices=NormalSide.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("group"),
    )
    is_group = models.BooleanField(_("group account"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        db_table = "ledger_account"
        ordering = ["code"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(type__in=AccountType.values), name="ledger_account_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(normal_side__in=NormalSide.values), name="ledger_account_side_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AccountBalance(models.Model):
    """Running totals of one account, kept in the posting's transaction and checked against
    the postings by tenants.ledger.posting.ledger_check_balances."""

    account = models.OneToOneField(
        Account, on_delete=models.PROTECT, primary_key=True, related_name="balance"
    )
    debit_total = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0.00"))
    credit_total = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0.00"))

    class Meta:
        db_table = "ledger_accountbalance"
        verbose_name = _("account balance")
        verbose_name_plural = _("account balances")
        constraints = [
            models.CheckConstraint(
                condition=Q(debit_total__gte=0) & Q(credit_total__gte=0),
                name="ledger_balance_totals_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.debit_total} / {self.credit_total}"


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class FiscalPeriod(models.Model):
    """A month of the books. A missing row means an open month; posting makes the row."""

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    status = models.CharField(
        _("status"), max_length=6, choices=PeriodStatus.choices, default=PeriodStatus.OPEN
    )
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    # No foreign key: users live in the public schema.
    changed_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        db_table = "ledger_fiscalperiod"
        ordering = ["year", "month"]
        verbose_name = _("fiscal period")
        verbose_name_plural = _("fiscal periods")
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="ledger_period_unique_month"),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12), name="ledger_period_month_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=PeriodStatus.values), name="ledger_period_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"


class JournalEntry(models.Model):
    """One balanced journal entry. Immutable; the four sealing columns are set once, from
    NULL, by tenants.ledger.chain.chain_seal_pending (entry_hash, chain_hash, seq,
    sealed_at), in the order entries were committed."""

    entry_date = models.DateField(_("date"))  # business date, Asia/Jakarta
    description = models.CharField(_("description"), max_length=500)
    kind = models.CharField(_("kind"), max_length=40, default="manual")
    idempotency_key = models.CharField(max_length=100, unique=True)
    # sha256 of the request that made the entry: a repeated key must carry the same request.
    request_digest = models.CharField(max_length=64)
    # No foreign key: users live in the public schema.
    created_by_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    reversal_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversals",
        verbose_name=_("reversal of"),
        db_index=False,  # the partial unique constraint below indexes it
    )
    seq = models.BigIntegerField(null=True, blank=True, unique=True)
    entry_hash = models.CharField(max_length=64, null=True, blank=True)
    chain_hash = models.CharField(max_length=64, null=True, blank=True)
    sealed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        db_table = "ledger_journalentry"
        ordering = ["id"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        indexes = [
            models.Index(fields=["entry_date", "id"], name="ledger_entry_date_idx"),
            models.Index(
                fields=["id"], condition=Q(seq__isnull=True), name="ledger_entry_unsealed"
            ),
        ]
        constraints = [
            # An entry is reversed at most once.
            models.UniqueConstraint(
                fields=["reversal_of"],
                condition=Q(reversal_of__isnull=False),
                name="ledger_entry_reversed_once",
            ),
            models.CheckConstraint(
                condition=(
                    Q(seq__isnull=True)
                    & Q(entry_hash__isnull=True)
                    & Q(chain_hash__isnull=True)
                    & Q(sealed_at__isnull=True)
                )
                | (
                    Q(seq__gte=1)
                    & Q(entry_hash__regex=HEX64)
                    & Q(chain_hash__regex=HEX64)
                    & Q(sealed_at__isnull=False)
                ),
                name="ledger_entry_sealed_all_or_nothing",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.entry_date} {self.description[:40]}"

    @property
    def is_sealed(self) -> bool:
        return self.seq is not None


class Posting(models.Model):
    """One line of an entry: exactly one of debit and credit is positive."""

    # Both foreign keys are indexed by the composite index and unique constraint below.
    entry = models.ForeignKey(
        JournalEntry, on_delete=models.PROTECT, related_name="postings", db_index=False
    )
    line_no = models.PositiveSmallIntegerField()
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="postings", db_index=False
    )
    debit = models.DecimalField(_("debit"), max_digits=18, decimal_places=2, default=ZERO)
    credit = models.DecimalField(_("credit"), max_digits=18, decimal_places=2, default=ZERO)
    # A member number, for the member's own statement later; no foreign key on purpose.
    member_ref = models.CharField(_("member"), max_length=64, blank=True, default="")

    class Meta:
        db_table = "ledger_posting"
        ordering = ["entry_id", "line_no"]
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        indexes = [
            models.Index(fields=["account", "entry"], name="ledger_posting_account_idx"),
            models.Index(
                fields=["member_ref"], condition=~Q(member_ref=""), name="ledger_posting_member_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["entry", "line_no"], name="ledger_posting_line_unique"),
            models.CheckConstraint(
                condition=(Q(debit__gt=0) & Q(credit=0)) | (Q(credit__gt=0) & Q(debit=0)),
                name="ledger_posting_one_side",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}/{self.line_no} {self.account_id} D{self.debit} C{self.credit}"
