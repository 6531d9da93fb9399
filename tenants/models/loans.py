"""Loans to members (pinjaman): the cooperative's loan products and settings, each loan
from application to closing, its schedules (every version kept), repayments, and the
daily aging with its loss allowance (PPAP).

Written only by tenants.loans services, in the same transaction as their journal entries.
A loan's ``principal_outstanding`` is kept beside the ledger (decision 0007's pattern) and
checked against account 1103 by tenants.loans.selectors.loans_ledger_difference.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tenants.models.ledger import JournalEntry
from tenants.models.members import Member

__all__ = [
    "BankClass",
    "FeeKind",
    "InterestMethod",
    "Loan",
    "LoanAgingLine",
    "LoanAgingRun",
    "LoanChannel",
    "LoanGuarantor",
    "LoanInstalment",
    "LoanInstalmentKind",
    "LoanPayoutTo",
    "LoanProduct",
    "LoanRepayment",
    "LoanRepaymentKind",
    "LoanRoute",
    "LoanSchedule",
    "LoanScheduleReason",
    "LoanSettings",
    "LoanStatus",
    "LoanSurveyNote",
    "MinistryClass",
]

ZERO = Decimal("0.00")


def _money(verbose: Any, **kwargs: Any) -> Any:
    """An amount in rupiah and sen: numeric(18, 2), as everywhere in the books."""
    return models.DecimalField(verbose, max_digits=18, decimal_places=2, **kwargs)


def _percent(verbose: Any, **kwargs: Any) -> Any:
    """A percent with four decimals (a penalty of 0.0333 % a day)."""
    return models.DecimalField(verbose, max_digits=7, decimal_places=4, **kwargs)


class InterestMethod(models.TextChoices):
    FLAT = "flat", _("Flat")
    EFFECTIVE = "effective", _("Effective (declining balance)")
    ANNUITY = "annuity", _("Annuity")


class FeeKind(models.TextChoices):
    FLAT = "flat", _("Fixed amount")
    PERCENT = "percent", _("Percent of the principal")


class LoanProduct(models.Model):
    """A kind of loan the cooperative offers, with its rules. Each loan copies the terms it
    was granted on (method, rate, fees, penalty), so changing a product never changes a
    running loan."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    interest_method = models.CharField(
        _("interest method"), max_length=10, choices=InterestMethod.choices
    )
    annual_rate_percent = models.DecimalField(
        _("usual rate (percent a year)"), max_digits=5, decimal_places=2
    )
    min_rate_percent = models.DecimalField(
        _("lowest rate (percent a year)"), max_digits=5, decimal_places=2
    )
    max_rate_percent = models.DecimalField(
        _("highest rate (percent a year)"), max_digits=5, decimal_places=2
    )
    min_term_months = models.PositiveSmallIntegerField(_("shortest term (months)"), default=1)
    max_term_months = models.PositiveSmallIntegerField(_("longest term (months)"))
    min_amount = _money(_("smallest amount"))
    max_amount = _money(_("largest amount"))
    admin_fee_kind = models.CharField(
        _("administration fee kind"), max_length=7, choices=FeeKind.choices, default=FeeKind.FLAT
    )
    admin_fee_value = _money(_("administration fee"), default=ZERO)
    provisi_fee_kind = models.CharField(
        _("provision fee kind"), max_length=7, choices=FeeKind.choices, default=FeeKind.PERCENT
    )
    provisi_fee_value = _money(_("provision fee"), default=ZERO)
    # Late penalty (denda): this percent of an overdue instalment's scheduled amount for
    # every day it stays unpaid after the grace days (docs/loans.md).
    penalty_percent_per_day = _percent(_("late penalty (percent a day)"), default=ZERO)
    penalty_grace_days = models.PositiveSmallIntegerField(_("penalty grace days"), default=0)
    collateral_required_above = _money(_("collateral required above"), null=True, blank=True)
    guarantor_required_above = _money(_("guarantor required above"), null=True, blank=True)
    guarantors_required = models.PositiveSmallIntegerField(_("guarantors required"), default=1)
    allow_luar_biasa = models.BooleanField(_("open to associate members"), default=False)
    fast_track_max_amount = _money(_("fast track up to"), null=True, blank=True)
    fast_track_max_term_months = models.PositiveSmallIntegerField(
        _("fast track longest term (months)"), null=True, blank=True
    )
    fast_track_min_membership_months = models.PositiveSmallIntegerField(
        _("fast track: member for at least (months)"), default=6
    )

    class Meta:
        db_table = "loans_product"
        ordering = ["code"]
        verbose_name = _("loan product")
        verbose_name_plural = _("loan products")
        constraints = [
            models.CheckConstraint(
                condition=Q(interest_method__in=InterestMethod.values),
                name="loans_product_method_valid",
            ),
            models.CheckConstraint(
                condition=Q(min_rate_percent__gte=0)
                & Q(min_rate_percent__lte=F("annual_rate_percent"))
                & Q(annual_rate_percent__lte=F("max_rate_percent"))
                & Q(max_rate_percent__lte=100),
                name="loans_product_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(min_term_months__gte=1)
                & Q(min_term_months__lte=F("max_term_months"))
                & Q(max_term_months__lte=360),
                name="loans_product_term_range",
            ),
            models.CheckConstraint(
                condition=Q(min_amount__gt=0) & Q(min_amount__lte=F("max_amount")),
                name="loans_product_amount_range",
            ),
            models.CheckConstraint(
                condition=Q(admin_fee_kind__in=FeeKind.values)
                & Q(provisi_fee_kind__in=FeeKind.values)
                & Q(admin_fee_value__gte=0)
                & Q(provisi_fee_value__gte=0)
                & (Q(admin_fee_kind=FeeKind.FLAT) | Q(admin_fee_value__lte=100))
                & (Q(provisi_fee_kind=FeeKind.FLAT) | Q(provisi_fee_value__lte=100)),
                name="loans_product_fees_valid",
            ),
            models.CheckConstraint(
                condition=Q(penalty_percent_per_day__gte=0) & Q(penalty_percent_per_day__lte=10),
                name="loans_product_penalty_range",
            ),
            models.CheckConstraint(
                condition=Q(guarantors_required__gte=1), name="loans_product_guarantors_min"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class LoanSettings(models.Model):
    """The cooperative's loan-quality settings (one row): kolektibilitas buckets in days
    past due, the banks' 5 classes and the ministry's 4, the allowance (PPAP) rate of each
    bank class, and the problem-loan ratio's health bands. Defaults: docs/loans.md."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    dpk_from_days = models.PositiveSmallIntegerField(_("DPK from (days past due)"), default=1)
    kurang_lancar_from_days = models.PositiveSmallIntegerField(
        _("kurang lancar from (days past due)"), default=91
    )
    diragukan_from_days = models.PositiveSmallIntegerField(
        _("diragukan from (days past due)"), default=121
    )
    macet_from_days = models.PositiveSmallIntegerField(_("macet from (days past due)"), default=181)
    ministry_kurang_lancar_from_days = models.PositiveSmallIntegerField(
        _("ministry: kurang lancar from (days past due)"), default=91
    )
    ministry_diragukan_from_days = models.PositiveSmallIntegerField(
        _("ministry: diragukan from (days past due)"), default=121
    )
    ministry_macet_from_days = models.PositiveSmallIntegerField(
        _("ministry: macet from (days past due)"), default=181
    )
    ppap_lancar_percent = _percent(_("PPAP lancar (percent)"), default=Decimal("0.5"))
    ppap_dpk_percent = _percent(_("PPAP DPK (percent)"), default=Decimal("0.5"))
    ppap_kurang_lancar_percent = _percent(_("PPAP kurang lancar (percent)"), default=Decimal(10))
    ppap_diragukan_percent = _percent(_("PPAP diragukan (percent)"), default=Decimal(50))
    ppap_macet_percent = _percent(_("PPAP macet (percent)"), default=Decimal(100))
    npl_healthy_max_percent = _percent(_("problem loans: healthy up to (percent)"), default=5)
    npl_fair_max_percent = _percent(_("problem loans: fairly healthy up to (percent)"), default=10)
    npl_weak_max_percent = _percent(_("problem loans: less healthy up to (percent)"), default=15)

    class Meta:
        db_table = "loans_settings"
        verbose_name = _("loan settings")
        verbose_name_plural = _("loan settings")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="loans_settings_single_row"),
            models.CheckConstraint(
                condition=Q(dpk_from_days__gte=1)
                & Q(dpk_from_days__lt=F("kurang_lancar_from_days"))
                & Q(kurang_lancar_from_days__lt=F("diragukan_from_days"))
                & Q(diragukan_from_days__lt=F("macet_from_days")),
                name="loans_settings_bank_buckets",
            ),
            models.CheckConstraint(
                condition=Q(ministry_kurang_lancar_from_days__gte=1)
                & Q(ministry_kurang_lancar_from_days__lt=F("ministry_diragukan_from_days"))
                & Q(ministry_diragukan_from_days__lt=F("ministry_macet_from_days")),
                name="loans_settings_ministry_buckets",
            ),
            models.CheckConstraint(
                condition=Q(ppap_lancar_percent__gte=0)
                & Q(ppap_dpk_percent__gte=0)
                & Q(ppap_kurang_lancar_percent__gte=0)
                & Q(ppap_diragukan_percent__gte=0)
                & Q(ppap_macet_percent__gte=0)
                & Q(ppap_lancar_percent__lte=100)
                & Q(ppap_dpk_percent__lte=100)
                & Q(ppap_kurang_lancar_percent__lte=100)
                & Q(ppap_diragukan_percent__lte=100)
                & Q(ppap_macet_percent__lte=100),
                name="loans_settings_ppap_range",
            ),
            models.CheckConstraint(
                condition=Q(npl_healthy_max_percent__gte=0)
                & Q(npl_healthy_max_percent__lte=F("npl_fair_max_percent"))
                & Q(npl_fair_max_percent__lte=F("npl_weak_max_percent"))
                & Q(npl_weak_max_percent__lte=100),
                name="loans_settings_npl_bands",
            ),
        ]

    def __str__(self) -> str:
        return "loan settings"


class LoanChannel(models.TextChoices):
    STAFF = "staff", _("Entered by staff")
    MEMBER = "member", _("Applied for by the member")


class LoanStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ACTIVE = "active", _("Disbursed")
    CLOSED = "closed", _("Paid off")


class LoanRoute(models.TextChoices):
    FAST_TRACK = "fast_track", _("Fast track")
    COMMITTEE = "committee", _("Committee")


class LoanPayoutTo(models.TextChoices):
    CASH = "cash", _("Cash")
    SUKARELA = "sukarela", _("Voluntary savings")


class BankClass(models.TextChoices):
    LANCAR = "lancar", _("Current (lancar)")
    DPK = "dpk", _("Special mention (dalam perhatian khusus)")
    KURANG_LANCAR = "kurang_lancar", _("Substandard (kurang lancar)")
    DIRAGUKAN = "diragukan", _("Doubtful (diragukan)")
    MACET = "macet", _("Loss (macet)")


class MinistryClass(models.TextChoices):
    LANCAR = "lancar", _("Current (lancar)")
    KURANG_LANCAR = "kurang_lancar", _("Substandard (kurang lancar)")
    DIRAGUKAN = "diragukan", _("Doubtful (diragukan)")
    MACET = "macet", _("Loss (macet)")


class Loan(models.Model):
    """One loan from its application on. The terms are copied from the product when the
    application is made; ``principal_outstanding`` moves with every disbursement and
    repayment in the same transaction as the journal entry; the aging fields (days past
    due and both classes) are set by the daily aging job as of its latest run."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="loans", verbose_name=_("member")
    )
    product = models.ForeignKey(
        LoanProduct, on_delete=models.PROTECT, related_name="loans", verbose_name=_("product")
    )
    channel = models.CharField(_("channel"), max_length=6, choices=LoanChannel.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=LoanStatus.choices, default=LoanStatus.APPLIED
    )
    route = models.CharField(_("decided by"), max_length=10, choices=LoanRoute.choices, blank=True)
    amount = _money(_("loan principal"))
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    annual_rate_percent = models.DecimalField(
        _("rate (percent a year)"), max_digits=5, decimal_places=2
    )
    interest_method = models.CharField(
        _("interest method"), max_length=10, choices=InterestMethod.choices
    )
    admin_fee = _money(_("administration fee"), default=ZERO)
    provisi_fee = _money(_("provision fee"), default=ZERO)
    penalty_percent_per_day = _percent(_("late penalty (percent a day)"), default=ZERO)
    penalty_grace_days = models.PositiveSmallIntegerField(_("penalty grace days"), default=0)
    purpose = models.CharField(_("purpose"), max_length=500)
    collateral_description = models.CharField(_("collateral"), max_length=500, blank=True)
    collateral_value = _money(_("collateral value"), null=True, blank=True)
    # identity.User lives in the public schema: no foreign keys across schemas.
    entered_by_id = models.BigIntegerField(_("entered by"), null=True, blank=True)
    officer_id = models.BigIntegerField(_("loan officer"), null=True, blank=True)
    applied_on = models.DateField(_("applied on"))
    applied_at = models.DateTimeField(_("applied at"))
    decided_by_id = models.BigIntegerField(_("decided by"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    disbursed_on = models.DateField(_("disbursed on"), null=True, blank=True)
    disbursed_by_id = models.BigIntegerField(_("disbursed by"), null=True, blank=True)
    payout_to = models.CharField(
        _("paid out to"), max_length=8, choices=LoanPayoutTo.choices, blank=True
    )
    fees_deducted = models.BooleanField(_("fees deducted from the payout"), default=True)
    disbursement_entry = models.OneToOneField(
        JournalEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="loan_disbursed",
        verbose_name=_("disbursement entry"),
    )
    fees_entry = models.OneToOneField(
        JournalEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="loan_fees",
        verbose_name=_("fees entry"),
    )
    principal_outstanding = _money(_("principal outstanding"), default=ZERO)
    # Penalty accrued on schedules that were replaced (a prepayment or a rescheduling).
    penalty_carried = _money(_("penalty carried"), default=ZERO)
    penalty_paid = _money(_("penalty paid"), default=ZERO)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    days_past_due = models.PositiveIntegerField(_("days past due"), default=0)
    bank_class = models.CharField(
        _("kolektibilitas (5 classes)"), max_length=13, choices=BankClass.choices, blank=True
    )
    ministry_class = models.CharField(
        _("kolektibilitas (ministry)"), max_length=13, choices=MinistryClass.choices, blank=True
    )
    idempotency_key = models.CharField(max_length=80, unique=True)
    request_digest = models.CharField(max_length=64)

    class Meta:
        db_table = "loans_loan"
        ordering = ["id"]
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=LoanStatus.values), name="loans_loan_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=LoanChannel.values), name="loans_loan_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0)
                & Q(term_months__gte=1)
                & Q(annual_rate_percent__gte=0)
                & Q(admin_fee__gte=0)
                & Q(provisi_fee__gte=0)
                & Q(penalty_carried__gte=0)
                & Q(penalty_paid__gte=0)
                & Q(principal_outstanding__gte=0)
                & Q(principal_outstanding__lte=F("amount")),
                name="loans_loan_amounts_valid",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status__in=[LoanStatus.ACTIVE, LoanStatus.CLOSED])
                    & Q(disbursed_on__isnull=False)
                    & Q(disbursement_entry__isnull=False)
                )
                | (
                    ~Q(status__in=[LoanStatus.ACTIVE, LoanStatus.CLOSED])
                    & Q(disbursed_on__isnull=True)
                    & Q(principal_outstanding=0)
                ),
                name="loans_loan_disbursed_iff_active_or_closed",
            ),
            models.CheckConstraint(
                condition=(Q(status=LoanStatus.CLOSED) & Q(closed_on__isnull=False))
                | (~Q(status=LoanStatus.CLOSED) & Q(closed_on__isnull=True)),
                name="loans_loan_closed_on_iff_closed",
            ),
            models.CheckConstraint(
                condition=Q(status=LoanStatus.APPLIED) | Q(decided_at__isnull=False),
                name="loans_loan_decided",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "status"], name="loans_loan_member_idx"),
            models.Index(fields=["status", "officer_id"], name="loans_loan_status_idx"),
        ]

    def __str__(self) -> str:
        return f"loan #{self.pk} {self.amount} ({self.status})"


class LoanGuarantor(models.Model):
    """A person who guarantees a loan (penjamin); ``member`` when they are a member."""

    loan = models.ForeignKey(
        Loan, on_delete=models.PROTECT, related_name="guarantors", verbose_name=_("loan")
    )
    full_name = models.CharField(_("full name"), max_length=200)
    relation = models.CharField(_("relation"), max_length=100, blank=True)
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="guarantees",
        verbose_name=_("member"),
    )

    class Meta:
        db_table = "loans_guarantor"
        ordering = ["loan_id", "id"]
        verbose_name = _("guarantor")
        verbose_name_plural = _("guarantors")

    def __str__(self) -> str:
        return f"{self.full_name} (loan {self.loan_id})"


class LoanSurveyNote(models.Model):
    """What a surveyor found (the member's business, income, collateral), before the
    committee decides."""

    loan = models.ForeignKey(
        Loan, on_delete=models.PROTECT, related_name="survey_notes", verbose_name=_("loan")
    )
    note = models.TextField(_("note"))
    recorded_by_id = models.BigIntegerField(_("recorded by"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        db_table = "loans_survey_note"
        ordering = ["loan_id", "id"]
        verbose_name = _("survey note")
        verbose_name_plural = _("survey notes")

    def __str__(self) -> str:
        return f"survey of loan {self.loan_id}"


class LoanScheduleReason(models.TextChoices):
    ORIGINAL = "original", _("At disbursement")
    PREPAYMENT = "prepayment", _("After a prepayment")
    RESCHEDULE = "reschedule", _("Rescheduled")


class LoanSchedule(models.Model):
    """One version of a loan's schedule. A prepayment or a rescheduling makes a new
    version and marks it current; earlier versions are kept unchanged as the history."""

    loan = models.ForeignKey(
        Loan, on_delete=models.PROTECT, related_name="schedules", verbose_name=_("loan")
    )
    version = models.PositiveSmallIntegerField(_("version"))
    reason = models.CharField(_("reason"), max_length=10, choices=LoanScheduleReason.choices)
    is_current = models.BooleanField(_("current"), default=True)
    start_date = models.DateField(_("starts on"))
    principal = _money(_("principal amortised"))
    annual_rate_percent = models.DecimalField(
        _("rate (percent a year)"), max_digits=5, decimal_places=2
    )
    interest_method = models.CharField(
        _("interest method"), max_length=10, choices=InterestMethod.choices
    )
    carried_interest = _money(_("interest carried over"), default=ZERO)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        db_table = "loans_schedule"
        ordering = ["loan_id", "version"]
        verbose_name = _("loan schedule")
        verbose_name_plural = _("loan schedules")
        constraints = [
            models.UniqueConstraint(fields=["loan", "version"], name="loans_schedule_version"),
            models.UniqueConstraint(
                fields=["loan"], condition=Q(is_current=True), name="loans_schedule_one_current"
            ),
            models.CheckConstraint(
                condition=Q(reason__in=LoanScheduleReason.values),
                name="loans_schedule_reason_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"loan {self.loan_id} schedule v{self.version}"


class LoanInstalmentKind(models.TextChoices):
    INSTALMENT = "instalment", _("Instalment")
    PREPAYMENT = "prepayment", _("Principal paid ahead")
    ARREARS = "arrears", _("Interest owed at rescheduling")


class LoanInstalment(models.Model):
    """One instalment of a schedule version. ``settled_on`` is the day its principal and
    interest were paid (or, for interest of periods not begun, forgiven by a payoff).
    ``carried`` rows are settled instalments copied from the previous version, so each
    version shows the whole loan (its principal parts add up to the loan's principal);
    their penalty was counted on that version. A ``prepayment`` row records principal
    paid ahead; an ``arrears`` row the interest owed when the loan was rescheduled."""

    schedule = models.ForeignKey(
        LoanSchedule,
        on_delete=models.PROTECT,
        related_name="instalments",
        verbose_name=_("schedule"),
    )
    loan = models.ForeignKey(
        Loan, on_delete=models.PROTECT, related_name="instalments", verbose_name=_("loan")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    period_start = models.DateField(_("period starts"))
    due_date = models.DateField(_("due on"))
    principal = _money(_("principal part"))
    interest = _money(_("interest part"))
    principal_paid = _money(_("principal paid"), default=ZERO)
    interest_paid = _money(_("interest paid"), default=ZERO)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    carried = models.BooleanField(_("carried from the previous version"), default=False)
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=LoanInstalmentKind.choices,
        default=LoanInstalmentKind.INSTALMENT,
    )

    class Meta:
        db_table = "loans_instalment"
        ordering = ["schedule_id", "number"]
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        constraints = [
            models.UniqueConstraint(fields=["schedule", "number"], name="loans_instalment_number"),
            models.CheckConstraint(
                condition=Q(principal__gte=0)
                & Q(interest__gte=0)
                & Q(principal_paid__gte=0)
                & Q(interest_paid__gte=0)
                & Q(principal_paid__lte=F("principal"))
                & Q(interest_paid__lte=F("interest")),
                name="loans_instalment_amounts_valid",
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("period_start")), name="loans_instalment_dates"
            ),
        ]
        indexes = [
            # The aging job's scan: open instalments by loan and due date.
            models.Index(
                fields=["schedule", "due_date"],
                condition=Q(settled_on__isnull=True),
                name="loans_instalment_open_idx",
            ),
            models.Index(fields=["loan", "schedule"], name="loans_instalment_loan_idx"),
        ]

    def __str__(self) -> str:
        return f"loan {self.loan_id} #{self.number} due {self.due_date}"


class LoanRepaymentKind(models.TextChoices):
    REPAYMENT = "repayment", _("Repayment")
    PREPAYMENT = "prepayment", _("Repayment with prepayment")
    PAYOFF = "payoff", _("Payoff")


class LoanRepayment(models.Model):
    """One payment into a loan, split penalty -> interest -> principal. ``allocation``
    lists the instalments it paid: [{"number", "interest", "principal"}]."""

    loan = models.ForeignKey(
        Loan, on_delete=models.PROTECT, related_name="repayments", verbose_name=_("loan")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=LoanRepaymentKind.choices)
    paid_on = models.DateField(_("paid on"))
    amount = _money(_("amount"))
    penalty_part = _money(_("penalty"))
    interest_part = _money(_("interest part"))
    principal_part = _money(_("principal part"))
    principal_outstanding_after = _money(_("principal outstanding after"))
    allocation = models.JSONField(_("allocation"), default=list)
    cash_account_code = models.CharField(_("cash or bank account"), max_length=20)
    journal_entry = models.OneToOneField(
        JournalEntry,
        on_delete=models.PROTECT,
        related_name="loan_repayment",
        verbose_name=_("journal entry"),
    )
    idempotency_key = models.CharField(max_length=80, unique=True)
    request_digest = models.CharField(max_length=64)
    teller_id = models.BigIntegerField(_("teller"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        db_table = "loans_repayment"
        ordering = ["loan_id", "id"]
        verbose_name = _("loan repayment")
        verbose_name_plural = _("loan repayments")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=LoanRepaymentKind.values), name="loans_repayment_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0)
                & Q(penalty_part__gte=0)
                & Q(interest_part__gte=0)
                & Q(principal_part__gte=0)
                & Q(principal_outstanding_after__gte=0)
                & Q(amount=F("penalty_part") + F("interest_part") + F("principal_part")),
                name="loans_repayment_parts_add_up",
            ),
        ]
        indexes = [models.Index(fields=["loan", "paid_on"], name="loans_repayment_loan_idx")]

    def __str__(self) -> str:
        return f"repayment #{self.pk} {self.amount} (loan {self.loan_id})"


class LoanAgingRun(models.Model):
    """One day's aging of every active loan, and the change in the allowance it posted
    (debit 5103 / credit 1105, or back): once per day."""

    as_of = models.DateField(_("as of"), unique=True)
    loans_count = models.PositiveIntegerField(_("loans"))
    outstanding_total = _money(_("outstanding"))
    required_total = _money(_("allowance required (PPAPWD)"))
    booked_before = _money(_("allowance booked before"))
    delta = models.DecimalField(_("change posted"), max_digits=18, decimal_places=2)
    class_totals = models.JSONField(_("per class"), default=dict)
    journal_entry = models.OneToOneField(
        JournalEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="loan_aging_run",
        verbose_name=_("journal entry"),
    )
    created_by_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        db_table = "loans_aging_run"
        ordering = ["as_of"]
        verbose_name = _("loan aging run")
        verbose_name_plural = _("loan aging runs")
        constraints = [
            models.CheckConstraint(
                condition=Q(outstanding_total__gte=0) & Q(required_total__gte=0),
                name="loans_aging_run_amounts",
            ),
            models.CheckConstraint(
                condition=Q(delta=0) | Q(journal_entry__isnull=False),
                name="loans_aging_run_entry_when_moved",
            ),
        ]

    def __str__(self) -> str:
        return f"aging {self.as_of}"


class LoanAgingLine(models.Model):
    """One loan in one day's aging: days past due, both classes, the allowance it needs."""

    run = models.ForeignKey(
        LoanAgingRun, on_delete=models.PROTECT, related_name="lines", verbose_name=_("run")
    )
    loan = models.ForeignKey(
        Loan, on_delete=models.PROTECT, related_name="aging_lines", verbose_name=_("loan")
    )
    days_past_due = models.PositiveIntegerField(_("days past due"))
    bank_class = models.CharField(_("kolektibilitas (5 classes)"), max_length=13)
    ministry_class = models.CharField(_("kolektibilitas (ministry)"), max_length=13)
    outstanding = _money(_("outstanding"))
    required = _money(_("allowance required"))

    class Meta:
        db_table = "loans_aging_line"
        ordering = ["run_id", "loan_id"]
        verbose_name = _("loan aging line")
        verbose_name_plural = _("loan aging lines")
        constraints = [
            models.UniqueConstraint(fields=["run", "loan"], name="loans_aging_line_once"),
        ]
        indexes = [models.Index(fields=["loan", "run"], name="loans_aging_line_loan_idx")]

    def __str__(self) -> str:
        return f"loan {self.loan_id}: {self.days_past_due} days ({self.bank_class})"
