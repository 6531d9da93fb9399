"""The one table model every statement is rendered from (HTML, PDF and Excel alike)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from money.rupiah import format_rupiah

Cell = str | Decimal | date | None


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    style: str = ""  # "" | "heading" | "total"


@dataclass
class Table:
    title: str
    subtitle: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)

    def add(self, *cells: Cell, style: str = "") -> None:
        padded = cells + (None,) * (len(self.columns) - len(cells))
        self.rows.append(Row(padded, style))


def cell_text(value: Cell) -> str:
    """How a cell reads on screen and in the PDF: amounts as "Rp 1.250.000"."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_rupiah(value)
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return value
