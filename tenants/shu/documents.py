"""SHU on paper: the member's statement as a PDF (reportlab), and the board's distribution
table as an Excel workbook (openpyxl: a summary sheet and one row per member)."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from money.rupiah import format_rupiah
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from tenants.models import CapitalBasis, MemberKind, MemberStatus, ShuPayout
from tenants.reports.excel import RUPIAH_FORMAT
from tenants.shu.calculation import ShuDistribution
from tenants.shu.selectors import MemberShuStatement


def statement_pdf(*, cooperative: Any, statement: MemberShuStatement) -> bytes:
    """The member's SHU statement: the same inputs and working as the page."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, title="SHU"
    )
    styles = getSampleStyleSheet()
    cell = styles["BodyText"]
    member = statement.member
    story: list[Any] = [
        Paragraph(escape(getattr(cooperative, "name", "")), styles["Title"]),
        Paragraph(
            escape(_("SHU statement for the book year %(year)s") % {"year": statement.year}),
            styles["Heading2"],
        ),
        Paragraph(escape(f"{member.member_number} {member.full_name}"), styles["Normal"]),
        Spacer(1, 5 * mm),
        Paragraph(escape(_("Your business with the cooperative")), styles["Heading3"]),
    ]
    business: list[list[Any]] = [[_("Kind"), _("Transactions"), _("Amount")]]
    for label, count, amount in statement.business_by_kind:
        business.append([Paragraph(escape(label), cell), str(count), format_rupiah(amount)])
    business.append([_("Total"), "", format_rupiah(statement.share.business)])
    story += [_table(business, [95 * mm, 30 * mm, 45 * mm]), Spacer(1, 4 * mm)]
    story.append(Paragraph(escape(_("Your capital (pokok + wajib)")), styles["Heading3"]))
    capital: list[list[Any]] = [[_("Savings"), _("Amount")]]
    for label, amount in statement.capital_by_kind:
        capital.append([label, format_rupiah(amount)])
    capital.append(
        [Paragraph(escape(statement.capital_label), cell), format_rupiah(statement.share.capital)]
    )
    story += [_table(capital, [125 * mm, 45 * mm]), Spacer(1, 4 * mm)]
    story.append(Paragraph(escape(_("How your share was worked out")), styles["Heading3"]))
    working: list[list[Any]] = [[_("Step"), _("Formula"), _("Result")]]
    for step in statement.steps:
        formula = escape(step.formula) + (f"<br/><i>{escape(step.note)}</i>" if step.note else "")
        working.append(
            [
                Paragraph(escape(step.label), cell),
                Paragraph(formula, cell),
                format_rupiah(step.result),
            ]
        )
    story += [_table(working, [35 * mm, 100 * mm, 35 * mm])]
    story.append(Spacer(1, 4 * mm))
    story.append(
        Paragraph(
            escape(
                _(
                    "Shares are rounded down to the rupiah; what rounding leaves goes to the "
                    "reserves."
                )
            ),
            styles["Normal"],
        )
    )
    doc.build(story)
    return buffer.getvalue()


def _table(rows: list[list[Any]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("ALIGN", (-1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
            ]
        )
    )
    return table


def summary_rows(dist: ShuDistribution) -> list[tuple[str, Any, Any, Any]]:
    """The distribution's summary: label, percent, from members' business, total."""
    rows: list[tuple[str, Any, Any, Any]] = [
        (_("Income"), None, None, dist.total_income),
        (_("Expenses"), None, None, dist.total_expense),
        (_("SHU (income - expenses)"), None, None, dist.shu),
        (_("SHU from business with non-members"), None, None, dist.non_member_part),
        (_("SHU from business with members"), None, None, dist.member_part),
    ]
    for allocation in dist.allocations.values():
        rows.append(
            (allocation.label, allocation.percent, allocation.member_amount, allocation.total)
        )
    rows += [
        (_("All members' business (VUK)"), None, None, dist.business_total),
        (_("All members' pokok + wajib (TMS)"), None, None, dist.capital_total),
        (_("Jasa usaha paid to members"), None, None, dist.jasa_usaha_paid),
        (_("Jasa modal paid to members"), None, None, dist.jasa_modal_paid),
        (_("Rounding remainder (to the reserves)"), None, None, dist.remainder),
        (_("Paid into simpanan sukarela"), None, None, dist.to_sukarela),
        (_("Kept as SHU payable (2104)"), None, None, dist.to_payable),
    ]
    return rows


def distribution_xlsx(dist: ShuDistribution, *, organisation: str = "") -> bytes:
    """Two sheets: the summary (the split and the totals) and every member's share with
    the inputs it was divided by; amounts stay numbers with a rupiah format."""
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = "Ringkasan"
    summary["A1"] = organisation
    summary["A2"] = _("SHU distribution of the book year %(year)s") % {"year": dist.year}
    summary["A2"].font = Font(bold=True, size=14)
    basis = (
        _("average daily balance")
        if dist.capital_basis == CapitalBasis.AVERAGE
        else _("year-end balance")
    )
    summary["A3"] = _("Split version %(number)s; jasa modal on the %(basis)s") % {
        "number": dist.split.number,
        "basis": basis,
    }
    header = [_("Item"), _("Percent"), _("From business with members"), _("Total")]
    for column, label in enumerate(header, start=1):
        summary.cell(row=5, column=column, value=label).font = Font(bold=True)
    for number, (label, percent, member_amount, total) in enumerate(summary_rows(dist), start=6):
        summary.cell(row=number, column=1, value=label)
        if percent is not None:
            summary.cell(row=number, column=2, value=percent)
        if member_amount is not None:
            summary.cell(row=number, column=3, value=member_amount).number_format = RUPIAH_FORMAT
        summary.cell(row=number, column=4, value=total).number_format = RUPIAH_FORMAT
    summary.column_dimensions["A"].width = 45
    for letter in "BCD":
        summary.column_dimensions[letter].width = 22

    sheet = workbook.create_sheet("Anggota")
    columns = [
        _("Member number"),
        _("Name"),
        _("Kind"),
        _("Status"),
        _("Business (Va)"),
        _("Pokok + wajib (Sa)"),
        _("Jasa usaha"),
        _("Jasa modal"),
        _("SHU"),
        _("Paid"),
    ]
    for column, label in enumerate(columns, start=1):
        sheet.cell(row=1, column=column, value=label).font = Font(bold=True)
    kinds, statuses, payouts = (
        dict(MemberKind.choices),
        dict(MemberStatus.choices),
        dict(ShuPayout.choices),
    )
    for number, r in enumerate(dist.rows, start=2):
        values: list[Any] = [
            r.member_number,
            r.full_name,
            str(kinds.get(r.kind, r.kind)),
            str(statuses.get(r.status, r.status)),
            r.business,
            r.capital,
            r.jasa_usaha,
            r.jasa_modal,
            r.total,
            str(payouts.get(r.paid_to, r.paid_to)),
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=number, column=column, value=value)
            if 5 <= column <= 9:
                cell.number_format = RUPIAH_FORMAT
    total_row = len(dist.rows) + 2
    sheet.cell(row=total_row, column=2, value=_("Total")).font = Font(bold=True)
    for column, value in (
        (5, dist.business_total),
        (6, dist.capital_total),
        (7, dist.jasa_usaha_paid),
        (8, dist.jasa_modal_paid),
        (9, dist.jasa_usaha_paid + dist.jasa_modal_paid),
    ):
        cell = sheet.cell(row=total_row, column=column, value=value)
        cell.number_format = RUPIAH_FORMAT
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGHIJ", (14, 30, 22, 12, 18, 18, 16, 16, 16, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
