"""Indonesian mobile numbers in one canonical form: 628xxxxxxxxx."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"\D")


def normalize_phone(raw: str) -> str | None:
    digits = _DIGITS.sub("", raw or "")
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    if re.fullmatch(r"628\d{7,11}", digits):
        return digits
    return None
