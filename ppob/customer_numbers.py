"""Customer numbers per product, checked before any money moves: Indonesian mobile numbers
by operator prefix, PLN meter numbers and customer IDs, BPJS, PDAM, e-money cards.

``customer_number_check`` returns the number as the provider wants it (digits only,
mobile numbers starting 08) or raises NumberInvalid with a message the customer can act on.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from ppob.exceptions import NumberInvalid
from ppob.models import Category

TELKOMSEL = ("0811", "0812", "0813", "0821", "0822", "0823", "0851", "0852", "0853")
INDOSAT = ("0814", "0815", "0816", "0855", "0856", "0857", "0858")
XL = ("0817", "0818", "0819", "0859", "0877", "0878")
AXIS = ("0831", "0832", "0833", "0838")
TRI = ("0895", "0896", "0897", "0898", "0899")
SMARTFREN = ("0881", "0882", "0883", "0884", "0885", "0886", "0887", "0888", "0889")
OPERATORS: dict[str, tuple[str, ...]] = {
    "Telkomsel": TELKOMSEL,
    "Indosat": INDOSAT,
    "XL": XL,
    "AXIS": AXIS,
    "Tri": TRI,
    "Smartfren": SMARTFREN,
}
# The provider's brand names (upper case) and the operator whose prefixes they use.
BRAND_OPERATOR = {
    "TELKOMSEL": "Telkomsel",
    "BY.U": "Telkomsel",
    "INDOSAT": "Indosat",
    "IM3": "Indosat",
    "XL": "XL",
    "AXIS": "AXIS",
    "TRI": "Tri",
    "THREE": "Tri",
    "SMARTFREN": "Smartfren",
}
CARD_BRANDS = ("MANDIRI", "E-TOLL", "BRIZZI", "TAPCASH", "FLAZZ")
SEPARATORS = re.compile(r"[\s.\-()/]+")
GAME_ID = re.compile(r"^[A-Za-z0-9._|\-]{3,40}$")
OTHER_ID = re.compile(r"^[A-Za-z0-9]{4,40}$")


def operator_of(number: str) -> str | None:
    """The operator whose prefix a normalised mobile number (08...) carries."""
    for name, prefixes in OPERATORS.items():
        if number.startswith(prefixes):
            return name
    return None


def mobile_normalize(raw: str) -> str | None:
    """08xxxxxxxx from "0812-3456-789", "+62 812 3456 789" or "62812..."; None if not a
    mobile number of 10 to 13 digits."""
    number = SEPARATORS.sub("", raw)
    if number.startswith("+62"):
        number = "0" + number[3:]
    elif number.startswith("62"):
        number = "0" + number[2:]
    if not re.fullmatch(r"08\d{8,11}", number):
        return None
    return number


def _digits(raw: str) -> str:
    return SEPARATORS.sub("", raw)


def _mobile(raw: str, brand: str) -> str:
    number = mobile_normalize(raw)
    if number is None:
        raise NumberInvalid(
            _("A mobile number starts with 08 (or +62) and has 10 to 13 digits."),
            code="mobile_format",
        )
    operator = operator_of(number)
    expected = BRAND_OPERATOR.get(brand.strip().upper())
    if expected is not None and operator != expected:
        if operator is None:
            message = _("This number is not a %(brand)s number.") % {"brand": expected}
        else:
            message = _("This is a %(operator)s number, not %(brand)s.") % {
                "operator": operator,
                "brand": expected,
            }
        raise NumberInvalid(message, code="mobile_operator")
    return number


def customer_number_check(*, category: str, brand: str, raw: object) -> str:
    """The customer number for a product of ``category`` and ``brand``, normalised; refused
    with a clear message when it cannot be right."""
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        raise NumberInvalid(_("Enter the customer number."), code="number_missing")
    if len(text) > 60:
        raise NumberInvalid(_("This customer number is too long."), code="number_too_long")
    if category in (Category.PULSA, Category.DATA):
        return _mobile(text, brand)
    digits = _digits(text)
    if category == Category.PLN_TOKEN:
        if not re.fullmatch(r"\d{11}|\d{12}", digits):
            raise NumberInvalid(
                _("A PLN meter number has 11 digits and a PLN customer ID 12 digits."),
                code="pln_format",
            )
        return digits
    if category == Category.PLN_POSTPAID:
        if not re.fullmatch(r"\d{12}", digits):
            raise NumberInvalid(_("A PLN customer ID has 12 digits."), code="pln_id_format")
        return digits
    if category == Category.BPJS:
        if not re.fullmatch(r"\d{13,16}", digits):
            raise NumberInvalid(_("A BPJS number has 13 to 16 digits."), code="bpjs_format")
        return digits
    if category == Category.PDAM:
        if not re.fullmatch(r"\d{5,20}", digits):
            raise NumberInvalid(_("A PDAM customer number has 5 to 20 digits."), code="pdam_format")
        return digits
    if category == Category.EMONEY:
        if any(word in brand.upper() for word in CARD_BRANDS):
            if not re.fullmatch(r"\d{16}", digits):
                raise NumberInvalid(_("A card number has 16 digits."), code="card_format")
            return digits
        return _mobile(text, "")
    if category == Category.TELCO_POSTPAID:
        if not re.fullmatch(r"\d{8,15}", digits):
            raise NumberInvalid(
                _("A telephone or internet customer number has 8 to 15 digits."),
                code="telco_format",
            )
        return digits
    if category == Category.GAME:
        if not GAME_ID.fullmatch(text.replace(" ", "")):
            raise NumberInvalid(
                _("A game account ID has 3 to 40 letters, digits, dots, dashes or bars."),
                code="game_format",
            )
        return text.replace(" ", "")
    if not OTHER_ID.fullmatch(digits):
        raise NumberInvalid(
            _("A customer number has 4 to 40 letters and digits."), code="number_format"
        )
    return digits
