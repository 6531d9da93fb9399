from __future__ import annotations

from typing import Any

from django import template

from money.rupiah import MoneyError, format_rupiah

register = template.Library()


@register.filter
def rupiah(value: Any) -> str:
    """{{ amount|rupiah }} -> "Rp 1.250.000"."""
    if value is None or value == "":
        return ""
    try:
        return format_rupiah(value)
    except MoneyError:
        return ""
