"""Teller fixtures: alpha's books, a member with a sukarela account, a drawer, and an
English page client for the teller (assertions on wording do not depend on the catalog)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tenants.models import Member, SavingsAccount
from tests.factories import user_make
from tests.savings.conftest import account_make, member_make

MEDIABOX = re.compile(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]")
PT_PER_MM = 72 / 25.4


def media_box_mm(pdf: bytes) -> list[tuple[float, float]]:
    """(width, height) in mm of every page's MediaBox, read from the raw PDF bytes
    (reportlab writes page dictionaries uncompressed)."""
    boxes = []
    for found in MEDIABOX.finditer(pdf):
        x0, y0, x1, y1 = (float(v) for v in found.groups())
        boxes.append(((x1 - x0) / PT_PER_MM, (y1 - y0) / PT_PER_MM))
    return boxes


@pytest.fixture
def books(alpha: Any) -> Iterator[Any]:
    connection.set_tenant(alpha)
    yield alpha
    connection.set_schema_to_public()


@pytest.fixture
def in_books(alpha: Any) -> Callable[[], None]:
    """Call after a page request: the request leaves the connection on another schema."""

    def back() -> None:
        connection.set_tenant(alpha)

    return back


@pytest.fixture
def member(books: Any) -> Member:
    return member_make()


@pytest.fixture
def sukarela(member: Member) -> SavingsAccount:
    return account_make("sukarela", member)


@pytest.fixture
def wajib(member: Member) -> SavingsAccount:
    return account_make("wajib", member)


@pytest.fixture
def alpha_supervisor(alpha: Any) -> Any:
    return user_make("alpha-pengawas", roles={alpha: ["pengawas"]})


@pytest.fixture
def teller_page(alpha: Any, alpha_teller: Any, client_for: Callable[..., Client]) -> Client:
    client = client_for(alpha, alpha_teller)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    connection.set_tenant(alpha)
    return client
