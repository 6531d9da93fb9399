"""The RAT pack as one PDF (reportlab): the meeting and its decisions, the board's
accountability figures, the five financial statements (tenants.reports: balance sheet,
income statement, cash flow, changes in equity, and the notes), the SHU distribution,
loan portfolio quality (when the loans module offers its report) and health ratios."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from money.rupiah import format_rupiah
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from tenants.models import ItemStatus, MemberKind, RatMeeting, SavingsKind
from tenants.rat import selectors
from tenants.rat.figures import YearFigures, capital_note, year_figures
from tenants.reports.table import Table, cell_text
from tenants.shu.documents import summary_rows

WIDTH = 180 * mm


def _p(text: str, style: Any) -> Paragraph:
    return Paragraph(escape(text), style)


def _grid(rows: list[list[Any]], widths: list[float], *, numeric_from: int = 1) -> PdfTable:
    table = PdfTable(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
            ]
        )
    )
    return table


def statement_flowable(table: Table, style: Any) -> PdfTable:
    """A tenants.reports Table as a PDF table (as tenants.reports.pdf draws it)."""
    data: list[list[Any]] = [[c.label for c in table.columns]]
    for row in table.rows:
        data.append(
            [
                cell_text(value) if column.numeric else Paragraph(escape(cell_text(value)), style)
                for column, value in zip(table.columns, row.cells, strict=True)
            ]
        )
    numeric = [i for i, c in enumerate(table.columns) if c.numeric]
    text_columns = len(table.columns) - len(numeric)
    number_width = 30 * mm if len(numeric) > 2 else 38 * mm
    rest = (WIDTH - number_width * len(numeric)) / max(text_columns, 1)
    widths = [number_width if c.numeric else rest for c in table.columns]
    commands: list[tuple[object, ...]] = [
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
    ]
    for index in numeric:
        commands.append(("ALIGN", (index, 0), (index, -1), "RIGHT"))
    for number, row in enumerate(table.rows, start=1):
        if row.style:
            commands.append(("FONTNAME", (0, number), (-1, number), "Helvetica-Bold"))
        if row.style == "total":
            commands.append(("LINEABOVE", (0, number), (-1, number), 0.5, colors.grey))
    pdf_table = PdfTable(data, colWidths=widths, repeatRows=1)
    pdf_table.setStyle(TableStyle(commands))
    return pdf_table


def _meeting_section(meeting: RatMeeting, styles: Any) -> list[Any]:
    found = selectors.quorum(meeting)
    story: list[Any] = [
        _p(_("The meeting and its decisions"), styles["Heading2"]),
        _p(
            _(
                "%(present)s members present, %(eligible_present)s of them eligible to vote, "
                "of %(eligible)s eligible members (quorum: %(needed)s)."
            )
            % {
                "present": found.present,
                "eligible_present": found.present_eligible,
                "eligible": found.eligible,
                "needed": found.needed,
            },
            styles["Normal"],
        ),
        Spacer(1, 3 * mm),
    ]
    rows: list[list[Any]] = [[_("Item"), _("Agree"), _("Disagree"), _("Abstain"), _("Outcome")]]
    for item in selectors.meeting_items(meeting):
        rows.append(
            [
                Paragraph(escape(str(item)), styles["BodyText"]),
                "" if item.yes_count is None else str(item.yes_count),
                "" if item.no_count is None else str(item.no_count),
                "" if item.abstain_count is None else str(item.abstain_count),
                item.get_outcome_display()
                if item.status == ItemStatus.CLOSED
                else item.get_status_display(),
            ]
        )
    story.append(_grid(rows, [90 * mm, 18 * mm, 20 * mm, 18 * mm, 34 * mm]))
    return story


def _lpj_section(f: YearFigures, styles: Any) -> list[Any]:
    m = f.members
    rows: list[list[Any]] = [[_("Figure"), _("Value")]]
    rows += [
        [_("Members on 31 December"), str(m.total)],
        [_("of whom regular members (anggota biasa)"), str(m.regular)],
        [_("of whom associate members (anggota luar biasa)"), str(m.associate)],
        [_("Members who joined in the year"), str(m.joined)],
        [_("Members who left in the year"), str(m.left)],
        [_("Simpanan pokok"), format_rupiah(f.savings[SavingsKind.POKOK])],
        [_("Simpanan wajib"), format_rupiah(f.savings[SavingsKind.WAJIB])],
        [_("Simpanan sukarela"), format_rupiah(f.savings[SavingsKind.SUKARELA])],
        [_("Simpanan berjangka"), format_rupiah(f.savings[SavingsKind.BERJANGKA])],
        [_("Loans to members outstanding (1103)"), format_rupiah(f.account("1103"))],
        [_("Members' business with the cooperative"), format_rupiah(f.business_total)],
        [_("Total income"), format_rupiah(f.income.total_income)],
        [_("Total expenses"), format_rupiah(f.income.total_expenses)],
        [_("SHU (income - expenses)"), format_rupiah(f.income.shu)],
        [_("Total assets"), format_rupiah(f.balance.total_assets)],
    ]
    story: list[Any] = [
        _p(_("The board's accountability figures"), styles["Heading2"]),
        _grid(rows, [120 * mm, 60 * mm]),
    ]
    if f.business:
        rows = [[_("Members' business by kind"), _("Transactions"), _("Amount")]]
        rows += [[label, str(n), format_rupiah(amount)] for label, n, amount in f.business]
        story += [Spacer(1, 3 * mm), _grid(rows, [100 * mm, 30 * mm, 50 * mm])]
    return story


def _notes(f: YearFigures, styles: Any) -> list[Any]:
    lines = [
        _(
            "Basis: the statements are computed from the cooperative's double-entry ledger "
            "(SAK EP), for the book year %(year)s (1 January to 31 December), in rupiah."
        )
        % {"year": f.year},
        capital_note(f),
        _(
            "Income and expenses are not closed into equity by an entry: the year's SHU and "
            "any earlier years' result not yet closed appear as lines of equity."
        ),
        _(
            "Members' savings balances are kept beside the ledger and checked against it "
            "every day; sukarela earns jasa monthly, booked as an expense (5101)."
        ),
    ]
    if f.shu is not None:
        lines.append(
            _(
                "The SHU is split by version %(number)s of the bylaws' split; members' shares "
                "are rounded down to the rupiah and the remainder goes to the reserves."
            )
            % {"number": f.shu.split.number}
        )
    story: list[Any] = [_p(_("Notes to the financial statements (CALK)"), styles["Heading3"])]
    story += [_p(f"{n}. {line}", styles["Normal"]) for n, line in enumerate(lines, start=1)]
    return story


def _shu_section(f: YearFigures, styles: Any) -> list[Any]:
    story: list[Any] = [
        _p(_("SHU distribution"), styles["Heading2"]),
        _p(f.shu_note, styles["Normal"]),
    ]
    if f.shu is not None:
        rows: list[list[Any]] = [[_("Item"), "%", _("Total")]]
        for label, pct, _member, total in summary_rows(f.shu):
            rows.append(
                [
                    Paragraph(escape(label), styles["BodyText"]),
                    "" if pct is None else f"{pct}",
                    format_rupiah(total),
                ]
            )
        rows.append(
            [
                _("Members with a share"),
                "",
                str(len(f.shu.rows)),
            ]
        )
        story += [Spacer(1, 3 * mm), _grid(rows, [110 * mm, 20 * mm, 50 * mm])]
    return story


def _portfolio_section(f: YearFigures, styles: Any) -> list[Any]:
    story: list[Any] = [_p(_("Loan portfolio quality"), styles["Heading2"])]
    if f.portfolio is None:
        return [*story, _p(f.portfolio_note, styles["Normal"])]
    total = f.portfolio.total
    rows: list[list[Any]] = [[_("Figure"), _("Value")]]
    rows += [
        [_("Running loans"), str(total.loans)],
        [_("Outstanding"), format_rupiah(total.outstanding)],
        ["PAR 30", f"{total.par30_percent}%"],
        ["PAR 60", f"{total.par60_percent}%"],
        ["PAR 90", f"{total.par90_percent}%"],
        [_("Problem loans (NPL)"), f"{total.npl_percent}%"],
        [_("Health band"), f.portfolio.health_label],
        [_("Loss allowance required"), format_rupiah(total.required_allowance)],
        [_("Loss allowance booked"), format_rupiah(f.portfolio.allowance_booked)],
    ]
    for name, amount in total.ministry_classes.items():
        rows.append([_("Class: %(name)s") % {"name": name}, format_rupiah(amount)])
    return [*story, _grid(rows, [120 * mm, 60 * mm])]


def _ratios_section(f: YearFigures, styles: Any) -> list[Any]:
    rows: list[list[Any]] = [[_("Ratio"), _("Formula"), _("Value")]]
    for ratio in f.ratios:
        value = "-" if ratio.value is None else f"{ratio.value}%"
        if ratio.note:
            value = f"{value} ({ratio.note})"
        rows.append(
            [
                Paragraph(escape(ratio.name), styles["BodyText"]),
                Paragraph(
                    escape(
                        f"{ratio.formula}: {format_rupiah(ratio.numerator)} ÷ "
                        f"{format_rupiah(ratio.denominator)}"
                    ),
                    styles["BodyText"],
                ),
                Paragraph(escape(value), styles["BodyText"]),
            ]
        )
    return [
        _p(_("Health ratios"), styles["Heading2"]),
        _p(
            _("Indicative ratios from the statements, not the ministry's weighted health score."),
            styles["Normal"],
        ),
        _grid(rows, [50 * mm, 95 * mm, 35 * mm], numeric_from=2),
    ]


def rat_pack_pdf(*, cooperative: Any, meeting: RatMeeting) -> bytes:
    figures = year_figures(meeting)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"RAT {meeting.book_year}",
    )
    styles = getSampleStyleSheet()
    cell = styles["BodyText"]
    story: list[Any] = [
        _p(getattr(cooperative, "name", ""), styles["Heading3"]),
        _p(
            _("Annual members' meeting (RAT) for the book year %(year)s")
            % {"year": meeting.book_year},
            styles["Title"],
        ),
        _p(
            f"{meeting.title} · {meeting.held_on.strftime('%d-%m-%Y')}"
            + (f" · {meeting.place}" if meeting.place else ""),
            styles["Normal"],
        ),
        Spacer(1, 5 * mm),
        *_meeting_section(meeting, styles),
        Spacer(1, 5 * mm),
        *_lpj_section(figures, styles),
        PageBreak(),
        _p(_("Financial statements"), styles["Heading2"]),
    ]
    for table in (
        figures.balance.table,
        figures.income.table,
        figures.flows.table,
        figures.equity.table,
    ):
        story += [
            _p(table.title, styles["Heading3"]),
            _p(table.subtitle, styles["Normal"]),
            statement_flowable(table, cell),
            Spacer(1, 5 * mm),
        ]
    story += _notes(figures, styles)
    story += [PageBreak(), *_shu_section(figures, styles), Spacer(1, 5 * mm)]
    story += [*_portfolio_section(figures, styles), Spacer(1, 5 * mm)]
    story += _ratios_section(figures, styles)
    doc.build(story)
    return buffer.getvalue()


__all__ = ["MemberKind", "rat_pack_pdf", "statement_flowable"]
