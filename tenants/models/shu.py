"""SHU (sisa hasil usaha, UU 25/1992 art. 45): the bylaws' split in versions, and each final
distribution of a book year with every member's share.

A split version is never changed in place: a new split is a new row. Once a version is
approved at a RAT or used by a final run its percentages never change and it is never
deleted; a final run and its shares are never changed or deleted (database triggers,
migration 0015). Writes go through tenants.shu services only; see docs/decisions/0011.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tenants.models.ledger import JournalEntry
from tenants.models.members import Member

ZERO = Decimal("0.00")
HEX64 = r"^[0-9a-f]{64}$"

# The split's parts: field prefix, and where the money goes (None: to the members).
SPLIT_PARTS = (
    "reserves",
    "jasa_usaha",
    "jasa_modal",
    "board",
    "staff",
    "education",
    "social",
    "other",
)


def _percent(label: Any) -> models.DecimalField:
    return models.DecimalField(label, max_digits=5, decimal_places=2, default=ZERO)


class ShuSplitVersion(models.Model):
    """One version of the bylaws' SHU split, in percent of the SHU (adding up to 100)."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    reserves_percent = _percent(_("reserves (cadangan)"))
    jasa_usaha_percent = _percent(_("jasa usaha (members' business)"))
    jasa_modal_percent = _percent(_("jasa modal (members' capital)"))
    board_percent = _percent(_("board and supervisors' fund"))
    staff_percent = _percent(_("staff fund"))
    education_percent = _percent(_("education fund"))
    social_percent = _percent(_("social fund"))
    other_percent = _percent(_("other fund"))
    other_label = models.CharField(_("name of the other fund"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"))
    # identity.User lives in the public schema: no foreign key across schemas.
    created_by_id = models.BigIntegerField(null=True, blank=True)
    approved_meeting = models.ForeignKey(
        "tenants.RatMeeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_splits",
        verbose_name=_("approved at the meeting"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        db_table = "shu_split_version"
        ordering = ["-number"]
        verbose_name = _("SHU split version")
        verbose_name_plural = _("SHU split versions")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    **{
                        f"{part}_percent__{op}": bound
                        for part in SPLIT_PARTS
                        for op, bound in (("gte", 0), ("lte", 100))
                    }
                ),
                name="shu_split_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    reserves_percent=Decimal(100)
                    - F("jasa_usaha_percent")
                    - F("jasa_modal_percent")
                    - F("board_percent")
                    - F("staff_percent")
                    - F("education_percent")
                    - F("social_percent")
                    - F("other_percent")
                ),
                name="shu_split_adds_to_100",
            ),
            models.CheckConstraint(
                condition=Q(approved_meeting__isnull=True, approved_at__isnull=True)
                | Q(approved_meeting__isnull=False, approved_at__isnull=False),
                name="shu_split_approval_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.number}"

    def percent(self, part: str) -> Decimal:
        value: Decimal = getattr(self, f"{part}_percent")
        return value

    @property
    def is_approved(self) -> bool:
        return self.approved_meeting_id is not None


class CapitalBasis(models.TextChoices):
    YEAR_END = "year_end", _("Balance at the end of the year")
    AVERAGE = "average", _("Average daily balance over the year")


class ShuPayout(models.TextChoices):
    SUKARELA = "sukarela", _("Into the member's simpanan sukarela")
    PAYABLE = "payable", _("Kept as SHU payable (2104), paid out later")


class ShuRun(models.Model):
    """The final SHU distribution of one book year: its inputs, the split of the SHU into
    reserves, funds and the members' two pools, and the totals paid. Immutable."""

    year = models.PositiveSmallIntegerField(_("book year"), unique=True)
    split_version = models.ForeignKey(
        ShuSplitVersion,
        on_delete=models.PROTECT,
        related_name="runs",
        verbose_name=_("split version"),
    )
    capital_basis = models.CharField(
        _("jasa modal basis"), max_length=10, choices=CapitalBasis.choices
    )
    payout = models.CharField(_("paid"), max_length=10, choices=ShuPayout.choices)
    total_income = models.DecimalField(_("income"), max_digits=18, decimal_places=2)
    total_expense = models.DecimalField(_("expenses"), max_digits=18, decimal_places=2)
    shu = models.DecimalField(_("SHU"), max_digits=18, decimal_places=2)
    non_member_income = models.DecimalField(
        _("income from business with non-members"), max_digits=18, decimal_places=2
    )
    non_member_part = models.DecimalField(
        _("SHU from business with non-members"), max_digits=18, decimal_places=2
    )
    member_part = models.DecimalField(
        _("SHU from business with members"), max_digits=18, decimal_places=2
    )
    reserves = models.DecimalField(_("reserves"), max_digits=18, decimal_places=2)
    board = models.DecimalField(_("board fund"), max_digits=18, decimal_places=2)
    staff = models.DecimalField(_("staff fund"), max_digits=18, decimal_places=2)
    education = models.DecimalField(_("education fund"), max_digits=18, decimal_places=2)
    social = models.DecimalField(_("social fund"), max_digits=18, decimal_places=2)
    other = models.DecimalField(_("other fund"), max_digits=18, decimal_places=2)
    jasa_usaha_pool = models.DecimalField(_("jasa usaha pool"), max_digits=18, decimal_places=2)
    jasa_modal_pool = models.DecimalField(_("jasa modal pool"), max_digits=18, decimal_places=2)
    business_total = models.DecimalField(
        _("all members' business"), max_digits=18, decimal_places=2
    )
    capital_total = models.DecimalField(_("all members' capital"), max_digits=18, decimal_places=2)
    jasa_usaha_paid = models.DecimalField(_("jasa usaha paid"), max_digits=18, decimal_places=2)
    jasa_modal_paid = models.DecimalField(_("jasa modal paid"), max_digits=18, decimal_places=2)
    remainder_usaha = models.DecimalField(
        _("jasa usaha rounding remainder"), max_digits=18, decimal_places=2
    )
    remainder_modal = models.DecimalField(
        _("jasa modal rounding remainder"), max_digits=18, decimal_places=2
    )
    to_sukarela = models.DecimalField(
        _("paid into simpanan sukarela"), max_digits=18, decimal_places=2
    )
    to_payable = models.DecimalField(_("kept as SHU payable"), max_digits=18, decimal_places=2)
    members_count = models.PositiveIntegerField(_("members with a share"))
    digest = models.CharField(max_length=64)
    journal_entry = models.ForeignKey(
        JournalEntry,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("journal entry"),
    )
    payout_key = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(_("created at"))
    created_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        db_table = "shu_run"
        ordering = ["-year"]
        verbose_name = _("SHU distribution")
        verbose_name_plural = _("SHU distributions")
        constraints = [
            models.CheckConstraint(condition=Q(shu__gt=0), name="shu_run_shu_positive"),
            models.CheckConstraint(
                condition=Q(shu=F("member_part") + F("non_member_part")),
                name="shu_run_parts_add_up",
            ),
            models.CheckConstraint(
                condition=Q(
                    shu=F("reserves")
                    + F("board")
                    + F("staff")
                    + F("education")
                    + F("social")
                    + F("other")
                    + F("jasa_usaha_pool")
                    + F("jasa_modal_pool")
                ),
                name="shu_run_split_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(jasa_usaha_pool=F("jasa_usaha_paid") + F("remainder_usaha"))
                & Q(jasa_modal_pool=F("jasa_modal_paid") + F("remainder_modal")),
                name="shu_run_pools_add_up",
            ),
            models.CheckConstraint(
                condition=Q(
                    to_sukarela=F("jasa_usaha_paid") + F("jasa_modal_paid") - F("to_payable")
                ),
                name="shu_run_payout_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(
                    non_member_part__gte=0,
                    reserves__gte=0,
                    board__gte=0,
                    staff__gte=0,
                    education__gte=0,
                    social__gte=0,
                    other__gte=0,
                    remainder_usaha__gte=0,
                    remainder_modal__gte=0,
                    to_payable__gte=0,
                    to_sukarela__gte=0,
                ),
                name="shu_run_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(capital_basis__in=CapitalBasis.values) & Q(payout__in=ShuPayout.values),
                name="shu_run_choices_valid",
            ),
            models.CheckConstraint(condition=Q(digest__regex=HEX64), name="shu_run_digest_hex"),
        ]

    def __str__(self) -> str:
        return f"SHU {self.year}"

    @property
    def remainder(self) -> Decimal:
        return self.remainder_usaha + self.remainder_modal


class ShuShare(models.Model):
    """One member's share of a final run, with the two inputs it was divided by."""

    run = models.ForeignKey(
        ShuRun, on_delete=models.PROTECT, related_name="shares", verbose_name=_("distribution")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="shu_shares", verbose_name=_("member")
    )
    business = models.DecimalField(_("member's business"), max_digits=18, decimal_places=2)
    capital = models.DecimalField(_("member's pokok and wajib"), max_digits=18, decimal_places=2)
    jasa_usaha = models.DecimalField(_("jasa usaha"), max_digits=18, decimal_places=2)
    jasa_modal = models.DecimalField(_("jasa modal"), max_digits=18, decimal_places=2)
    total = models.DecimalField(_("total"), max_digits=18, decimal_places=2)
    paid_to = models.CharField(_("paid"), max_length=10, choices=ShuPayout.choices)

    class Meta:
        db_table = "shu_share"
        ordering = ["run_id", "member_id"]
        verbose_name = _("SHU share")
        verbose_name_plural = _("SHU shares")
        constraints = [
            models.UniqueConstraint(fields=["run", "member"], name="shu_share_once_per_run"),
            models.CheckConstraint(
                condition=Q(total=F("jasa_usaha") + F("jasa_modal")),
                name="shu_share_total",
            ),
            models.CheckConstraint(
                condition=Q(business__gte=0, capital__gte=0, jasa_usaha__gte=0, jasa_modal__gte=0),
                name="shu_share_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(paid_to__in=ShuPayout.values), name="shu_share_paid_to_valid"
            ),
        ]
        indexes = [models.Index(fields=["member", "run"], name="shu_share_member_idx")]

    def __str__(self) -> str:
        return f"{self.run} member {self.member_id}: {self.total}"


__all__ = [
    "SPLIT_PARTS",
    "CapitalBasis",
    "ShuPayout",
    "ShuRun",
    "ShuShare",
    "ShuSplitVersion",
]
