"""The loan pages' documents: the portfolio report as a reports Table (one model for the
screen, the PDF and the Excel workbook), and the receipt of a repayment in the teller's
two receipt layouts (A4 and 58 mm roll)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal
from django.db import connection
from django.utils.translation import gettext as _
from money.rupiah import format_rupiah

from tenants.loans.aging import loan_settings
from tenants.loans.selectors import (
    HEALTH_BANDS,
    Portfolio,
    PortfolioLine,
    npl_health,
    staff_names,
)
from tenants.models import BankClass, LoanRepayment, LoanRepaymentKind, MinistryClass
from tenants.reports.table import Cell, Column, Table
from tenants.teller.receipts import JAKARTA, UNSEALED, Receipt, name_mask

ZERO = Decimal("0.00")


def percent_text(value: Decimal) -> str:
    """3.25 -> "3,25 %" (written the Indonesian way in both languages, as rupiah are)."""
    return f"{format_decimal(value, format='#,##0.00', locale='id_ID')} %"


# The portfolio report --------------------------------------------------------------


def officer_label(officer_id: int | None, names: dict[int, str]) -> str:
    if officer_id is None:
        return _("No officer")
    return names.get(officer_id, f"#{officer_id}")


def portfolio_table(portfolio: Portfolio, names: dict[int, str]) -> Table:
    """One column for the whole portfolio and one per loan officer; a row per measure:
    the loans and their outstanding, PAR 30/60/90, the problem-loan ratio and its health
    band, both kolektibilitas scales, and the allowance (PPAP) required and booked."""
    settings = loan_settings()
    lines: list[PortfolioLine] = [portfolio.total, *portfolio.officers]
    columns = [Column(_("Measure")), Column(_("Whole portfolio"), numeric=True)]
    columns += [Column(officer_label(line.officer_id, names), numeric=True) for line in lines[1:]]
    table = Table(
        title=_("Loan portfolio"),
        subtitle=_("Running loans as of %(date)s") % {"date": portfolio.as_of.strftime("%d-%m-%Y")},
        columns=columns,
    )

    def each(value: Any) -> list[Cell]:
        return [value(line) for line in lines]

    table.add(_("Running loans"), style="heading")
    table.add(_("Number of loans"), *each(lambda line: str(line.loans)))
    table.add(_("Principal outstanding"), *each(lambda line: line.outstanding))
    table.add(_("Portfolio at risk (PAR)"), style="heading")
    for days in (30, 60, 90):
        table.add(
            _("PAR %(days)s: more than %(days)s days past due") % {"days": days},
            *each(lambda line, d=days: getattr(line, f"par{d}")),
        )
        table.add(
            _("PAR %(days)s, share of the outstanding") % {"days": days},
            *each(lambda line, d=days: percent_text(getattr(line, f"par{d}_percent"))),
        )
    table.add(_("Problem loans (ministry's health check)"), style="heading")
    table.add(
        _("Kurang lancar, diragukan and macet"),
        *each(lambda line: line.problem),
    )
    table.add(_("Problem-loan ratio (NPL)"), *each(lambda line: percent_text(line.npl_percent)))
    table.add(
        _("Health"),
        *each(lambda line: str(HEALTH_BANDS[npl_health(line.npl_percent, settings)])),
        style="total",
    )
    table.add(_("Kolektibilitas (5 classes)"), style="heading")
    for value, label in BankClass.choices:
        table.add(str(label), *each(lambda line, v=value: line.bank_classes[v]))
    table.add(_("Kolektibilitas (ministry, 4 classes)"), style="heading")
    for value, label in MinistryClass.choices:
        table.add(str(label), *each(lambda line, v=value: line.ministry_classes[v]))
    table.add(_("Loss allowance (PPAP)"), style="heading")
    table.add(_("Required (PPAP wajib dibentuk)"), *each(lambda line: line.required_allowance))
    table.add(_("Booked (account 1105)"), portfolio.allowance_booked)
    table.add(_("Booked against required"), percent_text(portfolio.allowance_percent))
    return table


# Repayment receipts ----------------------------------------------------------------


@dataclass(frozen=True)
class RepaymentReceipt(Receipt):
    """A counter receipt of a loan payment: the teller's receipt with the payment's split
    (penalty, interest, principal) and the principal left."""

    penalty: Decimal = ZERO
    interest: Decimal = ZERO
    principal: Decimal = ZERO

    def rows(self) -> list[tuple[str, str]]:
        # A printed document in Indonesian, as the teller's receipts are.
        return [
            ("Tanggal", self.when_text),
            ("Kasir", self.teller),
            ("No. anggota", self.member_number),
            ("Nama", self.member_name_masked),
            ("Pinjaman", self.product),
            ("Jumlah", self.amount_text),
            ("Denda", format_rupiah(self.penalty)),
            ("Jasa", format_rupiah(self.interest)),
            ("Pokok", format_rupiah(self.principal)),
            ("Sisa pokok", self.balance_after_text),
            ("Referensi", self.reference),
            ("Jurnal", f"#{self.journal_entry_id}"),
        ]


def repayment_reference(repayment: LoanRepayment) -> str:
    return f"ANG-{repayment.pk:08d}"


def repayment_receipt(repayment: LoanRepayment) -> RepaymentReceipt:
    """Everything the receipt shows, read fresh (the entry may have been sealed since)."""
    repayment = LoanRepayment.objects.select_related(
        "loan__product", "loan__member", "journal_entry"
    ).get(pk=repayment.pk)
    loan = repayment.loan
    entry = repayment.journal_entry
    tenant = getattr(connection, "tenant", None)
    teller = staff_names({repayment.teller_id}) if repayment.teller_id else {}
    title = (
        "BUKTI PELUNASAN PINJAMAN"
        if repayment.kind == LoanRepaymentKind.PAYOFF
        else "BUKTI ANGSURAN PINJAMAN"
    )
    return RepaymentReceipt(
        cooperative=getattr(tenant, "name", "") or "",
        title=title,
        when=repayment.created_at.astimezone(JAKARTA),
        teller=teller.get(repayment.teller_id or 0, "-"),
        member_number=loan.member.member_number,
        member_name_masked=name_mask(loan.member.full_name),
        product=f"{loan.product.name} #{loan.pk}",
        amount=repayment.amount,
        balance_after=repayment.principal_outstanding_after,
        reference=repayment_reference(repayment),
        journal_entry_id=entry.pk,
        entry_hash=entry.entry_hash if entry.sealed_at and entry.entry_hash else UNSEALED,
        penalty=repayment.penalty_part,
        interest=repayment.interest_part,
        principal=repayment.principal_part,
    )
