"""A statement's table as a PDF (reportlab; no system libraries needed)."""

from __future__ import annotations

from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from tenants.reports.table import Table, cell_text

WIDE = 5  # more columns than this: landscape


def table_pdf(table: Table, *, organisation: str = "") -> bytes:
    buffer = BytesIO()
    page = landscape(A4) if len(table.columns) > WIDE else A4
    doc = SimpleDocTemplate(
        buffer,
        pagesize=page,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=table.title,
    )
    styles = getSampleStyleSheet()
    cell_style = styles["BodyText"]
    story = []
    if organisation:
        story.append(Paragraph(_escape(organisation), styles["Heading3"]))
    story += [
        Paragraph(_escape(table.title), styles["Title"]),
        Paragraph(_escape(table.subtitle), styles["Normal"]),
        Spacer(1, 6 * mm),
    ]
    data: list[list[object]] = [[c.label for c in table.columns]]
    for row in table.rows:
        data.append(
            [
                cell_text(value)
                if column.numeric
                else Paragraph(_escape(cell_text(value)), cell_style)
                for column, value in zip(table.columns, row.cells, strict=True)
            ]
        )
    commands: list[tuple[object, ...]] = [
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
    ]
    for index, column in enumerate(table.columns):
        if column.numeric:
            commands.append(("ALIGN", (index, 0), (index, -1), "RIGHT"))
    for number, row in enumerate(table.rows, start=1):
        if row.style:
            commands.append(("FONTNAME", (0, number), (-1, number), "Helvetica-Bold"))
        if row.style == "total":
            commands.append(("LINEABOVE", (0, number), (-1, number), 0.5, colors.grey))
    pdf_table = PdfTable(data, repeatRows=1)
    pdf_table.setStyle(TableStyle(commands))
    story.append(pdf_table)
    doc.build(story)
    return buffer.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
