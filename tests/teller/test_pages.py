"""The teller's desk through its pages on alpha.localhost: the drawer forms, deposits and
withdrawals that post once even when submitted twice, bad inputs refused with nothing
written, and pengawas read-only."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from audit.models import AuditEntry

from tenants.models import JournalEntry, SavingsTransaction
from tenants.models.teller import CashDrawer, CashDrawerMovement
from tenants.teller.services import drawer_open

pytestmark = pytest.mark.django_db

DESK = "/staf/kasir/"


def form_key(html: str) -> str:
    found = re.search(r'name="key" value="([^"]+)"', html)
    assert found, "the form carries an idempotency key"
    return found.group(1)


def counts() -> tuple[int, ...]:
    return (
        SavingsTransaction.objects.count(),
        JournalEntry.objects.count(),
        CashDrawerMovement.objects.count(),
        AuditEntry.objects.count(),
    )


def test_the_teller_opens_and_closes_the_drawer_through_the_desk(
    teller_page, in_books, alpha_teller
):
    page = teller_page.get(DESK)
    assert page.status_code == 200
    assert "Your cash drawer is closed" in page.content.decode()

    opened = teller_page.post(f"{DESK}laci/buka/", {"opening_count": "1.000.000"})
    assert opened.status_code == 302
    in_books()
    drawer = CashDrawer.objects.get(teller_id=alpha_teller.pk, closed_at__isnull=True)
    assert drawer.opening_count == Decimal("1000000")

    closed = teller_page.post(f"{DESK}laci/tutup/", {"closing_count": "999500"})
    assert closed.status_code == 200
    assert "-Rp 500" in closed.content.decode()
    in_books()
    drawer.refresh_from_db()
    assert drawer.difference == Decimal("-500")
    assert drawer.difference_entry_id is not None


def test_the_member_lookup_finds_by_number_and_masks_the_name(teller_page, in_books, member):
    page = teller_page.get(f"{DESK}anggota/", {"nomor": member.member_number.lstrip("0")})
    html = page.content.decode()
    assert page.status_code == 200
    assert member.member_number in html
    assert "Bu** Sa*****" in html
    assert member.full_name not in html

    missing = teller_page.get(f"{DESK}anggota/", {"nomor": "9999999"})
    assert missing.status_code == 404


def test_a_deposit_submitted_twice_posts_once(teller_page, in_books, alpha_teller, sukarela):
    # given
    drawer_open(actor=alpha_teller, opening_count=Decimal("0"))
    url = f"{DESK}anggota/{sukarela.member.member_number}/setor/"
    key = form_key(teller_page.get(url).content.decode())
    data = {"account": sukarela.pk, "amount": "50.000", "key": key}

    # when: the same form is submitted twice
    first = teller_page.post(url, data)
    second = teller_page.post(url, data)

    # then: one transaction, both answers lead to its receipt
    in_books()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    made = SavingsTransaction.objects.filter(account=sukarela)
    assert [t.amount for t in made] == [Decimal("50000")]
    assert CashDrawerMovement.objects.filter(savings_transaction__in=made).count() == 1
    sukarela.refresh_from_db()
    assert sukarela.balance == Decimal("50000")

    receipt = teller_page.get(first["Location"])
    assert receipt.status_code == 200
    assert "Rp 50.000" in receipt.content.decode()


def test_a_withdrawal_submitted_twice_posts_once(teller_page, in_books, alpha_teller, sukarela):
    from tenants.teller.services import teller_deposit

    drawer_open(actor=alpha_teller, opening_count=Decimal("0"))
    teller_deposit(
        actor=alpha_teller, account=sukarela, amount=Decimal("100000"), idempotency_key="t-seed"
    )
    url = f"{DESK}anggota/{sukarela.member.member_number}/tarik/"
    key = form_key(teller_page.get(url).content.decode())
    data = {"account": sukarela.pk, "amount": "30000", "key": key}

    first = teller_page.post(url, data)
    second = teller_page.post(url, data)

    in_books()
    assert first.status_code == second.status_code == 302
    sukarela.refresh_from_db()
    assert sukarela.balance == Decimal("70000")
    assert SavingsTransaction.objects.filter(account=sukarela, kind="withdrawal").count() == 1


def test_each_render_carries_a_new_key(teller_page, in_books, sukarela):
    url = f"{DESK}anggota/{sukarela.member.member_number}/setor/"
    assert form_key(teller_page.get(url).content.decode()) != form_key(
        teller_page.get(url).content.decode()
    )


@pytest.mark.parametrize(
    ("path", "amount", "message"),
    [
        ("setor", "0", "more than zero"),
        ("setor", "-5000", "more than zero"),
        ("setor", "lima ribu", "digits only"),
        ("setor", "12abc", "digits only"),
        ("tarik", "0", "more than zero"),
        ("tarik", "-1", "more than zero"),
        ("tarik", "abc", "digits only"),
        ("tarik", "10.000", "The balance is only Rp 0"),  # overdraw: empty account
    ],
)
def test_bad_inputs_show_a_clear_error_and_write_nothing(
    teller_page, in_books, alpha_teller, sukarela, path, amount, message
):
    drawer_open(actor=alpha_teller, opening_count=Decimal("0"))
    url = f"{DESK}anggota/{sukarela.member.member_number}/{path}/"
    key = form_key(teller_page.get(url).content.decode())
    in_books()
    before = counts()

    response = teller_page.post(url, {"account": sukarela.pk, "amount": amount, "key": key})

    assert response.status_code == 400
    assert message in response.content.decode()
    in_books()
    assert counts() == before
    sukarela.refresh_from_db()
    assert sukarela.balance == Decimal("0")


def test_a_deposit_without_an_open_drawer_is_refused_on_the_page(teller_page, in_books, sukarela):
    url = f"{DESK}anggota/{sukarela.member.member_number}/setor/"
    key = form_key(teller_page.get(url).content.decode())
    in_books()
    before = counts()

    response = teller_page.post(url, {"account": sukarela.pk, "amount": "50000", "key": key})

    assert response.status_code == 400
    assert "Open your cash drawer first" in response.content.decode()
    in_books()
    assert counts() == before


def test_pengawas_reads_the_desk_but_gets_403_on_every_post(
    client_for, alpha, alpha_supervisor, in_books, sukarela
):
    client = client_for(alpha, alpha_supervisor)
    assert client.get(DESK).status_code == 200
    number = sukarela.member.member_number
    assert client.get(f"{DESK}anggota/{number}/setor/").status_code == 200
    in_books()
    before = counts()

    posts = [
        (f"{DESK}laci/buka/", {"opening_count": "0"}),
        (f"{DESK}laci/tutup/", {"closing_count": "0"}),
        (f"{DESK}anggota/{number}/setor/", {"account": sukarela.pk, "amount": "1", "key": "k1"}),
        (f"{DESK}anggota/{number}/tarik/", {"account": sukarela.pk, "amount": "1", "key": "k2"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    in_books()
    assert counts() == before
    assert not CashDrawer.objects.filter(teller_id=alpha_supervisor.pk).exists()


def test_a_member_without_a_role_gets_403(client_for, alpha, alpha_member):
    assert client_for(alpha, alpha_member).get(DESK).status_code == 403
