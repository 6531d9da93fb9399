"""A statement's table as an Excel workbook (openpyxl): amounts stay numbers, shown with
a rupiah number format."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from tenants.reports.table import Table

RUPIAH_FORMAT = '"Rp "#,##0;-"Rp "#,##0'
DATE_FORMAT = "DD-MM-YYYY"
HEADER_ROW = 4


def table_xlsx(table: Table, *, organisation: str = "") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Laporan"
    sheet["A1"] = organisation
    sheet["A2"] = table.title
    sheet["A2"].font = Font(bold=True, size=14)
    sheet["A3"] = table.subtitle
    for index, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=column.label)
        cell.font = Font(bold=True)
        if column.numeric:
            cell.alignment = Alignment(horizontal="right")
        width = 18 if column.numeric else 12
        if not column.numeric and index == 2:
            width = 45
        sheet.column_dimensions[cell.column_letter].width = width
    for number, row in enumerate(table.rows, start=HEADER_ROW + 1):
        for index, (column, value) in enumerate(zip(table.columns, row.cells, strict=True), 1):
            cell = sheet.cell(row=number, column=index, value=value)
            if column.numeric:
                cell.number_format = RUPIAH_FORMAT
            elif value is not None and not isinstance(value, str):
                cell.number_format = DATE_FORMAT
            if row.style:
                cell.font = Font(bold=True)
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
