"""Reads of SHU: split versions, final runs as distributions, and a member's statement with
every input of their share and the formula with their own numbers in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _
from money.rupiah import format_rupiah

from tenants.ledger.periods import day_bounds
from tenants.models import (
    CapitalBasis,
    Member,
    MemberBusiness,
    MemberBusinessKind,
    SavingsKind,
    SavingsTransaction,
    SavingsTransactionKind,
    ShuPayout,
    ShuRun,
    ShuShare,
    ShuSplitVersion,
)
from tenants.shu.calculation import ZERO, ShareRow, ShuDistribution, split_allocate

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
TIMES = "\u00d7"  # the multiplication sign, as the formulas are written on paper


def split_versions() -> QuerySet[ShuSplitVersion]:
    return ShuSplitVersion.objects.select_related("approved_meeting").order_by("-number")


def split_version_get(pk: object) -> ShuSplitVersion | None:
    try:
        number = int(str(pk))
    except ValueError:
        return None
    return ShuSplitVersion.objects.select_related("approved_meeting").filter(pk=number).first()


def split_latest_approved() -> ShuSplitVersion | None:
    return (
        ShuSplitVersion.objects.filter(approved_meeting__isnull=False).order_by("-number").first()
    )


def runs() -> QuerySet[ShuRun]:
    return ShuRun.objects.select_related("split_version").order_by("-year")


def run_get(year: int) -> ShuRun | None:
    return ShuRun.objects.select_related("split_version").filter(year=year).first()


def run_distribution(run: ShuRun) -> ShuDistribution:
    """A final run read back in the simulation's shape (its allocations recomputed by the
    same function from its stored SHU, non-member part and split, which it always equals)."""
    rows = [
        ShareRow(
            member_id=member_id,
            member_number=number,
            full_name=name,
            kind=kind,
            status=status,
            business=business,
            capital=capital,
            jasa_usaha=ju,
            jasa_modal=jm,
            sukarela_account_id=None,
            paid_to=paid_to,
        )
        for member_id, number, name, kind, status, business, capital, ju, jm, paid_to in (
            ShuShare.objects.filter(run=run)
            .order_by("member__member_number")
            .values_list(
                "member_id",
                "member__member_number",
                "member__full_name",
                "member__kind",
                "member__status",
                "business",
                "capital",
                "jasa_usaha",
                "jasa_modal",
                "paid_to",
            )
        )
    ]
    return ShuDistribution(
        year=run.year,
        split=run.split_version,
        capital_basis=run.capital_basis,
        payout=run.payout,
        total_income=run.total_income,
        total_expense=run.total_expense,
        shu=run.shu,
        non_member_income=run.non_member_income,
        non_member_part=run.non_member_part,
        allocations=split_allocate(
            shu=run.shu, non_member_part=run.non_member_part, split=run.split_version
        ),
        business_total=run.business_total,
        capital_total=run.capital_total,
        rows=rows,
        remainder_usaha=run.remainder_usaha,
        remainder_modal=run.remainder_modal,
        digest=run.digest,
    )


def member_shares(member: Member) -> list[ShuShare]:
    return list(ShuShare.objects.filter(member=member).select_related("run").order_by("-run__year"))


# ---- a member's statement -----------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One line of the working: what it is, the formula with the numbers, the result."""

    label: str
    formula: str
    result: Decimal
    note: str = ""


@dataclass(frozen=True)
class MemberShuStatement:
    member: Member
    run: ShuRun
    share: ShuShare
    business_by_kind: list[tuple[str, int, Decimal]]  # label, rows, amount
    capital_by_kind: list[tuple[str, Decimal]]  # pokok / wajib at the year's end
    steps: list[Step]
    exact_usaha: Decimal
    exact_modal: Decimal

    @property
    def year(self) -> int:
        return self.run.year

    @property
    def capital_label(self) -> str:
        if self.run.capital_basis == CapitalBasis.AVERAGE:
            return _("average daily balance of your pokok + wajib in %(year)s") % {
                "year": self.run.year
            }
        return _("your pokok + wajib on 31-12-%(year)s") % {"year": self.run.year}


def _exact(pool: Decimal, weight: Decimal, total: Decimal) -> Decimal:
    """The share before rounding down, to the cent (truncated: for reading only)."""
    if total <= 0:
        return ZERO
    return (pool * weight / total).quantize(CENT, rounding=ROUND_DOWN)


def _rounding_note(exact: Decimal, share: Decimal) -> str:
    if exact == share:
        return ""
    return _("rounded down from %(exact)s") % {"exact": format_rupiah(exact)}


def _percent_text(value: Decimal) -> str:
    text = f"{value.normalize():f}".replace(".", ",")
    return f"{text}%"


def _business_by_kind(member: Member, year: int) -> list[tuple[str, int, Decimal]]:
    start = day_bounds(date(year, 1, 1))[0]
    end = day_bounds(date(year, 12, 31))[1]
    labels = dict(MemberBusinessKind.choices)
    rows = (
        MemberBusiness.objects.filter(member=member, occurred_at__gte=start, occurred_at__lt=end)
        .values("kind")
        .annotate(n=Count("id"), amount=Sum("amount"))
        .order_by("kind")
    )
    return [(str(labels.get(r["kind"], r["kind"])), r["n"], r["amount"]) for r in rows]


def _capital_by_kind(member: Member, year: int) -> list[tuple[str, Decimal]]:
    end = day_bounds(date(year, 12, 31))[1]
    labels = {SavingsKind.POKOK: _("Simpanan pokok"), SavingsKind.WAJIB: _("Simpanan wajib")}
    found: list[tuple[str, Decimal]] = []
    for kind, label in labels.items():
        moves = SavingsTransaction.objects.filter(
            account__member=member, account__kind=kind, created_at__lt=end
        )
        deposits = moves.filter(kind=SavingsTransactionKind.DEPOSIT).aggregate(
            s=Sum("amount", default=ZERO)
        )["s"]
        withdrawals = moves.filter(kind=SavingsTransactionKind.WITHDRAWAL).aggregate(
            s=Sum("amount", default=ZERO)
        )["s"]
        found.append((label, deposits - withdrawals))
    return found


def _steps(run: ShuRun, share: ShuShare) -> list[Step]:
    r = format_rupiah
    split = run.split_version
    steps = [
        Step(
            _("SHU of the year"),
            _("%(income)s (income) - %(expense)s (expenses)")
            % {"income": r(run.total_income), "expense": r(run.total_expense)},
            run.shu,
        )
    ]
    if run.non_member_part > 0:
        steps.append(
            Step(
                _("SHU from business with members"),
                _(
                    "%(shu)s (SHU) - %(outside)s (from business with non-members, to reserves "
                    "and funds)"
                )
                % {"shu": r(run.shu), "outside": r(run.non_member_part)},
                run.member_part,
            )
        )
    base = _("SHU from business with members") if run.non_member_part > 0 else _("SHU")
    steps += [
        Step(
            _("Jasa usaha pool"),
            f"{base} {r(run.member_part)} {TIMES} {_percent_text(split.jasa_usaha_percent)}",
            run.jasa_usaha_pool,
        ),
        Step(
            _("Jasa modal pool"),
            f"{base} {r(run.member_part)} {TIMES} {_percent_text(split.jasa_modal_percent)}",
            run.jasa_modal_pool,
        ),
        Step(
            _("Jasa usaha"),
            _("%(pool)s (pool) × %(mine)s (your business) ÷ %(all)s (all members' business)")  # noqa: RUF001
            % {
                "pool": r(run.jasa_usaha_pool),
                "mine": r(share.business),
                "all": r(run.business_total),
            },
            share.jasa_usaha,
            _rounding_note(
                _exact(run.jasa_usaha_pool, share.business, run.business_total), share.jasa_usaha
            ),
        ),
        Step(
            _("Jasa modal"),
            _(
                "%(pool)s (pool) × %(mine)s (your pokok + wajib) ÷ "  # noqa: RUF001
                "%(all)s (all members' pokok + wajib)"
            )
            % {
                "pool": r(run.jasa_modal_pool),
                "mine": r(share.capital),
                "all": r(run.capital_total),
            },
            share.jasa_modal,
            _rounding_note(
                _exact(run.jasa_modal_pool, share.capital, run.capital_total), share.jasa_modal
            ),
        ),
        Step(
            _("Your SHU"),
            f"{r(share.jasa_usaha)} + {r(share.jasa_modal)}",
            share.total,
            _("paid into your simpanan sukarela")
            if share.paid_to == ShuPayout.SUKARELA
            else _("kept for you as SHU payable; ask the office how it is paid"),
        ),
    ]
    return steps


def member_shu_statement(member: Member, year: int) -> MemberShuStatement | None:
    """The member's SHU of ``year`` with every input, or None if the year has no final run
    or the member has no share in it."""
    share = (
        ShuShare.objects.select_related("run", "run__split_version")
        .filter(member=member, run__year=year)
        .first()
    )
    if share is None:
        return None
    run = share.run
    return MemberShuStatement(
        member=member,
        run=run,
        share=share,
        business_by_kind=_business_by_kind(member, year),
        capital_by_kind=_capital_by_kind(member, year)
        if run.capital_basis == CapitalBasis.YEAR_END
        else [],
        steps=_steps(run, share),
        exact_usaha=_exact(run.jasa_usaha_pool, share.business, run.business_total),
        exact_modal=_exact(run.jasa_modal_pool, share.capital, run.capital_total),
    )
