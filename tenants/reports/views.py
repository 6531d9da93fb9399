"""Staff pages of the financial statements: HTML, ?format=pdf and ?format=xlsx."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from identity import access
from identity.decorators import staff_required

from tenants.ledger.periods import business_today
from tenants.reports import statements
from tenants.reports.excel import table_xlsx
from tenants.reports.pdf import table_pdf
from tenants.reports.table import Table, cell_text

# slug -> (title, the fields its form asks for)
STATEMENTS = {
    "neraca": (gettext_lazy("Balance sheet (Neraca)"), ("date_to",)),
    "phu": (gettext_lazy("Income statement (Perhitungan Hasil Usaha)"), ("date_from", "date_to")),
    "arus-kas": (gettext_lazy("Cash flow statement (Laporan Arus Kas)"), ("date_from", "date_to")),
    "ekuitas": (
        gettext_lazy("Statement of changes in equity (Laporan Perubahan Ekuitas)"),
        ("date_from", "date_to"),
    ),
    "neraca-saldo": (gettext_lazy("Trial balance"), ("date_from", "date_to")),
    "buku-besar": (gettext_lazy("General ledger"), ("account", "date_from", "date_to")),
    "anggota": (gettext_lazy("Member statement"), ("member", "date_from", "date_to")),
    "tunggakan": (gettext_lazy("Mandatory savings in arrears"), ("date_to",)),
}


def _date(request: HttpRequest, name: str, default: date) -> date:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise statements.ReportError(_("Enter dates as YYYY-MM-DD.")) from None


def _build(name: str, request: HttpRequest, date_from: date, date_to: date) -> Table:
    builders: dict[str, Callable[[], Table]] = {
        "neraca": lambda: statements.balance_sheet(as_of=date_to).table,
        "phu": lambda: statements.income_statement(date_from=date_from, date_to=date_to).table,
        "arus-kas": lambda: statements.cash_flow(date_from=date_from, date_to=date_to).table,
        "ekuitas": lambda: statements.equity_changes(date_from=date_from, date_to=date_to).table,
        "neraca-saldo": lambda: (
            statements.trial_balance(date_from=date_from, date_to=date_to).table
        ),
        "buku-besar": lambda: statements.general_ledger(
            account_code=request.GET.get("account", "").strip(),
            date_from=date_from,
            date_to=date_to,
        ),
        "anggota": lambda: (
            statements.member_statement(
                member_number=request.GET.get("member", ""), date_from=date_from, date_to=date_to
            ).table
        ),
        "tunggakan": lambda: statements.arrears_list(as_of=date_to).table,
    }
    return builders[name]()


def _defaults() -> tuple[date, date]:
    today = business_today()
    return date(today.year, 1, 1), today


@staff_required()
def index(request: HttpRequest) -> HttpResponse:
    date_from, date_to = _defaults()
    return render(
        request,
        "reports/index.html",
        {
            "statements": [
                {"slug": slug, "title": title, "fields": fields}
                for slug, (title, fields) in STATEMENTS.items()
            ],
            "date_from": date_from.isoformat(),
            "date_to": date_to.isoformat(),
        },
    )


@staff_required()
def statement(request: HttpRequest, name: str) -> HttpResponse:
    if name not in STATEMENTS:
        raise Http404
    title, fields = STATEMENTS[name]
    default_from, default_to = _defaults()
    try:
        date_from = _date(request, "date_from", default_from)
        date_to = _date(request, "date_to", default_to)
        table = _build(name, request, date_from, date_to)
    except statements.ReportError as error:
        return render(
            request,
            "reports/statement.html",
            {"title": title, "error": str(error), "fields": fields, "query": request.GET},
            status=400,
        )
    cooperative = access.current_cooperative()
    organisation = cooperative.name if cooperative is not None else ""
    wanted = request.GET.get("format", "")
    filename = f"{name}-{date_to.isoformat()}"
    if wanted == "pdf":
        response = HttpResponse(
            table_pdf(table, organisation=organisation), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
        return response
    if wanted == "xlsx":
        response = HttpResponse(
            table_xlsx(table, organisation=organisation),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    query = request.GET.copy()
    query.pop("format", None)
    rows = [
        {
            "style": row.style,
            "cells": [
                {"text": cell_text(value), "numeric": column.numeric}
                for column, value in zip(table.columns, row.cells, strict=True)
            ],
        }
        for row in table.rows
    ]
    return render(
        request,
        "reports/statement.html",
        {
            "title": title,
            "table": table,
            "rows": rows,
            "fields": fields,
            "query": request.GET,
            "date_from": date_from.isoformat(),
            "date_to": date_to.isoformat(),
            "querystring": query.urlencode(),
        },
    )
