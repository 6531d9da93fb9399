"""The staff member pages on alpha.localhost (/staf/anggota/): list and search (a NIK only
through its keyed hash, never shown whole), registration with heirs, a member's page, the
lifecycle (admit, resign and the return of pokok and wajib, death, expel), contact and heirs;
each bad input refused on its field with nothing written; who may do what; and another
cooperative's member not found here."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from audit.models import AuditEntry
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context
from registry.services import cooperative_suspend

from tenants.ledger.periods import business_today
from tenants.members.selectors import heir_nik, member_nik, member_phone
from tenants.members.services import (
    HeirInput,
    member_activate,
    member_heirs_set,
    member_resign,
)
from tenants.models import (
    Heir,
    Member,
    MemberNumberCounter,
    MemberStatus,
    MemberStatusChange,
    ResignationSettlement,
    SavingsAccount,
    Sex,
)
from tenants.savings.selectors import savings_product_get
from tenants.savings.services import savings_account_open, savings_deposit
from tests.factories import user_make
from tests.members.conftest import make_nik

pytestmark = pytest.mark.django_db

LIST = "/staf/anggota/"
NEW = "/staf/anggota/daftar/"
BIRTH = date(1980, 5, 17)
TODAY = business_today()


# --- helpers --------------------------------------------------------------------------------


@pytest.fixture
def alpha_supervisor(alpha: Any) -> Any:
    return user_make("alpha-pengawas", roles={alpha: ["pengawas"]})


@pytest.fixture
def page(alpha: Any, client_for: Callable[..., Client]) -> Callable[[Any], Client]:
    """page(user): a client on alpha's host, logged in as ``user`` (None: anonymous), in
    English, so assertions read the msgids whatever the catalog holds."""

    def make(user: Any = None) -> Client:
        client = client_for(alpha, user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


@pytest.fixture
def in_books(alpha: Any) -> Callable[[], None]:
    """Call after a page request: the connection is back on alpha's schema."""

    def back() -> None:
        connection.set_tenant(alpha)

    return back


def url(member: Member, action: str = "") -> str:
    return f"{LIST}{member.pk}/{action + '/' if action else ''}"


def audit_count() -> int:
    """Audit rows other than the logins the test clients make."""
    return AuditEntry.objects.exclude(action="auth.login").count()


def counts() -> tuple[int, ...]:
    counter = MemberNumberCounter.objects.filter(pk=1).values_list("last_number", flat=True)
    return (
        Member.objects.count(),
        MemberStatusChange.objects.count(),
        Heir.objects.count(),
        audit_count(),
        ResignationSettlement.objects.count(),
        counter.first() or 0,
    )


def html(response: Any) -> str:
    """The page's text with entities decoded (an apostrophe is &#x27; in the HTML)."""
    return unescape(response.content.decode())


def field_errors(response: Any, name: str) -> str:
    """The text of the block of field ``name`` (where its error is shown)."""
    text = html(response)
    found = re.search(
        rf'<div class="field-{name}">(.*?)</div>\s*(?=<div class="field-|</fieldset>)', text, re.S
    )
    assert found, f"field {name} is on the page"
    return found.group(1)


def management(prefix: str, total: int, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "10",
    }


def registration(**overrides: Any) -> dict[str, str]:
    """A complete, valid registration form as the browser posts it, with two heirs."""
    birth_date = overrides.pop("birth_date_value", BIRTH)
    data = {
        "nik": make_nik(birth_date),
        "kk_number": "3273012501090003",
        "full_name": "Wahyu Hidayat",
        "birth_place": "Bandung",
        "birth_date": birth_date.isoformat(),
        "sex": Sex.MALE,
        "street": "Jl. Merdeka 10",
        "rt": "1",
        "rw": "4",
        "desa": "Sukamaju",
        "kecamatan": "Cibeunying",
        "kabupaten": "Kota Bandung",
        "provinsi": "Jawa Barat",
        "postal_code": "40121",
        "phone": "0812 3456 7890",
        "kind": "biasa",
        "join_date": "2024-01-15",
        "status": "applicant",
        "reason": "",
        **management("heirs", 3),
        "heirs-0-full_name": "Sri Hidayat",
        "heirs-0-relation": "spouse",
        "heirs-0-share_percent": "60",
        "heirs-0-nik": "",
        "heirs-1-full_name": "Ahmad Hidayat",
        "heirs-1-relation": "child",
        "heirs-1-share_percent": "40,00",
        "heirs-1-nik": "3201011203100002",
        "heirs-2-full_name": "",
        "heirs-2-relation": "",
        "heirs-2-share_percent": "",
        "heirs-2-nik": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def member(books: Any, register: Callable[..., Member]) -> Member:
    """An active member of alpha, registered through the service."""
    return register(status=MemberStatus.ACTIVE, full_name="Budi Santoso", phone="081234567890")


@pytest.fixture
def applicant(books: Any, register: Callable[..., Member]) -> Member:
    return register(full_name="Dewi Lestari", sex=Sex.FEMALE, birth_date=date(1990, 2, 3))


def deposit(member: Member, code: str, amount: int, key: str) -> SavingsAccount:
    product = savings_product_get(code)
    assert product is not None
    account = savings_account_open(actor=None, member=member, product=product)
    savings_deposit(actor=None, account=account, amount=Decimal(amount), idempotency_key=key)
    return account


# --- the list -------------------------------------------------------------------------------


def test_the_list_shows_members_with_the_nik_masked(page, alpha_teller, member, in_books):
    in_books()
    nik = member_nik(member)

    response = page(alpha_teller).get(LIST)

    assert response.status_code == 200
    assert member.member_number in html(response)
    assert nik[:4] + "********" + nik[-4:] in html(response)
    assert nik not in html(response)
    assert f'href="{url(member)}"' in html(response)


def test_search_by_name_number_and_status(page, alpha_teller, books, register, in_books):
    # given
    wahyu = register(full_name="Wahyu Cahyono", status=MemberStatus.ACTIVE)
    siti = register(full_name="Siti Cahyani")
    client = page(alpha_teller)

    # when / then: part of a name
    found = client.get(LIST, {"q": "cahy"})
    assert wahyu.member_number in html(found) and siti.member_number in html(found)
    # a status
    active = client.get(LIST, {"q": "cahy", "status": "active"})
    assert wahyu.member_number in html(active) and siti.member_number not in html(active)
    # the start of a member number, without its zeros
    by_number = client.get(LIST, {"q": str(int(siti.member_number))})
    assert siti.member_number in html(by_number)
    # a posted name search goes to a plain address that can be paged and bookmarked
    posted = client.post(LIST, {"q": "cahy", "status": "applicant"})
    assert posted.status_code == 302
    assert posted["Location"] == f"{LIST}?q=cahy&status=applicant"
    # nothing matches
    none = client.get(LIST, {"q": "Tidak Ada Nama Ini"})
    assert none.status_code == 200 and "No member matches." in html(none)


def test_search_by_nik_finds_the_member_through_the_hash_only(page, alpha_teller, member, in_books):
    in_books()
    nik = member_nik(member)
    spaced = f"{nik[:6]} {nik[6:12]} {nik[12:]}"
    client = page(alpha_teller)

    # when: the NIK is posted (as the search box does), with spaces as people type it
    with CaptureQueriesContext(connection) as queries:
        response = client.post(LIST, {"q": spaced, "status": ""})

    # then: the member is found, the page shows the NIK masked and never whole
    assert response.status_code == 200
    text = html(response)
    assert member.member_number in text
    assert f"{nik[:4]}********{nik[-4:]}" in text
    assert nik not in text and spaced not in text
    # and the plain NIK was in no SQL statement (the keyed hash was)
    assert not [q["sql"] for q in queries.captured_queries if nik in q["sql"]]

    # a NIK typed into the address leads to the member's page, whose address does not hold it
    by_get = client.get(LIST, {"q": nik})
    assert by_get.status_code == 302 and by_get["Location"] == url(member)
    unknown = client.get(LIST, {"q": make_nik(BIRTH)}, follow=True)
    assert "No member has this NIK." in html(unknown)

    # another NIK finds no one
    other = client.post(LIST, {"q": make_nik(BIRTH)})
    assert "No member matches." in html(other)


def test_the_list_pages(page, alpha_teller, books, register):
    made = [register(full_name=f"Paginasi Anggota {i:02d}") for i in range(27)]

    first = page(alpha_teller).get(LIST, {"q": "Paginasi"})
    second = page(alpha_teller).get(LIST, {"q": "Paginasi", "page": 2})

    assert made[0].member_number in html(first) and made[26].member_number not in html(first)
    assert "Page 1 of 2" in html(first)
    assert made[26].member_number in html(second)


def test_the_nav_links_to_the_members(page, alpha_teller):
    response = page(alpha_teller).get("/staf/")
    assert f'href="{LIST}"' in html(response)


# --- registration ---------------------------------------------------------------------------


def test_the_teller_registers_an_applicant_with_heirs(page, alpha_teller, books, in_books):
    # given
    data = registration()
    client = page(alpha_teller)
    assert client.get(NEW).status_code == 200

    # when
    response = client.post(NEW, data)

    # then: the member is registered with everything typed, and sent to their page
    assert response.status_code == 302
    in_books()
    member = Member.objects.get(full_name="Wahyu Hidayat", birth_date=BIRTH)
    assert response["Location"] == url(member)
    assert member_nik(member) == data["nik"]
    assert member_phone(member) == "6281234567890"
    assert (member.status, member.kind, member.join_date) == (
        "applicant",
        "biasa",
        date(2024, 1, 15),
    )
    assert (member.rt, member.rw, member.desa, member.postal_code) == (
        "001",
        "004",
        "Sukamaju",
        "40121",
    )
    heirs = list(member.heirs.order_by("id"))
    assert [(h.full_name, h.relation, h.share_percent) for h in heirs] == [
        ("Sri Hidayat", "spouse", Decimal("60.00")),
        ("Ahmad Hidayat", "child", Decimal("40.00")),
    ]
    assert heir_nik(heirs[1]) == "3201011203100002"
    assert member.status_changes.get().to_status == "applicant"

    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert "is registered as member number" in html(detail)
    assert data["nik"] not in html(detail)


def test_the_board_registers_an_active_member_without_heirs(page, alpha_board, books, in_books):
    data = registration(status="active", **management("heirs", 3))
    for i in range(3):
        for name in ("full_name", "relation", "share_percent", "nik"):
            data[f"heirs-{i}-{name}"] = ""

    response = page(alpha_board).post(NEW, data)

    assert response.status_code == 302
    in_books()
    member = Member.objects.get(full_name="Wahyu Hidayat")
    assert member.status == "active" and not member.heirs.exists()


FEMALE_NIK = make_nik(BIRTH, Sex.FEMALE)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"nik": "12345"}, "nik", "A NIK has exactly 16 digits."),
        ({"nik": make_nik(date(1981, 5, 17))}, "nik", "does not match the date of birth"),
        ({"nik": FEMALE_NIK}, "nik", "This NIK belongs to a woman"),
        ({"kk_number": "12"}, "kk_number", "family card (KK) number has exactly 16 digits"),
        ({"full_name": "   "}, "full_name", "Enter the full name."),
        ({"birth_place": ""}, "birth_place", "Enter the place of birth."),
        ({"birth_date": ""}, "birth_date", "Enter a valid date."),
        ({"birth_date": "31-02-1980"}, "birth_date", "Enter a valid date."),
        ({"sex": ""}, "sex", "Choose the sex: male or female."),
        ({"desa": ""}, "desa", "Enter the village (desa/kelurahan)."),
        ({"kecamatan": ""}, "kecamatan", "Enter the district (kecamatan)."),
        ({"kabupaten": ""}, "kabupaten", "Enter the regency or city."),
        ({"provinsi": ""}, "provinsi", "Enter the province."),
        ({"rt": "ab"}, "rt", "RT and RW are numbers of up to 3 digits."),
        ({"rw": "1234"}, "rt", "RT and RW are numbers of up to 3 digits."),
        ({"postal_code": "401211"}, "postal_code", "A postal code has 5 digits."),
        ({"postal_code": "401"}, "postal_code", "A postal code has 5 digits."),
        ({"phone": "12345"}, "phone", "Enter an Indonesian mobile number"),
        ({"kind": "honorer"}, "kind", "Choose the kind of membership."),
        ({"status": "resigned"}, "status", "registered as an applicant or as active"),
        ({"join_date": "1970-01-01"}, "join_date", "The date is too early."),
        (
            {"join_date": (TODAY + timedelta(days=2)).isoformat()},
            "join_date",
            "The date cannot be in the future.",
        ),
    ],
)
def test_a_bad_registration_is_refused_on_its_field_and_writes_nothing(
    page, alpha_teller, books, in_books, changes, field, message
):
    before = counts()

    response = page(alpha_teller).post(NEW, registration(**changes))

    assert response.status_code == 400
    assert message in field_errors(response, field)
    assert "Nothing was saved." in html(response)
    in_books()
    assert counts() == before


def test_a_too_young_regular_member_is_refused(page, alpha_teller, books, in_books):
    young = date(TODAY.year - 10, 3, 4)
    before = counts()

    response = page(alpha_teller).post(
        NEW, registration(birth_date_value=young, join_date=TODAY.isoformat())
    )

    assert response.status_code == 400
    assert "at least 17 years old" in field_errors(response, "kind")
    in_books()
    assert counts() == before


def test_a_registered_nik_is_refused_again(page, alpha_teller, member, in_books):
    in_books()
    nik = member_nik(member)
    before = counts()

    response = page(alpha_teller).post(
        NEW, registration(nik=nik, birth_date=member.birth_date.isoformat())
    )

    assert response.status_code == 400
    assert "already registered in this cooperative" in field_errors(response, "nik")
    assert nik not in html(response).replace(f'value="{nik}"', "")
    in_books()
    assert counts() == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"heirs-1-share_percent": "30"}, "The heirs' shares add up to 90.00 percent, not 100."),
        ({"heirs-1-relation": ""}, "Choose the heir's relation."),
        ({"heirs-1-nik": "3201"}, "A NIK has exactly 16 digits."),
        ({"heirs-0-share_percent": "enam puluh"}, "Enter the heir's share in percent."),
        ({"heirs-0-full_name": ""}, "Enter the heir's full name."),
    ],
)
def test_a_bad_heir_refuses_the_whole_registration(
    page, alpha_teller, books, in_books, changes, message
):
    # given: everything right but one heir
    before = counts()

    # when
    response = page(alpha_teller).post(NEW, registration(**changes))

    # then: the heirs' message, and no member, no heir, no number used
    assert response.status_code == 400
    found = re.search(r'<ul class="errorlist heirs-errors"[^>]*>(.*?)</ul>', html(response), re.S)
    assert found and message in found.group(1)
    in_books()
    assert counts() == before


def test_registration_is_for_staff_who_write(
    page, alpha_member, alpha_supervisor, alpha_board, books, in_books
):
    before = counts()
    assert page(alpha_member).get(NEW).status_code == 403
    assert page(alpha_member).post(NEW, registration()).status_code == 403
    assert page(alpha_supervisor).get(NEW).status_code == 403
    assert page(alpha_supervisor).post(NEW, registration()).status_code == 403
    anonymous = page(None).post(NEW, registration())
    assert anonymous.status_code == 302 and "/akun/masuk/" in anonymous["Location"]
    # pengawas reads the list; a member (anggota) does not
    assert page(alpha_supervisor).get(LIST).status_code == 200
    assert page(alpha_member).get(LIST).status_code == 403
    in_books()
    assert counts() == before


def test_a_suspended_cooperative_reads_but_refuses_writes(
    page, alpha, alpha_board, member, in_books
):
    cooperative_suspend(actor=None, cooperative=alpha, reason="Audit")
    in_books()
    before = counts()
    client = page(alpha_board)

    # reading works, searching too (by GET while suspended: every POST is refused)
    listed = client.get(LIST, {"q": member.member_number})
    assert listed.status_code == 200 and member.member_number in html(listed)
    assert 'method="get"' in html(listed)
    assert client.get(url(member)).status_code == 200
    # writes are refused, by the suspension guard and by the pages' own checks
    assert client.get(NEW).status_code == 403
    assert client.get(url(member, "keluar")).status_code == 403
    for target, data in [
        (NEW, registration()),
        (url(member, "keluar"), {"effective_date": TODAY.isoformat()}),
        (url(member, "kontak"), contact(member, phone="081298765432")),
    ]:
        assert client.post(target, data).status_code in (403, 423), target
    in_books()
    assert counts() == before


# --- a member's page ------------------------------------------------------------------------


def test_the_member_page_shows_data_history_heirs_and_savings(
    page, alpha_supervisor, applicant, in_books
):
    # given: an applicant admitted with a reason, with heirs and a savings account
    member_activate(actor=None, member=applicant, effective_date=TODAY, reason="Rapat pengurus 7")
    member_heirs_set(
        actor=None,
        member=applicant,
        heirs=[HeirInput("Rudi Lestari", "spouse", 100, nik="3201011203100002")],
    )
    deposit(applicant, "pokok", 300_000, f"page-pokok-{applicant.pk}")
    nik = member_nik(applicant)

    # when: a pengawas (read-only staff) opens the page
    response = page(alpha_supervisor).get(url(applicant))

    # then
    assert response.status_code == 200
    text = html(response)
    assert applicant.member_number in text and "Dewi Lestari" in text
    assert f"{nik[:4]}********{nik[-4:]}" in text and nik not in text
    assert "3273********0003" in text  # the KK, masked
    assert "Rapat pengurus 7" in text and "Applicant" in text and "Active" in text
    assert "Rudi Lestari" in text and "3201********0002" in text and "3201011203100002" not in text
    assert "Rp 300.000" in text
    assert f"/staf/kasir/anggota/?nomor={applicant.member_number}" in text
    assert f"/staf/kartu/anggota/{applicant.member_number}/kartu.pdf" in text
    # read-only staff see no write actions
    assert url(applicant, "kontak") not in text and url(applicant, "keluar") not in text


def test_the_member_page_is_staff_only(page, alpha_member, member):
    assert page(alpha_member).get(url(member)).status_code == 403
    anonymous = page(None).get(url(member))
    assert anonymous.status_code == 302 and "/akun/masuk/" in anonymous["Location"]
    assert page(alpha_member).get(f"{LIST}999999999/").status_code == 403


def test_an_unknown_member_is_404(page, alpha_teller):
    assert page(alpha_teller).get(f"{LIST}999999999/").status_code == 404


# --- lifecycle ------------------------------------------------------------------------------


def test_the_board_admits_an_applicant(page, alpha_board, applicant, in_books):
    client = page(alpha_board)
    assert client.get(url(applicant)).status_code == 200
    assert url(applicant, "terima") in html(client.get(url(applicant)))
    assert client.get(url(applicant, "terima")).status_code == 200

    response = client.post(
        url(applicant, "terima"), {"effective_date": TODAY.isoformat(), "reason": "RAT 2025"}
    )

    assert response.status_code == 302 and response["Location"] == url(applicant)
    in_books()
    applicant.refresh_from_db()
    assert applicant.status == "active"
    change = applicant.status_changes.last()
    assert (change.to_status, change.effective_date, change.reason) == ("active", TODAY, "RAT 2025")


def test_board_actions_are_refused_to_tellers_members_and_anonymous(
    page, alpha_teller, alpha_member, alpha_supervisor, member, applicant, in_books
):
    in_books()
    before = counts()
    posts = [
        (url(applicant, "terima"), {"effective_date": TODAY.isoformat()}),
        (url(member, "keluar"), {"effective_date": TODAY.isoformat()}),
        (url(member, "meninggal"), {"effective_date": TODAY.isoformat()}),
        (url(member, "berhentikan"), {"effective_date": TODAY.isoformat(), "reason": "x"}),
        (url(member, "ahli-waris"), management("heirs", 0)),
        (url(member, "pengembalian"), {"payout_to": "cash"}),
    ]
    for user in (alpha_teller, alpha_member, alpha_supervisor):
        client = page(user)
        for target, data in posts:
            assert client.post(target, data).status_code == 403, (user, target)
            if not target.endswith("pengembalian/"):
                assert client.get(target).status_code == 403, (user, target)
    anonymous = page(None)
    for target, data in posts:
        assert anonymous.post(target, data).status_code == 302
    in_books()
    assert counts() == before
    member.refresh_from_db()
    applicant.refresh_from_db()
    assert (member.status, applicant.status) == ("active", "applicant")


def test_the_teller_sees_no_board_actions(page, alpha_teller, applicant):
    text = html(page(alpha_teller).get(url(applicant)))
    assert url(applicant, "terima") not in text and url(applicant, "ahli-waris") not in text
    assert url(applicant, "kontak") in text


def test_resignation_shows_the_payout_then_returns_pokok_and_wajib(
    page, alpha_board, member, in_books
):
    # given: pokok Rp 300.000 and wajib Rp 50.000
    pokok = deposit(member, "pokok", 300_000, f"page-pokok-{member.pk}")
    deposit(member, "wajib", 50_000, f"page-wajib-{member.pk}")
    client = page(alpha_board)

    # when: the board opens the resignation page
    form = client.get(url(member, "keluar"))

    # then: it shows what the member gets back
    assert form.status_code == 200
    total = re.search(r'class="preview-total">([^<]+)<', html(form))
    assert total and total.group(1) == "Rp 350.000"

    # when: the resignation is recorded
    resigned = client.post(
        url(member, "keluar"), {"effective_date": TODAY.isoformat(), "reason": "Pindah kota"}
    )
    assert resigned.status_code == 302
    in_books()
    member.refresh_from_db()
    assert member.status == "resigned"
    assert not ResignationSettlement.objects.filter(member=member).exists()

    # then: the member's page offers the payout, and paying out returns pokok and wajib
    detail = client.get(url(member))
    assert url(member, "pengembalian") in html(detail) and "Rp 350.000" in html(detail)
    paid = client.post(url(member, "pengembalian"), {"payout_to": "cash"})
    assert paid.status_code == 302
    in_books()
    settlement = ResignationSettlement.objects.get(member=member)
    assert (settlement.pokok, settlement.wajib, settlement.total) == (
        Decimal("300000"),
        Decimal("50000"),
        Decimal("350000"),
    )
    pokok.refresh_from_db()
    assert pokok.closed_at is not None and pokok.balance == 0
    after = client.get(url(member))
    assert "Simpanan pokok and wajib returned" in html(after)
    assert url(member, "pengembalian") not in html(after)


def test_a_refused_payout_shows_why_and_writes_nothing(page, alpha_board, member, in_books):
    deposit(member, "pokok", 300_000, f"page-pokok2-{member.pk}")
    member_resign(actor=None, member=member)
    before = counts()

    # no sukarela account to pay into
    response = page(alpha_board).post(url(member, "pengembalian"), {"payout_to": "sukarela"})

    assert response.status_code == 400
    assert "no open simpanan sukarela account" in html(response)
    in_books()
    assert counts() == before
    assert SavingsAccount.objects.get(member=member, kind="pokok").closed_at is None


def test_a_death_is_recorded_with_the_heir_who_continues(
    page, alpha_board, member, applicant, in_books
):
    day = TODAY - timedelta(days=3)
    response = page(alpha_board).post(
        url(member, "meninggal"),
        {
            "effective_date": day.isoformat(),
            "heir_number": str(int(applicant.member_number)),
            "reason": "Akta kematian 12/2025",
        },
    )

    assert response.status_code == 302
    in_books()
    member.refresh_from_db()
    change = member.status_changes.last()
    assert (member.status, change.effective_date, change.heir_member_id) == (
        "deceased",
        day,
        applicant.pk,
    )
    detail = html(page(alpha_board).get(url(member)))
    assert "Heir who continues the membership" in detail and applicant.member_number in detail


def test_the_board_expels_with_the_reason(page, alpha_board, member, in_books):
    response = page(alpha_board).post(
        url(member, "berhentikan"),
        {"effective_date": TODAY.isoformat(), "reason": "Keputusan rapat pengurus 3/2025"},
    )

    assert response.status_code == 302
    in_books()
    member.refresh_from_db()
    assert member.status == "expelled"
    assert member.status_changes.last().reason == "Keputusan rapat pengurus 3/2025"


@pytest.mark.parametrize(
    ("action", "data", "field", "message"),
    [
        ("berhentikan", {"reason": ""}, "reason", "Give the reason."),
        ("keluar", {"effective_date": "2999-01-01"}, "effective_date", "cannot be in the future"),
        ("keluar", {"effective_date": "2001-01-01"}, "effective_date", "The date is too early."),
        ("keluar", {"effective_date": "kemarin"}, "effective_date", "Enter a valid date."),
        ("meninggal", {"effective_date": ""}, "effective_date", "This field is required."),
        ("meninggal", {"heir_number": "9999999"}, "heir_number", "No member has this number."),
        ("meninggal", {"heir_number": "self"}, "heir_number", "cannot be their own heir"),
        ("terima", {}, None, "A member who is Active cannot become Active."),
    ],
)
def test_a_bad_lifecycle_step_is_refused_and_writes_nothing(
    page, alpha_board, member, in_books, action, data, field, message
):
    in_books()
    before = counts()
    posted = {"effective_date": TODAY.isoformat(), "reason": "", "heir_number": "", **data}
    if posted["heir_number"] == "self":
        posted["heir_number"] = member.member_number

    response = page(alpha_board).post(url(member, action), posted)

    assert response.status_code == 400
    text = html(response)
    if field is None:
        assert message in text
    else:
        block = re.search(rf'id="id_{field}_error"[^>]*>(.*?)</ul>', text, re.S) or re.search(
            rf'<ul class="errorlist"[^>]*id="id_{field}_error"[^>]*>(.*?)</ul>', text, re.S
        )
        assert block and message in block.group(1), text
    in_books()
    assert counts() == before
    member.refresh_from_db()
    assert member.status == "active"


# --- contact and heirs ----------------------------------------------------------------------


def contact(member: Member, **changes: str) -> dict[str, str]:
    data = {
        "phone": "",
        "street": member.street,
        "rt": member.rt,
        "rw": member.rw,
        "desa": member.desa,
        "kecamatan": member.kecamatan,
        "kabupaten": member.kabupaten,
        "provinsi": member.provinsi,
        "postal_code": member.postal_code,
    }
    data.update(changes)
    return data


def test_the_teller_edits_phone_and_address(page, alpha_teller, member, in_books):
    client = page(alpha_teller)
    form = client.get(url(member, "kontak"))
    assert form.status_code == 200
    assert "6281*****7890" in html(form) and "6281234567890" not in html(form)

    # the address changes, the phone left empty stays
    moved = client.post(url(member, "kontak"), contact(member, desa="Cibiru", rt="7"))
    assert moved.status_code == 302
    in_books()
    member.refresh_from_db()
    assert (member.desa, member.rt, member_phone(member)) == ("Cibiru", "007", "6281234567890")

    # a new phone
    client.post(url(member, "kontak"), contact(member, phone="0813-1111-2222"))
    in_books()
    member.refresh_from_db()
    assert member_phone(member) == "6281311112222"

    # the phone removed
    client.post(url(member, "kontak"), contact(member, phone_remove="on"))
    in_books()
    member.refresh_from_db()
    assert member_phone(member) == ""


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"phone": "0812"}, "phone", "Enter an Indonesian mobile number"),
        ({"postal_code": "4O121"}, "postal_code", "A postal code has 5 digits."),
        ({"rw": "x"}, "rt", "RT and RW are numbers of up to 3 digits."),
        ({"kecamatan": ""}, "kecamatan", "Enter the district (kecamatan)."),
    ],
)
def test_a_bad_contact_is_refused_and_writes_nothing(
    page, alpha_teller, member, in_books, changes, field, message
):
    in_books()
    before = (counts(), member.phone_encrypted, member.desa)

    response = page(alpha_teller).post(url(member, "kontak"), contact(member, **changes))

    assert response.status_code == 400
    assert message in field_errors(response, field)
    in_books()
    member.refresh_from_db()
    assert (counts(), member.phone_encrypted, member.desa) == before


def test_contact_edit_is_for_staff_who_write(page, alpha_member, alpha_supervisor, member):
    for user in (alpha_member, alpha_supervisor):
        assert page(user).get(url(member, "kontak")).status_code == 403
        assert page(user).post(url(member, "kontak"), contact(member)).status_code == 403


def heirs_post(rows: list[tuple[str, str, str, str]], initial: int = 0, ids=()) -> dict[str, str]:
    data = management("heirs", len(rows), initial)
    for i, (name, relation, share, nik) in enumerate(rows):
        data.update(
            {
                f"heirs-{i}-full_name": name,
                f"heirs-{i}-relation": relation,
                f"heirs-{i}-share_percent": share,
                f"heirs-{i}-nik": nik,
                f"heirs-{i}-existing": str(ids[i]) if i < len(ids) else "",
            }
        )
    return data


def test_the_board_sets_heirs_and_a_kept_nik_stays(page, alpha_board, member, in_books):
    client = page(alpha_board)
    assert client.get(url(member, "ahli-waris")).status_code == 200

    # when: two heirs are named
    first = client.post(
        url(member, "ahli-waris"),
        heirs_post(
            [
                ("Ani Santoso", "spouse", "50", "3201011203100002"),
                ("Bayu Santoso", "child", "50", ""),
                ("", "", "", ""),
            ]
        ),
    )
    assert first.status_code == 302
    in_books()
    ani, bayu = member.heirs.order_by("id")

    # then: the edit page shows Ani's NIK masked only
    edit = html(client.get(url(member, "ahli-waris")))
    assert "3201********0002" in edit and "3201011203100002" not in edit

    # when: the shares change, Ani's NIK box left empty
    second = client.post(
        url(member, "ahli-waris"),
        heirs_post(
            [
                ("Ani Santoso", "spouse", "33,34", ""),
                ("Bayu Santoso", "child", "66.66", ""),
            ],
            initial=2,
            ids=(ani.pk, bayu.pk),
        ),
    )
    assert second.status_code == 302
    in_books()
    ani, bayu = member.heirs.order_by("id")
    assert (ani.share_percent, bayu.share_percent) == (Decimal("33.34"), Decimal("66.66"))
    assert heir_nik(ani) == "3201011203100002" and heir_nik(bayu) == ""


def test_heirs_that_do_not_add_up_are_refused_and_the_old_ones_stay(
    page, alpha_board, member, in_books
):
    member_heirs_set(actor=None, member=member, heirs=[HeirInput("Ani Santoso", "spouse", 100)])
    before = counts()

    response = page(alpha_board).post(
        url(member, "ahli-waris"),
        heirs_post([("Ani Santoso", "spouse", "50", ""), ("Bayu Santoso", "child", "40", "")]),
    )

    assert response.status_code == 400
    assert "add up to 90.00 percent, not 100" in html(response)
    in_books()
    assert counts() == before
    assert [(h.full_name, h.share_percent) for h in member.heirs.all()] == [
        ("Ani Santoso", Decimal("100.00"))
    ]


# --- another cooperative's member -----------------------------------------------------------


def test_a_beta_member_is_not_found_on_alphas_host(page, alpha_board, alpha, beta, register):
    # given: a member of beta whose id no member of alpha has (each schema counts its own ids)
    with tenant_context(alpha):
        highest = Member.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with tenant_context(beta):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('members_member', 'id'), "
                "GREATEST(%s, (SELECT last_value FROM members_member_id_seq)))",
                [highest + 1],
            )
        stranger = register(status=MemberStatus.ACTIVE, full_name="Orang Beta")
        before = (
            MemberStatusChange.objects.count(),
            Heir.objects.count(),
            audit_count(),
            stranger.phone_encrypted,
        )
    connection.set_schema_to_public()
    client = page(alpha_board)

    # when / then: every page of that id is 404 on alpha's host
    assert client.get(url(stranger)).status_code == 404
    for action, data in [
        ("terima", {"effective_date": TODAY.isoformat()}),
        ("keluar", {"effective_date": TODAY.isoformat()}),
        ("meninggal", {"effective_date": TODAY.isoformat()}),
        ("berhentikan", {"effective_date": TODAY.isoformat(), "reason": "x"}),
        ("kontak", contact(stranger, phone="081299998888")),
        ("ahli-waris", heirs_post([("X", "child", "100", "")])),
        ("pengembalian", {"payout_to": "cash"}),
    ]:
        assert client.post(url(stranger, action), data).status_code == 404, action
    assert "No member matches." in html(client.get(LIST, {"q": "Orang Beta"}))

    # and beta's member is untouched
    with tenant_context(beta):
        stranger.refresh_from_db()
        assert stranger.status == "active"
        assert (
            MemberStatusChange.objects.count(),
            Heir.objects.count(),
            audit_count(),
            stranger.phone_encrypted,
        ) == before


# --- in Indonesian --------------------------------------------------------------------------


def enter(label: str) -> Callable[[], str]:
    """The service's "Enter the ..." message for a field it names by its label."""
    return lambda: _("Enter the %(field)s.") % {"field": _(label)}


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"nik": "12345"}, "nik", lambda: _("A NIK has exactly 16 digits.")),
        # "required" names its field by its translated label: the page finds it in Indonesian
        ({"full_name": ""}, "full_name", enter("full name")),
        ({"provinsi": ""}, "provinsi", enter("province")),
    ],
)
def test_refusals_land_on_their_field_in_indonesian(
    alpha, alpha_teller, client_for, books, in_books, changes, field, expected
):
    # given: the default language (Indonesian), whatever the catalog holds for these msgids
    client = client_for(alpha, alpha_teller)
    in_books()
    before = counts()

    response = client.post(NEW, registration(**changes))

    assert response.status_code == 400
    with translation.override("id"):
        assert expected() in field_errors(response, field)
    in_books()
    assert counts() == before
