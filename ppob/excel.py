"""The head office's PPOB reports as Excel workbooks (openpyxl): amounts stay numbers with
a rupiah number format, counts stay whole numbers, so the totals can be summed again."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from ppob.reports import Reconciliation, SalesLine, SalesReport

RUPIAH_FORMAT = '"Rp "#,##0;-"Rp "#,##0'
COUNT_FORMAT = "#,##0"
HEADER_ROW = 4

# A column: (label, kind) with kind "text", "count" or "money".
Columns = Sequence[tuple[str, str]]


def _sheet(
    sheet: Worksheet, *, organisation: str, title: str, subtitle: str, columns: Columns
) -> None:
    sheet["A1"] = organisation
    sheet["A2"] = title
    sheet["A2"].font = Font(bold=True, size=14)
    sheet["A3"] = subtitle
    for index, (label, kind) in enumerate(columns, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=label)
        cell.font = Font(bold=True)
        if kind != "text":
            cell.alignment = Alignment(horizontal="right")
        sheet.column_dimensions[cell.column_letter].width = 30 if kind == "text" else 18
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"  # a coordinate: no empty cell is made


def _row(sheet: Worksheet, columns: Columns, values: Sequence[Any], *, bold: bool = False) -> None:
    number = sheet.max_row + 1
    for index, ((_label, kind), value) in enumerate(zip(columns, values, strict=True), start=1):
        cell = sheet.cell(row=number, column=index, value=value)
        if kind == "money":
            cell.number_format = RUPIAH_FORMAT
        elif kind == "count":
            cell.number_format = COUNT_FORMAT
        if bold:
            cell.font = Font(bold=True)


def _bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def reconciliation_xlsx(report: Reconciliation, *, organisation: str) -> bytes:
    """Two sheets: the counts and totals per status on both sides, and the mismatches."""
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = "Ringkasan"
    title = _("PPOB daily reconciliation")
    day = report.day.strftime("%d-%m-%Y")
    columns: Columns = [
        (_("Status"), "text"),
        (_("Our purchases"), "count"),
        (_("Paid by buyers"), "money"),
        (_("Our cost"), "money"),
        (_("Provider's transactions"), "count"),
        (_("Charged by the provider"), "money"),
    ]
    _sheet(summary, organisation=organisation, title=title, subtitle=day, columns=columns)
    for line in [*report.lines, report.total]:
        _row(
            summary,
            columns,
            [
                line.label,
                line.ours,
                line.ours_price,
                line.ours_cost,
                line.provider,
                line.provider_price,
            ],
            bold=line.status == "total",
        )
    sheet = workbook.create_sheet("Selisih")
    mismatch_columns: Columns = [
        (_("Reference"), "text"),
        (_("Cooperative"), "text"),
        (_("Product"), "text"),
        (_("Customer number"), "text"),
        (_("Our status"), "text"),
        (_("Provider's status"), "text"),
        (_("Our cost"), "money"),
        (_("Charged by the provider"), "money"),
        (_("Problem"), "text"),
    ]
    _sheet(
        sheet,
        organisation=organisation,
        title=_("Mismatches"),
        subtitle=day,
        columns=mismatch_columns,
    )
    for mismatch in report.mismatches:
        _row(
            sheet,
            mismatch_columns,
            [
                mismatch.ref_id,
                mismatch.cooperative,
                mismatch.product,
                mismatch.customer_no,
                mismatch.ours_label,
                mismatch.provider_label,
                mismatch.our_cost,
                mismatch.provider_price,
                mismatch.problem,
            ],
        )
    return _bytes(workbook)


def _sales_values(line: SalesLine, first: str, second: str) -> list[Any]:
    return [first, second, line.purchases, line.price, line.cost, line.margin]


def sales_xlsx(report: SalesReport, *, organisation: str) -> bytes:
    """Sales by cooperative and category (with each cooperative's subtotal and the grand
    total), and a second sheet by category."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Penjualan"
    subtitle = f"{report.date_from:%d-%m-%Y} - {report.date_to:%d-%m-%Y}"
    columns: Columns = [
        (_("Cooperative"), "text"),
        (_("Category"), "text"),
        (_("Purchases"), "count"),
        (_("Sales"), "money"),
        (_("Cost"), "money"),
        (_("Margin"), "money"),
    ]
    _sheet(
        sheet,
        organisation=organisation,
        title=_("PPOB sales by cooperative and category"),
        subtitle=subtitle,
        columns=columns,
    )
    for name, lines, subtotal in report.by_cooperative():
        for line in lines:
            _row(sheet, columns, _sales_values(line, name, line.category_label))
        _row(sheet, columns, _sales_values(subtotal, name, _("Total")), bold=True)
    total = report.total
    _row(sheet, columns, _sales_values(total, _("Total"), ""), bold=True)
    by_category = workbook.create_sheet("Per kategori")
    category_columns: Columns = [
        (_("Category"), "text"),
        (_("Purchases"), "count"),
        (_("Sales"), "money"),
        (_("Cost"), "money"),
        (_("Margin"), "money"),
    ]
    _sheet(
        by_category,
        organisation=organisation,
        title=_("PPOB sales by category"),
        subtitle=subtitle,
        columns=category_columns,
    )
    for line in [*report.by_category(), total]:
        label = line.category_label or _("Total")
        _row(
            by_category,
            category_columns,
            [label, line.purchases, line.price, line.cost, line.margin],
            bold=line is total,
        )
    return _bytes(workbook)
