"""Member cards on alpha.localhost: the card and sheet PDFs with the signed QR, the scan
page that opens the teller's member page (and refuses another cooperative's or a forged
card), and the activation code screen (issued once per POST, usable at /anggota/aktivasi/;
pengawas and members refused)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_tenants.utils import tenant_context

from tenants.books import member_card_token
from tenants.cards.pdf import qr_matrix
from tenants.cards.selectors import card_data, card_member
from tenants.models import MemberActivation
from tests.savings.conftest import member_make
from tests.teller.conftest import media_box_mm

pytestmark = pytest.mark.django_db

CARDS = "/staf/kartu/"
SCAN = "/staf/kartu/pindai/"
ACTIVATION = "/staf/kartu/aktivasi/"
ACTIVATE = "/anggota/aktivasi/"
NEW_PASSWORD = "Pohon-Kelapa-2025!"


def close_to(box: tuple[float, float], width: float, height: float) -> bool:
    return abs(box[0] - width) < 0.05 and abs(box[1] - height) < 0.05


def teller_page_of(number: str) -> str:
    return f"{reverse('tenants:teller:member_lookup')}?{urlencode({'nomor': number})}"


def test_the_card_pdf_is_one_id1_card(page, alpha_teller, member):
    response = page(alpha_teller).get(f"{CARDS}anggota/{member.member_number}/kartu.pdf")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    boxes = media_box_mm(response.content)
    assert len(boxes) == 1 and close_to(boxes[0], 85.6, 54)


def test_the_sheet_holds_ten_cards_per_a4_page(page, alpha, alpha_teller):
    with tenant_context(alpha):
        numbers = [member_make().member_number for _i in range(11)]
    connection.set_schema_to_public()

    response = page(alpha_teller).get(f"{CARDS}lembar.pdf", {"nomor": ", ".join(numbers)})

    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    boxes = media_box_mm(response.content)
    assert len(boxes) == 2 and all(close_to(box, 210, 297) for box in boxes)


def test_the_sheet_refuses_unknown_numbers(page, alpha_teller, member):
    response = page(alpha_teller).get(
        f"{CARDS}lembar.pdf", {"nomor": f"{member.member_number} 9999999"}
    )

    assert response.status_code == 400
    assert "9999999" in response.content.decode()


def test_an_unknown_member_has_no_card(page, alpha_teller, member):
    assert page(alpha_teller).get(f"{CARDS}anggota/9999999/kartu.pdf").status_code == 404


def test_the_qr_carries_the_signed_token_that_names_the_member(alpha, member):
    with tenant_context(alpha):
        card = card_data(member)
        token = member_card_token(member)

        # the token is deterministic, so the card's payload is the member's token
        assert card.qr_payload == token
        assert card_member(card.qr_payload).pk == member.pk
        assert (card.member_number, card.member_name) == (member.member_number, "Budi Santoso")
    # what is drawn is the QR code of exactly that payload
    import qrcode

    reference = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    reference.add_data(token)
    reference.make(fit=True)
    assert qr_matrix(card.qr_payload) == reference.get_matrix()


def test_scanning_a_card_opens_the_teller_member_page(page, alpha, alpha_teller, member):
    with tenant_context(alpha):
        token = member_card_token(member)
    client = page(alpha_teller)

    response = client.post(SCAN, {"token": f"{token}\n"})

    assert response.status_code == 302
    assert response["Location"] == teller_page_of(member.member_number)
    assert client.get(response["Location"]).status_code == 200


def test_the_scan_page_shows_a_form(page, alpha_teller):
    response = page(alpha_teller).get(SCAN)

    assert response.status_code == 200 and 'name="token"' in response.content.decode()


def test_another_cooperatives_card_is_refused(page, beta, alpha_teller):
    with tenant_context(beta):
        token = member_card_token(member_make())
    connection.set_schema_to_public()

    response = page(alpha_teller).post(SCAN, {"token": token})

    assert response.status_code == 400
    assert "belongs to another cooperative" in response.content.decode()


@pytest.mark.parametrize("forge", [lambda t: t[:-2] + "xx", lambda t: "hello", lambda t: t[1:]])
def test_a_forged_card_is_refused(page, alpha, alpha_teller, member, forge):
    with tenant_context(alpha):
        token = member_card_token(member)

    response = page(alpha_teller).post(SCAN, {"token": forge(token)})

    assert response.status_code == 400
    assert "This member card is not valid." in response.content.decode()


def issued_code(html: str) -> str:
    found = re.search(r'id="activation-code"[^>]*>\s*([A-Z0-9]+)\s*<', html)
    assert found, "the page shows the code"
    return found.group(1)


def test_a_code_is_issued_per_post_and_works_on_the_activation_page(
    page, alpha, alpha_teller, member
):
    client = page(alpha_teller)
    assert client.get(ACTIVATION).status_code == 200
    with tenant_context(alpha):
        before = MemberActivation.objects.filter(member_id=member.pk).count()

    response = client.post(ACTIVATION, {"nomor": member.member_number})

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    code = issued_code(response.content.decode())
    assert len(code) == 8
    with tenant_context(alpha):
        assert MemberActivation.objects.filter(member_id=member.pk).count() == before + 1
    # a GET shows no code
    assert 'id="activation-code"' not in client.get(ACTIVATION).content.decode()

    member_side = Client(HTTP_HOST=f"{alpha.slug}.localhost")
    activated = member_side.post(
        ACTIVATE,
        {"member_number": member.member_number, "code": code, "password": NEW_PASSWORD},
    )
    assert activated.status_code == 302 and activated["Location"] == "/anggota/"
    assert SESSION_KEY in member_side.session


def test_an_unknown_member_gets_no_code(page, alpha, alpha_teller, member):
    with tenant_context(alpha):
        before = MemberActivation.objects.count()

    response = page(alpha_teller).post(ACTIVATION, {"nomor": "9999999"})

    assert response.status_code == 404
    with tenant_context(alpha):
        assert MemberActivation.objects.count() == before


def test_an_inactive_member_gets_no_code(page, alpha, alpha_teller):
    with tenant_context(alpha):
        applicant = member_make(status="applicant")
        before = MemberActivation.objects.count()
    connection.set_schema_to_public()

    response = page(alpha_teller).post(ACTIVATION, {"nomor": applicant.member_number})

    assert response.status_code == 400
    with tenant_context(alpha):
        assert MemberActivation.objects.count() == before


def test_pengawas_may_not_issue_a_code(page, alpha, alpha_supervisor, member):
    with tenant_context(alpha):
        before = MemberActivation.objects.count()

    response = page(alpha_supervisor).post(ACTIVATION, {"nomor": member.member_number})

    assert response.status_code == 403
    with tenant_context(alpha):
        assert MemberActivation.objects.count() == before


@pytest.mark.parametrize(
    "path",
    [
        CARDS,
        SCAN,
        ACTIVATION,
        f"{CARDS}lembar.pdf?nomor=0000001",
        f"{CARDS}anggota/0000001/kartu.pdf",
    ],
)
def test_a_member_only_user_is_refused(page, alpha_member, path):
    assert page(alpha_member).get(path).status_code == 403


def test_a_member_only_user_cannot_scan_or_issue(page, alpha, alpha_member, member):
    with tenant_context(alpha):
        token = member_card_token(member)
    client = page(alpha_member)

    assert client.post(SCAN, {"token": token}).status_code == 403
    assert client.post(ACTIVATION, {"nomor": member.member_number}).status_code == 403


def test_the_index_links_the_card_pages(page, alpha_teller):
    html = page(alpha_teller).get(CARDS).content.decode()

    assert SCAN in html and ACTIVATION in html and "lembar.pdf" in html
