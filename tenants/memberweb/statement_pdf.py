"""A member's monthly savings statement as a PDF (reportlab: no system libraries)."""

from __future__ import annotations

import io
from typing import Any

from money.rupiah import format_rupiah
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from tenants.ledger.periods import business_day_of
from tenants.memberweb.selectors import StatementAccount
from tenants.models import Member


def statement_pdf(
    *, cooperative: Any, member: Member, year: int, month: int, accounts: list[StatementAccount]
) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, title="Rekening koran"
    )
    styles = getSampleStyleSheet()
    story: list[Any] = [
        Paragraph(f"{cooperative.name}", styles["Title"]),
        Paragraph(f"Laporan simpanan / Savings statement {year}-{month:02d}", styles["Heading2"]),
        Paragraph(f"{member.member_number} {member.full_name}", styles["Normal"]),
        Spacer(1, 6 * mm),
    ]
    for item in accounts:
        story.append(Paragraph(item.account.product.name, styles["Heading3"]))
        rows: list[list[str]] = [["Tanggal / Date", "Jenis / Kind", "Jumlah", "Saldo"]]
        rows.append(["", "Saldo awal / Opening", "", format_rupiah(item.opening)])
        for row in item.transactions:
            sign = "-" if row.kind == "withdrawal" else ""
            rows.append(
                [
                    business_day_of(row.created_at).isoformat(),
                    "Setoran" if row.kind == "deposit" else "Penarikan",
                    f"{sign}{format_rupiah(row.amount)}",
                    format_rupiah(row.balance_after),
                ]
            )
        rows.append(["", "Saldo akhir / Closing", "", format_rupiah(item.closing)])
        table = Table(rows, colWidths=[30 * mm, 55 * mm, 45 * mm, 45 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                    ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                ]
            )
        )
        story += [table, Spacer(1, 5 * mm)]
    doc.build(story)
    return buffer.getvalue()
