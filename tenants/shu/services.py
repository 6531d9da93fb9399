"""The final SHU run of a book year: posts the distribution and pays the members' shares,
all in one transaction (docs/decisions/0011-shu.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from audit.services import audit_record
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg2.extras import execute_values

from tenants.ledger.actors import actor_id
from tenants.ledger.periods import business_today
from tenants.ledger.posting import Line, journal_post
from tenants.ledger.tenancy import require_cooperative
from tenants.models import (
    CapitalBasis,
    SavingsAccount,
    ShuPayout,
    ShuRun,
    ShuShare,
    ShuSplitVersion,
)
from tenants.savings.collective import CollectiveItem, savings_deposit_collective
from tenants.shu.calculation import (
    FUND_PARTS,
    ZERO,
    ShuDistribution,
    amount_check,
    choices_check,
    shu_simulate,
    year_check,
)
from tenants.shu.exceptions import RunRefused, ShuError, SplitLocked

RETAINED_ACCOUNT = "3106"  # SHU Tahun Lalu Belum Dibagi
RESERVES_ACCOUNT = "3103"  # Cadangan
PAYABLE_ACCOUNT = "2104"  # Utang SHU Anggota


def _lock_year(year: int) -> None:
    """One final run per cooperative and year at a time (the lock names the schema)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"{require_cooperative()}:shu_run:{year}"],
        )


def _already(year: int) -> RunRefused:
    run = ShuRun.objects.filter(year=year).first()
    when = run.created_at.strftime("%d-%m-%Y") if run is not None else ""
    return RunRefused(
        _("The SHU of %(year)s has already been distributed (final run of %(date)s).")
        % {"year": year, "date": when},
        code="run_exists",
    )


def _entry_lines(dist: ShuDistribution) -> list[Line]:
    """Debit the year's undistributed SHU; credit the reserves (with the rounding
    remainders), each fund, and the members' shares to SHU payable."""
    lines = [Line(RETAINED_ACCOUNT, debit=dist.shu)]
    reserves = dist.amount("reserves") + dist.remainder
    if reserves > 0:
        lines.append(Line(RESERVES_ACCOUNT, credit=reserves))
    for part in FUND_PARTS:
        amount = dist.amount(part)
        if amount > 0:
            lines.append(Line(dist.allocations[part].account_code, credit=amount))
    shares = dist.jasa_usaha_paid + dist.jasa_modal_paid
    if shares > 0:
        lines.append(Line(PAYABLE_ACCOUNT, credit=shares))
    return lines


def _shares_insert(run: ShuRun, dist: ShuDistribution) -> None:
    table = ShuShare._meta.db_table
    with connection.cursor() as cur:
        for start in range(0, len(dist.rows), 1000):
            part = dist.rows[start : start + 1000]
            execute_values(
                cur.cursor,
                f"INSERT INTO {table} (run_id, member_id, business, capital, jasa_usaha, "
                "jasa_modal, total, paid_to) VALUES %s",
                [
                    (
                        run.pk,
                        r.member_id,
                        r.business,
                        r.capital,
                        r.jasa_usaha,
                        r.jasa_modal,
                        r.total,
                        r.paid_to,
                    )
                    for r in part
                ],
                page_size=1000,
            )


def _payout_key(dist: ShuDistribution) -> str:
    paying = any(r.paid_to == ShuPayout.SUKARELA and r.total > 0 for r in dist.rows)
    return f"shu-{dist.year}" if paying else ""


def _pay_into_sukarela(actor: Any, run: ShuRun, dist: ShuDistribution) -> None:
    """Move the shares paid into simpanan sukarela from SHU payable into each member's
    account with one collective deposit (debit 2104, a credit line per member; one
    journal entry per 400 members)."""
    paying = [r for r in dist.rows if r.paid_to == ShuPayout.SUKARELA and r.total > 0]
    if not paying:
        return
    accounts = SavingsAccount.objects.in_bulk([r.sukarela_account_id for r in paying])
    savings_deposit_collective(
        actor=actor,
        items=[
            CollectiveItem(account=accounts[r.sukarela_account_id], amount=r.total)  # type: ignore[index]
            for r in paying
        ],
        idempotency_key=run.payout_key,
        description=_("SHU %(year)s: jasa usaha and jasa modal") % {"year": run.year},
        cash_account_code=PAYABLE_ACCOUNT,
    )


def shu_run_final(
    *,
    actor: Any,
    year: int,
    split: ShuSplitVersion,
    capital_basis: str = CapitalBasis.YEAR_END,
    payout: str = ShuPayout.SUKARELA,
    non_member_income: Decimal = ZERO,
    expected_digest: str = "",
) -> ShuRun:
    """Distribute the SHU of ``year`` for good, in ONE transaction: the run and every
    member's share; one journal entry (debit 3106 SHU Tahun Lalu Belum Dibagi with the
    SHU; credit 3103 Cadangan with the reserves and the rounding remainders, 2105-2108 and
    2110 with the funds, 2104 Utang SHU Anggota with the members' shares); then, when the
    shares go to simpanan sukarela, one collective deposit from 2104 into the accounts of
    the active members who have one (the others' shares stay in 2104); and the audit row.

    Refused, with nothing written: a year not over or with a month still open, no SHU, a
    split version not approved at a members' meeting, a year already distributed, no
    member business or capital to divide a pool by, or (``expected_digest``, what the
    simulation showed) figures that changed since the simulation.

    Locks: an advisory lock on (schema, year), the year's months FOR SHARE (none can be
    reopened meanwhile), then the ledger's and the sukarela accounts' rows.
    """
    require_cooperative()
    year = year_check(year)
    capital_basis, payout = choices_check(capital_basis, payout)
    non_member_income = amount_check(
        non_member_income, label=_("Income from business with non-members")
    )
    if not isinstance(split, ShuSplitVersion) or split.pk is None:
        raise ShuError(_("Choose a split version."), code="split_missing")
    try:
        with transaction.atomic():
            _lock_year(year)
            if ShuRun.objects.filter(year=year).exists():
                raise _already(year)
            current = ShuSplitVersion.objects.select_for_update().filter(pk=split.pk).first()
            if current is None:
                raise ShuError(_("Choose a split version."), code="split_missing")
            if not current.is_approved:
                raise SplitLocked(
                    _(
                        "Split version %(number)s has not been approved at a members' meeting; "
                        "the final run needs an approved split."
                    )
                    % {"number": current.number},
                    code="split_not_approved",
                )
            dist = shu_simulate(
                year=year,
                split=current,
                capital_basis=capital_basis,
                payout=payout,
                non_member_income=non_member_income,
                lock=True,
            )
            if expected_digest and expected_digest != dist.digest:
                raise RunRefused(
                    _("The figures changed since the simulation; run the simulation again."),
                    code="digest_changed",
                )
            if dist.jasa_usaha_pool > 0 and dist.business_total <= 0:
                raise RunRefused(
                    _(
                        "No member business was recorded in %(year)s: the jasa usaha pool "
                        "cannot be divided."
                    )
                    % {"year": year},
                    code="no_business",
                )
            if dist.jasa_modal_pool > 0 and dist.capital_total <= 0:
                raise RunRefused(
                    _(
                        "No member held pokok or wajib savings in %(year)s: the jasa modal pool "
                        "cannot be divided."
                    )
                    % {"year": year},
                    code="no_capital",
                )
            entry = journal_post(
                actor=actor,
                entry_date=business_today(),
                description=_(
                    "SHU distribution of the book year %(year)s (split version %(number)s)"
                )
                % {"year": year, "number": current.number},
                lines=_entry_lines(dist),
                idempotency_key=f"shu-run-{year}",
                kind="shu_distribution",
            )
            run = ShuRun.objects.create(
                year=year,
                split_version=current,
                capital_basis=capital_basis,
                payout=payout,
                total_income=dist.total_income,
                total_expense=dist.total_expense,
                shu=dist.shu,
                non_member_income=dist.non_member_income,
                non_member_part=dist.non_member_part,
                member_part=dist.member_part,
                reserves=dist.amount("reserves"),
                board=dist.amount("board"),
                staff=dist.amount("staff"),
                education=dist.amount("education"),
                social=dist.amount("social"),
                other=dist.amount("other"),
                jasa_usaha_pool=dist.jasa_usaha_pool,
                jasa_modal_pool=dist.jasa_modal_pool,
                business_total=dist.business_total,
                capital_total=dist.capital_total,
                jasa_usaha_paid=dist.jasa_usaha_paid,
                jasa_modal_paid=dist.jasa_modal_paid,
                remainder_usaha=dist.remainder_usaha,
                remainder_modal=dist.remainder_modal,
                to_sukarela=dist.to_sukarela,
                to_payable=dist.to_payable,
                members_count=len(dist.rows),
                digest=dist.digest,
                journal_entry=entry,
                payout_key=_payout_key(dist),
                created_at=timezone.now(),
                created_by_id=actor_id(actor),
            )
            _shares_insert(run, dist)
            _pay_into_sukarela(actor, run, dist)
            audit_record(
                actor=actor,
                action="shu.run.final",
                obj=run,
                summary=f"SHU {year}: {dist.shu:.2f} to {len(dist.rows)} members",
                data={
                    "year": year,
                    "split": current.number,
                    "shu": f"{dist.shu:.2f}",
                    "members": len(dist.rows),
                    "shares": f"{dist.jasa_usaha_paid + dist.jasa_modal_paid:.2f}",
                    "remainder": f"{dist.remainder:.2f}",
                    "to_sukarela": f"{dist.to_sukarela:.2f}",
                    "to_payable": f"{dist.to_payable:.2f}",
                    "entry": entry.pk,
                    "payout_key": run.payout_key,
                },
            )
    except IntegrityError:
        if ShuRun.objects.filter(year=year).exists():
            raise _already(year) from None
        raise
    return run
