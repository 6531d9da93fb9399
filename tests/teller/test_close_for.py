"""The board closes a teller's open drawer for them (the teller went home ill): the count
and a note, the difference booked and balanced as at a normal close, recorded as closed by
whom; a teller cannot, a closed drawer cannot be closed again, and the teller sees it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from audit.models import AuditEntry
from django.conf import settings
from django.test import Client

from tenants.models import JournalEntry, Posting, SavingsTransaction
from tenants.models.teller import CashDrawer
from tenants.teller.exceptions import DrawerCloseRefused, DrawerNotOpen, TellerError
from tenants.teller.selectors import drawer_closers, drawer_open_of, drawers_open
from tenants.teller.services import (
    drawer_close,
    drawer_close_for,
    drawer_open,
    teller_deposit,
    teller_withdraw,
)
from tests.factories import user_make

pytestmark = pytest.mark.django_db

DRAWERS = "/staf/kasir/laci/"
NOTE = "Kasir pulang sakit"


def D(value: str) -> Decimal:
    return Decimal(value)


def key() -> str:
    return f"t-{uuid.uuid4().hex}"


def counts() -> tuple[int, ...]:
    return (
        JournalEntry.objects.count(),
        Posting.objects.count(),
        AuditEntry.objects.count(),
        CashDrawer.objects.filter(closed_at__isnull=False).count(),
        SavingsTransaction.objects.count(),
    )


def entry_lines(entry: JournalEntry) -> list[tuple[str, Decimal, Decimal]]:
    return [
        (p.account.code, p.debit, p.credit)
        for p in entry.postings.select_related("account").order_by("line_no")
    ]


@pytest.fixture
def busy_drawer(books, alpha_teller, sukarela) -> CashDrawer:
    """500.000 opening + 200.000 deposit - 50.000 withdrawal = 650.000 expected."""
    drawer = drawer_open(actor=alpha_teller, opening_count=D("500000"))
    teller_deposit(actor=alpha_teller, account=sukarela, amount=D("200000"), idempotency_key=key())
    teller_withdraw(actor=alpha_teller, account=sukarela, amount=D("50000"), idempotency_key=key())
    return drawer


@pytest.fixture
def other_teller(alpha) -> Any:
    return user_make("alpha-teller-2", roles={alpha: ["kasir"]})


@pytest.fixture
def page(alpha: Any, client_for: Callable[..., Client], in_books) -> Callable[[Any], Client]:
    def make(user: Any) -> Client:
        client = client_for(alpha, user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        in_books()
        return client

    return make


@pytest.mark.parametrize(
    ("counted", "difference", "lines"),
    [
        ("640000", "-10000", [("5302", D("10000"), D("0")), ("1101", D("0"), D("10000"))]),
        ("652500", "2500", [("1101", D("2500"), D("0")), ("4202", D("0"), D("2500"))]),
    ],
)
def test_the_board_closes_a_teller_s_drawer_and_the_difference_is_booked_balanced(
    books, alpha_board, alpha_teller, busy_drawer, counted, difference, lines
):
    # when
    closed = drawer_close_for(
        actor=alpha_board, drawer_id=busy_drawer.pk, closing_count=D(counted), note=NOTE
    )

    # then: closed as at the teller's own close, the difference booked and balanced
    assert (closed.expected, closed.closing_count, closed.difference) == (
        D("650000"),
        D(counted),
        D(difference),
    )
    assert drawer_open_of(alpha_teller.pk) is None
    entry = closed.difference_entry
    assert entry is not None and entry.kind == "cash_over_short"
    assert entry_lines(entry) == lines
    postings = Posting.objects.filter(entry=entry)
    assert sum(p.debit for p in postings) == sum(p.credit for p in postings) == abs(D(difference))
    # recorded as closed by the board member, for the teller
    assert entry.created_by_id == alpha_board.pk
    audit = AuditEntry.objects.get(action="teller.drawer.close", object_id=str(busy_drawer.pk))
    assert audit.actor_id == alpha_board.pk
    assert (audit.data["teller"], audit.data["closed_by"], audit.data["for_other"]) == (
        alpha_teller.pk,
        alpha_board.pk,
        True,
    )
    assert NOTE in closed.note
    assert drawer_closers([closed]) == {closed.pk: alpha_board.get_full_name()}


def test_a_balanced_drawer_closed_by_the_board_posts_nothing(
    books, alpha_board, alpha_teller, busy_drawer
):
    entries = JournalEntry.objects.count()

    closed = drawer_close_for(
        actor=alpha_board, drawer_id=busy_drawer.pk, closing_count=D("650000"), note=NOTE
    )

    assert closed.difference == 0 and closed.difference_entry is None
    assert JournalEntry.objects.count() == entries


def test_a_teller_cannot_close_another_teller_s_drawer(
    books, other_teller, alpha_teller, busy_drawer
):
    before = counts()

    with pytest.raises(DrawerCloseRefused) as refused:
        drawer_close_for(
            actor=other_teller, drawer_id=busy_drawer.pk, closing_count=D("650000"), note=NOTE
        )

    assert refused.value.code == "not_allowed"
    assert counts() == before
    assert drawer_open_of(alpha_teller.pk) == busy_drawer


def test_a_teller_gets_403_on_the_board_s_page_and_its_form(
    page, alpha_teller, other_teller, busy_drawer, in_books
):
    client = page(other_teller)
    before = counts()

    assert client.get(DRAWERS).status_code == 403
    response = client.post(
        f"{DRAWERS}{busy_drawer.pk}/tutup/",
        {f"d{busy_drawer.pk}-closing_count": "650000", f"d{busy_drawer.pk}-note": NOTE},
    )

    assert response.status_code == 403
    in_books()
    assert counts() == before
    assert drawer_open_of(alpha_teller.pk) == busy_drawer


def test_closing_an_already_closed_drawer_is_refused_and_writes_nothing(
    books, alpha_board, busy_drawer
):
    drawer_close_for(
        actor=alpha_board, drawer_id=busy_drawer.pk, closing_count=D("640000"), note=NOTE
    )
    before = counts()
    closed = CashDrawer.objects.get(pk=busy_drawer.pk)

    with pytest.raises(DrawerCloseRefused) as refused:
        drawer_close_for(
            actor=alpha_board, drawer_id=busy_drawer.pk, closing_count=D("1000"), note="again"
        )

    assert refused.value.code == "drawer_already_closed"
    assert counts() == before
    again = CashDrawer.objects.get(pk=busy_drawer.pk)
    assert (again.closing_count, again.difference, again.note) == (
        closed.closing_count,
        closed.difference,
        closed.note,
    )


@pytest.mark.parametrize(
    ("drawer_id", "count", "note", "code"),
    [
        (None, "650000", "", "note_required"),
        (None, "650000", "   ", "note_required"),
        (None, "650000", "x" * 501, "note_too_long"),
        (999_999_999, "650000", NOTE, "drawer_not_found"),
        (None, "-1", NOTE, "count_negative"),
    ],
)
def test_bad_requests_are_refused_with_a_code_and_write_nothing(
    books, alpha_board, alpha_teller, busy_drawer, drawer_id, count, note, code
):
    before = counts()

    with pytest.raises(TellerError) as refused:
        drawer_close_for(
            actor=alpha_board,
            drawer_id=drawer_id or busy_drawer.pk,
            closing_count=D(count),
            note=note,
        )

    assert refused.value.code == code
    assert counts() == before
    assert drawer_open_of(alpha_teller.pk) == busy_drawer


def test_the_teller_sees_it_closed_and_can_no_longer_use_it(
    page, alpha_board, alpha_teller, busy_drawer, sukarela, in_books
):
    drawer_close_for(
        actor=alpha_board, drawer_id=busy_drawer.pk, closing_count=D("640000"), note=NOTE
    )

    html = page(alpha_teller).get("/staf/kasir/").content.decode()

    assert "Your cash drawer is closed" in html
    assert f"Your cash drawer was closed for you by {alpha_board.get_full_name()}" in html
    assert NOTE in html and "-Rp 10.000" in html
    in_books()
    before = counts()
    with pytest.raises(DrawerNotOpen):
        teller_deposit(
            actor=alpha_teller, account=sukarela, amount=D("1000"), idempotency_key=key()
        )
    with pytest.raises(DrawerNotOpen) as stale:  # the teller's own close, from a stale page
        drawer_close(actor=alpha_teller, closing_count=D("640000"))
    assert stale.value.code == "drawer_not_open"
    assert counts() == before


def test_the_board_s_page_lists_open_drawers_and_closes_one(
    page, alpha_board, alpha_teller, busy_drawer, in_books
):
    client = page(alpha_board)
    listed = client.get(DRAWERS)
    html = listed.content.decode()
    assert listed.status_code == 200
    assert alpha_teller.get_full_name() in html
    assert "<strong>Rp 650.000</strong>" in html
    prefix = f"d{busy_drawer.pk}"

    # a bad count or a missing note: 400 with the error, nothing written
    in_books()
    before = counts()
    bad = client.post(
        f"{DRAWERS}{busy_drawer.pk}/tutup/",
        {f"{prefix}-closing_count": "enam ratus", f"{prefix}-note": ""},
    )
    assert bad.status_code == 400
    assert (
        "digits only" in bad.content.decode() and "This field is required" in bad.content.decode()
    )
    in_books()
    assert counts() == before

    # when
    done = client.post(
        f"{DRAWERS}{busy_drawer.pk}/tutup/",
        {f"{prefix}-closing_count": "640.000", f"{prefix}-note": NOTE},
    )

    # then
    assert done.status_code == 200
    text = done.content.decode()
    assert "closed for them by you" in text and "-Rp 10.000" in text
    in_books()
    assert drawers_open() == []
    again = client.post(
        f"{DRAWERS}{busy_drawer.pk}/tutup/",
        {f"{prefix}-closing_count": "640000", f"{prefix}-note": NOTE},
    )
    assert again.status_code == 400
    assert "This cash drawer is already closed." in again.content.decode()
