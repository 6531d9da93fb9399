"""Rupiah amounts: Decimal only, rounded in one place, shown as "Rp 1.250.000"."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_decimal

RUPIAH = Decimal("1")
CENT = Decimal("0.01")


class MoneyError(ValueError):
    pass


def to_decimal(value: object) -> Decimal:
    """Parse an amount; floats are refused (they cannot represent money exactly)."""
    if isinstance(value, float):
        raise MoneyError("amounts must not be floats")
    try:
        amount = Decimal(str(value).strip().replace(" ", ""))
    except (InvalidOperation, ValueError) as exc:
        raise MoneyError(f"not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise MoneyError(f"not an amount: {value!r}")
    return amount


def round_rupiah(amount: Decimal, *, down: bool = False) -> Decimal:
    """Round to the whole rupiah: half-up by default, down for shares (SHU, jasa)."""
    return amount.quantize(RUPIAH, rounding=ROUND_DOWN if down else ROUND_HALF_UP)


def format_rupiah(amount: Decimal | int | str) -> str:
    """Rp 1.250.000 (whole rupiah); cents are shown only when present (Rp 1.250,50).

    Rupiah are written the Indonesian way in both languages of the interface."""
    value = to_decimal(amount)
    pattern = "#,##0.00" if value != value.to_integral_value() else "#,##0"
    text = format_decimal(abs(value), format=pattern, locale="id_ID")
    return f"{'-' if value < 0 else ''}Rp {text}"
