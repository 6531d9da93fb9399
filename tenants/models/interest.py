"""Interest on members' savings: the monthly jasa on simpanan sukarela (one run per month,
one line per account with the balance runs it was worked out from), time deposits
(simpanan berjangka) and the settlement of a member who leaves.

Written only by tenants.interest services, in the same transaction as their journal
entries.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tenants.models.ledger import JournalEntry
from tenants.models.members import Member
from tenants.models.savings import SavingsAccount, SavingsProduct

__all__ = [
    "JasaLine",
    "JasaRun",
    "JasaRunStatus",
    "PayoutTo",
    "ResignationSettlement",
    "TermDeposit",
    "TermDepositSetting",
    "TermDepositStatus",
]

ZERO = Decimal("0.00")


class JasaRunStatus(models.TextChoices):
    POSTED = "posted", _("Posted")
    EMPTY = "empty", _("Nothing to post")


class JasaRun(models.Model):
    """The jasa of one month on every sukarela account. ``total_exact`` is the sum of the
    unrounded amounts; ``remainder`` (exact - posted) is what rounding each account down
    to the rupiah left with the cooperative, recorded so it is never lost."""

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    status = models.CharField(_("status"), max_length=6, choices=JasaRunStatus.choices)
    entry_date = models.DateField(_("date"))
    journal_entry = models.OneToOneField(
        JournalEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jasa_run",
        verbose_name=_("journal entry"),
    )
    accounts_count = models.PositiveIntegerField(_("accounts"), default=0)
    total_amount = models.DecimalField(_("jasa posted"), max_digits=18, decimal_places=2)
    total_exact = models.DecimalField(_("jasa before rounding"), max_digits=24, decimal_places=8)
    remainder = models.DecimalField(_("rounding remainder"), max_digits=24, decimal_places=8)
    # identity.User lives in the public schema: no foreign key across schemas.
    created_by_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        db_table = "interest_jasa_run"
        ordering = ["year", "month"]
        verbose_name = _("jasa run")
        verbose_name_plural = _("jasa runs")
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="interest_jasa_run_month"),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12), name="interest_jasa_run_month_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=JasaRunStatus.values), name="interest_jasa_run_status"
            ),
            models.CheckConstraint(
                condition=Q(total_amount__gte=0) & Q(remainder__gte=0),
                name="interest_jasa_run_amounts",
            ),
        ]

    def __str__(self) -> str:
        return f"jasa {self.year}-{self.month:02d} ({self.status})"


class JasaLine(models.Model):
    """One account's jasa for the run's month. ``breakdown`` lists the balance runs:
    [{"from", "to", "days", "balance", "jasa"}], jasa = balance x days x rate / 365.
    The line is also the credit to the account: the balance history of an account is its
    savings transactions plus its jasa lines."""

    run = models.ForeignKey(
        JasaRun, on_delete=models.PROTECT, related_name="lines", verbose_name=_("jasa run")
    )
    account = models.ForeignKey(
        SavingsAccount,
        on_delete=models.PROTECT,
        related_name="jasa_lines",
        verbose_name=_("savings account"),
    )
    average_balance = models.DecimalField(
        _("average daily balance"), max_digits=18, decimal_places=2
    )
    days = models.PositiveSmallIntegerField(_("days"))
    rate_percent = models.DecimalField(_("rate (percent a year)"), max_digits=5, decimal_places=2)
    balance_days = models.DecimalField(_("balance x days"), max_digits=24, decimal_places=2)
    amount = models.DecimalField(_("jasa"), max_digits=18, decimal_places=2)
    breakdown = models.JSONField(_("breakdown"), default=list)

    class Meta:
        db_table = "interest_jasa_line"
        ordering = ["run_id", "account_id"]
        verbose_name = _("jasa line")
        verbose_name_plural = _("jasa lines")
        constraints = [
            models.UniqueConstraint(fields=["run", "account"], name="interest_jasa_line_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="interest_jasa_line_amount"),
        ]
        indexes = [models.Index(fields=["account", "run"], name="interest_jasa_line_acct_idx")]

    def __str__(self) -> str:
        return f"jasa {self.amount} account {self.account_id}"


class TermDepositSetting(models.Model):
    """A berjangka product's early-break penalty (percent of the principal); a product
    without a row uses tenants.interest.berjangka.DEFAULT_PENALTY_PERCENT."""

    product = models.OneToOneField(
        SavingsProduct,
        on_delete=models.PROTECT,
        related_name="term_deposit_setting",
        verbose_name=_("product"),
    )
    penalty_percent = models.DecimalField(
        _("early-break penalty (percent)"), max_digits=5, decimal_places=2
    )

    class Meta:
        db_table = "interest_term_deposit_setting"
        verbose_name = _("time deposit setting")
        verbose_name_plural = _("time deposit settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(penalty_percent__gte=0) & Q(penalty_percent__lte=100),
                name="interest_td_setting_penalty_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.penalty_percent}%"


class TermDepositStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    MATURED = "matured", _("Matured")
    BROKEN = "broken", _("Broken early")


class PayoutTo(models.TextChoices):
    CASH = "cash", _("Cash")
    SUKARELA = "sukarela", _("Voluntary savings")


class TermDeposit(models.Model):
    """One time deposit. ``account`` is the berjangka savings account that holds the
    principal while it runs (so savings_balances_match_ledger covers it)."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="term_deposits", verbose_name=_("member")
    )
    product = models.ForeignKey(
        SavingsProduct,
        on_delete=models.PROTECT,
        related_name="term_deposits",
        verbose_name=_("product"),
    )
    account = models.OneToOneField(
        SavingsAccount,
        on_delete=models.PROTECT,
        related_name="term_deposit",
        verbose_name=_("savings account"),
    )
    principal = models.DecimalField(_("principal"), max_digits=18, decimal_places=2)
    rate_percent = models.DecimalField(_("rate (percent a year)"), max_digits=5, decimal_places=2)
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    penalty_percent = models.DecimalField(
        _("early-break penalty (percent)"), max_digits=5, decimal_places=2
    )
    opened_on = models.DateField(_("opened on"))
    maturity_on = models.DateField(_("matures on"))
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=TermDepositStatus.choices,
        default=TermDepositStatus.ACTIVE,
    )
    interest = models.DecimalField(
        _("interest paid"), max_digits=18, decimal_places=2, default=ZERO
    )
    penalty = models.DecimalField(_("penalty"), max_digits=18, decimal_places=2, default=ZERO)
    payout_to = models.CharField(
        _("paid out to"), max_length=8, choices=PayoutTo.choices, blank=True
    )
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    open_entry = models.OneToOneField(
        JournalEntry,
        on_delete=models.PROTECT,
        related_name="term_deposit_opened",
        verbose_name=_("opening entry"),
    )
    payout_entry = models.OneToOneField(
        JournalEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="term_deposit_paid",
        verbose_name=_("payout entry"),
    )
    idempotency_key = models.CharField(max_length=80, unique=True)

    class Meta:
        db_table = "interest_term_deposit"
        ordering = ["id"]
        verbose_name = _("time deposit")
        verbose_name_plural = _("time deposits")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=TermDepositStatus.values), name="interest_td_status"
            ),
            models.CheckConstraint(
                condition=Q(principal__gt=0)
                & Q(interest__gte=0)
                & Q(penalty__gte=0)
                & Q(term_months__gte=1)
                & Q(maturity_on__gt=F("opened_on")),
                name="interest_td_amounts",
            ),
            models.CheckConstraint(
                condition=Q(status=TermDepositStatus.ACTIVE, payout_entry__isnull=True)
                | (~Q(status=TermDepositStatus.ACTIVE) & Q(settled_on__isnull=False)),
                name="interest_td_settled",
            ),
        ]
        indexes = [models.Index(fields=["member", "status"], name="interest_td_member_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.principal} {self.status}"


class ResignationSettlement(models.Model):
    """The payout of a member who left: their pokok and wajib returned, once."""

    member = models.OneToOneField(
        Member,
        on_delete=models.PROTECT,
        related_name="resignation_settlement",
        verbose_name=_("member"),
    )
    pokok = models.DecimalField(_("simpanan pokok"), max_digits=18, decimal_places=2)
    wajib = models.DecimalField(_("simpanan wajib"), max_digits=18, decimal_places=2)
    total = models.DecimalField(_("total"), max_digits=18, decimal_places=2)
    payout_to = models.CharField(_("paid out to"), max_length=8, choices=PayoutTo.choices)
    journal_entry = models.OneToOneField(
        JournalEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resignation_settlement",
        verbose_name=_("journal entry"),
    )
    settled_on = models.DateField(_("settled on"))
    created_by_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        db_table = "interest_resignation_settlement"
        ordering = ["id"]
        verbose_name = _("resignation settlement")
        verbose_name_plural = _("resignation settlements")
        constraints = [
            models.CheckConstraint(
                condition=Q(pokok__gte=0) & Q(wajib__gte=0) & Q(total__gte=0),
                name="interest_resignation_amounts",
            ),
        ]

    def __str__(self) -> str:
        return f"member {self.member_id}: {self.total}"
