"""Customer numbers are checked per product before any money moves, with clear messages."""

from __future__ import annotations

import pytest
from django.utils import translation

from ppob.customer_numbers import customer_number_check, mobile_normalize, operator_of
from ppob.exceptions import NumberInvalid


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0812-3456-7890", "081234567890"),
        ("+62 812 3456 7890", "081234567890"),
        ("6281234567890", "081234567890"),
        ("0878 0000 1230", "087800001230"),
        ("081234567", None),  # 9 digits
        ("08123456789012", None),  # 14 digits
        ("07123456789", None),
        ("0812345678a", None),
    ],
)
def test_mobile_numbers_are_normalised(raw, expected):
    assert mobile_normalize(raw) == expected


@pytest.mark.parametrize(
    ("category", "brand", "raw", "expected"),
    [
        ("pulsa", "TELKOMSEL", "081234567890", "081234567890"),
        ("pulsa", "XL", "087800001230", "087800001230"),
        ("data", "INDOSAT", "+6285612345678", "085612345678"),
        ("pulsa", "by.U", "085112345678", "085112345678"),
        ("pulsa", "AXIS", "083812345678", "083812345678"),
        ("pulsa", "TRI", "089612345678", "089612345678"),
        ("pulsa", "SMARTFREN", "088812345678", "088812345678"),
        ("pln_token", "PLN", "51234567890", "51234567890"),
        ("pln_token", "PLN", "5123 4567 8901", "512345678901"),
        ("pln_postpaid", "PLN PASCABAYAR", "512345678901", "512345678901"),
        ("bpjs", "BPJS KESEHATAN", "8888801234567890", "8888801234567890"),
        ("bpjs", "BPJS KESEHATAN", "0001234567890", "0001234567890"),
        ("pdam", "PDAM", "0123456", "0123456"),
        ("emoney", "GO PAY", "081234567890", "081234567890"),
        ("emoney", "MANDIRI E-TOLL", "6032 9812 3456 7890", "6032981234567890"),
        ("game", "MOBILE LEGENDS", "12345678|1234", "12345678|1234"),
    ],
)
def test_good_numbers(category, brand, raw, expected):
    assert customer_number_check(category=category, brand=brand, raw=raw) == expected


@pytest.mark.parametrize(
    ("category", "brand", "raw", "code"),
    [
        ("pulsa", "TELKOMSEL", "", "number_missing"),
        ("pulsa", "TELKOMSEL", "12345", "mobile_format"),
        ("pulsa", "TELKOMSEL", "087800001230", "mobile_operator"),
        ("pulsa", "XL", "081234567890", "mobile_operator"),
        ("pulsa", "XL", "080012345678", "mobile_operator"),
        ("pln_token", "PLN", "5123456789", "pln_format"),
        ("pln_token", "PLN", "5123456789012", "pln_format"),
        ("pln_postpaid", "PLN PASCABAYAR", "51234567890", "pln_id_format"),
        ("bpjs", "BPJS KESEHATAN", "123456789012", "bpjs_format"),
        ("bpjs", "BPJS KESEHATAN", "12345678901234567", "bpjs_format"),
        ("pdam", "PDAM", "1234", "pdam_format"),
        ("emoney", "MANDIRI E-TOLL", "603298123456789", "card_format"),
        ("emoney", "OVO", "12345", "mobile_format"),
        ("game", "MOBILE LEGENDS", "a b", "game_format"),
        ("other", "X", "x" * 61, "number_too_long"),
    ],
)
def test_bad_numbers_are_refused_with_a_reason(category, brand, raw, code):
    with pytest.raises(NumberInvalid) as refused:
        customer_number_check(category=category, brand=brand, raw=raw)
    assert refused.value.code == code


def test_the_message_names_the_operator_and_is_in_indonesian_first():
    with translation.override("id"), pytest.raises(NumberInvalid) as refused:
        customer_number_check(category="pulsa", brand="XL", raw="081234567890")
    assert str(refused.value.messages[0]) == "Ini nomor Telkomsel, bukan XL."
    with translation.override("en"), pytest.raises(NumberInvalid) as refused:
        customer_number_check(category="pulsa", brand="XL", raw="081234567890")
    assert str(refused.value.messages[0]) == "This is a Telkomsel number, not XL."
    assert operator_of("087800001230") == "XL"
