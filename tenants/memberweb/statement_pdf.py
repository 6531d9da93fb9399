"""A member's monthly savings statement as a PDF (reportlab: no system libraries): the same
lines as the statement page, every movement of each product with the balance after it."""

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
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from tenants.interest.selectors import ProductStatement
from tenants.models import Member


def _signed(amount: Any) -> str:
    return f"+{format_rupiah(amount)}" if amount > 0 else format_rupiah(amount)


def statement_pdf(
    *,
    cooperative: Any,
    member: Member,
    year: int,
    month: int,
    accounts: list[ProductStatement],
) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, title="Rekening koran"
    )
    styles = getSampleStyleSheet()
    cell = styles["BodyText"]
    story: list[Any] = [
        Paragraph(escape(f"{cooperative.name}"), styles["Title"]),
        Paragraph(
            escape(_("Savings statement %(month)s") % {"month": f"{month:02d}/{year}"}),
            styles["Heading2"],
        ),
        Paragraph(escape(f"{member.member_number} {member.full_name}"), styles["Normal"]),
        Spacer(1, 6 * mm),
    ]
    for item in accounts:
        story.append(Paragraph(escape(item.product_name), styles["Heading3"]))
        rows: list[list[Any]] = [[_("Date"), _("Description"), _("Amount"), _("Balance")]]
        rows.append(["", _("Opening balance"), "", format_rupiah(item.opening)])
        for movement in item.movements:
            rows.append(
                [
                    movement.day.strftime("%d-%m-%Y"),
                    Paragraph(escape(movement.description), cell),
                    _signed(movement.amount),
                    format_rupiah(movement.balance),
                ]
            )
        rows.append(["", _("Money in"), format_rupiah(item.credits), ""])
        rows.append(["", _("Money out"), format_rupiah(item.debits), ""])
        rows.append(["", _("Closing balance"), "", format_rupiah(item.closing)])
        table = Table(rows, colWidths=[24 * mm, 82 * mm, 37 * mm, 37 * mm], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                    ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story += [table, Spacer(1, 5 * mm)]
    if not accounts:
        story.append(Paragraph(escape(_("You have no savings account yet.")), styles["Normal"]))
    doc.build(story)
    return buffer.getvalue()
