"""The loan pages on pinjam.localhost: staff (list, portfolio, application, survey,
decision, disbursement, repayment with its receipt, payoff quote, rescheduling) and the
member's phone pages. Every page's happy path, who may not, bad inputs refused with the
service's message and nothing written, and another cooperative's loan not found."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from audit.models import AuditEntry
from django.conf import settings
from django.db import connection
from django.test import Client
from openpyxl import load_workbook

from tenants.ledger.periods import business_today
from tenants.loans.aging import loan_aging_run
from tenants.loans.selectors import loan_audit_trail, loan_schedule, loans_filtered
from tenants.loans.services import loan_disburse, loan_repay, loan_survey_note_add
from tenants.models import (
    Loan,
    LoanGuarantor,
    LoanRepayment,
    LoanRoute,
    LoanSchedule,
    LoanStatus,
)
from tests.factories import user_make
from tests.loans.conftest import (
    D,
    apply,
    approve,
    books_balanced,
    good_standing_member,
    key,
    member_make,
    overdue_by,
    sukarela_of,
)

pytestmark = pytest.mark.django_db

STAFF = "/staf/pinjaman/"
PHONE = "/anggota/pinjaman/"


class Page:
    """A logged-in English client on the cooperative's host that puts the connection back
    on the cooperative's books after each request (the tests read them in between)."""

    def __init__(self, client: Client, cooperative: Any) -> None:
        self.client = client
        self.cooperative = cooperative

    def get(self, url: str, data: Any = None) -> Any:
        response = self.client.get(url, data)
        connection.set_tenant(self.cooperative)
        return response

    def post(self, url: str, data: Any = None) -> Any:
        response = self.client.post(url, data or {})
        connection.set_tenant(self.cooperative)
        return response


@pytest.fixture
def page_for(pinjam: Any, client_for: Callable[..., Client]) -> Callable[[Any], Page]:
    def make(user: Any) -> Page:
        client = client_for(pinjam, user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        connection.set_tenant(pinjam)
        return Page(client, pinjam)

    return make


def html(response: Any) -> str:
    return response.content.decode()


def form_key(text: str) -> str:
    found = re.search(r'name="key" value="([^"]+)"', text)
    assert found, "the form carries an idempotency key"
    return found.group(1)


def sequence_past(table: str, value: int) -> None:
    """Move this schema's id sequence of ``table`` to at least ``value`` (never back)."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (sequence,) = cur.fetchone()
        cur.execute(f"SELECT last_value FROM {sequence}")
        (last,) = cur.fetchone()
        cur.execute("SELECT setval(%s, %s)", [sequence, max(last, value)])


def due_today(loan: Loan) -> Loan:
    """Move a loan paid out today back so that its first instalment falls due today."""
    return overdue_by(loan, 0)


# The list and the portfolio ----------------------------------------------------------


def test_the_list_filters_by_status_class_officer_and_member(
    books, member, teller, manager, board, active_loan, page_for
):
    running = active_loan()
    late = overdue_by(active_loan(), 100)
    waiting = apply(manager, member_make(), amount=D(800_000))
    loan_aging_run(actor=None)
    page = page_for(teller)

    def shown(**query: Any) -> set[int]:
        response = page.get(STAFF, query)
        assert response.status_code == 200
        return {int(pk) for pk in re.findall(r'data-loan="(\d+)"', html(response))}

    assert {running.pk, late.pk, waiting.pk} <= shown()
    assert shown(status="applied") >= {waiting.pk}
    assert running.pk not in shown(status="applied")
    assert shown(kolektibilitas="kurang_lancar") == {late.pk}
    officers = shown(petugas=manager.pk)
    assert waiting.pk in officers and running.pk not in officers
    assert shown(anggota=member.member_number) == {running.pk, late.pk}
    assert page.get(STAFF, {"status": "bogus"}).status_code == 400


def test_loans_filtered_is_the_lists_selector(books, member, active_loan, teller):
    loan = active_loan()
    assert list(loans_filtered(member_number=member.member_number, officer_id=teller.pk)) == [loan]
    assert not loans_filtered(status="closed", member_number=member.member_number).exists()


def test_the_portfolio_on_screen_in_excel_and_pdf(books, active_loan, teller, page_for):
    active_loan(amount=D(2_000_000))
    late = overdue_by(active_loan(amount=D(1_000_000)), 95)
    page = page_for(teller)

    screen = page.get(f"{STAFF}portofolio/")
    text = html(screen)
    assert screen.status_code == 200
    assert "Problem-loan ratio (NPL)" in text and "PAR 30" in text
    assert "Pinjam Teller" in text  # the officer's column
    assert late.principal_outstanding > 0

    workbook = page.get(f"{STAFF}portofolio/", {"format": "xlsx"})
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(workbook.content)).active
    rows = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row[0]}
    outstanding = rows["Principal outstanding"][0]
    assert outstanding >= Decimal(3_000_000)
    assert rows["Kurang lancar, diragukan and macet"][0] >= Decimal(1_000_000)

    pdf = page.get(f"{STAFF}portofolio/", {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    tomorrow = business_today() + timedelta(days=1)
    assert page.get(f"{STAFF}portofolio/", {"tanggal": tomorrow.isoformat()}).status_code == 400


# A new application ------------------------------------------------------------------


def test_staff_find_the_member_and_record_an_application_once(
    books, member, teller, page_for, nothing_written
):
    page = page_for(teller)
    found = page.get(f"{STAFF}baru/", {"q": member.member_number})
    assert found.status_code == 200 and member.full_name in html(found)

    url = f"{STAFF}baru/{member.member_number}/"
    form = page.get(url, {"produk": "umum"})
    assert form.status_code == 200
    data = {
        "product": "umum",
        "amount": "1.200.000",
        "term_months": "12",
        "purpose": "Modal warung",
        "key": form_key(html(form)),
    }

    first = page.post(url, data)
    with nothing_written():
        second = page.post(url, data)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    loan = Loan.objects.get(member=member)
    assert (loan.amount, loan.term_months, loan.channel, loan.entered_by_id) == (
        D(1_200_000),
        12,
        "staff",
        teller.pk,
    )
    detail = page.get(first["Location"])
    assert detail.status_code == 200
    # the schedule preview for the product's method: 12 x (100.000 + 12.000)
    assert html(detail).count("Rp 112.000") == 12


@pytest.mark.parametrize(
    ("amount", "term", "message"),
    [
        ("100.000", "12", "The amount must be Rp 500.000 to Rp 50.000.000"),
        ("1.200.000", "99", "The term must be 1 to 36 months"),
        ("1.200.000,50", "12", "A loan&#x27;s principal is in whole rupiah."),
        ("satu juta", "12", "Enter an amount in rupiah"),
    ],
)
def test_a_bad_application_shows_the_reason_and_writes_nothing(
    books, member, teller, page_for, nothing_written, amount, term, message
):
    page = page_for(teller)
    url = f"{STAFF}baru/{member.member_number}/"
    data = {
        "product": "umum",
        "amount": amount,
        "term_months": term,
        "purpose": "Modal",
        "key": key("page"),
    }
    with nothing_written():
        response = page.post(url, data)
    assert response.status_code == 400
    assert message in html(response)


def test_the_form_asks_for_the_security_the_product_requires(
    books, member, teller, page_for, nothing_written
):
    page = page_for(teller)
    url = f"{STAFF}baru/{member.member_number}/"
    form = html(page.get(url, {"produk": "umum"}))
    assert 'name="guarantor_1_name"' in form and 'name="collateral_description"' in form
    guarantor = member_make()
    data = {
        "product": "umum",
        "amount": "6.000.000",
        "term_months": "24",
        "purpose": "Renovasi kios",
        "key": key("page"),
    }

    with nothing_written():
        refused = page.post(url, data)
    assert refused.status_code == 400
    assert "needs 1 guarantor(s)" in html(refused)

    data["guarantor_1_member"] = guarantor.member_number
    data["guarantor_1_relation"] = "Tetangga"
    made = page.post(url, data)
    assert made.status_code == 302
    row = LoanGuarantor.objects.get(loan__member=member)
    assert (row.member_id, row.full_name, row.relation) == (
        guarantor.pk,
        guarantor.full_name,
        "Tetangga",
    )


def test_an_unknown_member_or_product_is_not_found(books, member, teller, page_for):
    page = page_for(teller)
    assert page.get(f"{STAFF}baru/9999999/").status_code == 404
    assert page.get(f"{STAFF}baru/{member.member_number}/", {"produk": "nope"}).status_code == 404


# Survey and decision ----------------------------------------------------------------


def test_survey_then_the_committee_approves_and_the_trail_shows_each_step(
    books, member, teller, board, page_for
):
    loan = apply(teller, member)
    teller_page, board_page = page_for(teller), page_for(board)

    noted = teller_page.post(f"{STAFF}{loan.pk}/survei/", {"note": "Warung ramai."})
    approved = board_page.post(f"{STAFF}{loan.pk}/setujui/", {"note": "Layak"})
    clicked_twice = board_page.post(f"{STAFF}{loan.pk}/setujui/", {"note": "Layak"})

    assert noted.status_code == approved.status_code == clicked_twice.status_code == 302
    loan.refresh_from_db()
    assert (loan.status, loan.route, loan.decided_by_id) == (
        LoanStatus.APPROVED,
        LoanRoute.COMMITTEE,
        board.pk,
    )
    detail = html(board_page.get(f"{STAFF}{loan.pk}/"))
    assert "Warung ramai." in detail
    assert re.findall(r'data-action="([\w.]+)"', detail) == [
        "loans.loan.apply",
        "loans.loan.survey",
        "loans.loan.approve",
    ]


def test_approving_your_own_application_shows_the_refusal(
    books, member, board, page_for, nothing_written
):
    loan = apply(board, member)
    loan_survey_note_add(actor=board, loan=loan, note="Usaha berjalan.")
    page = page_for(board)

    with nothing_written():
        response = page.post(f"{STAFF}{loan.pk}/setujui/", {"note": ""})

    assert response.status_code == 400
    assert "The person who entered a loan cannot decide on it (maker-checker)." in html(response)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.APPLIED


def test_a_teller_cannot_decide_on_the_committee_route(
    books, member, manager, teller, page_for, nothing_written
):
    loan = apply(manager, member)
    page = page_for(teller)
    with nothing_written():
        response = page.post(f"{STAFF}{loan.pk}/setujui/", {"note": ""})
    assert response.status_code == 400
    assert "This loan needs the committee" in html(response)


def test_the_committee_needs_the_survey_first(books, member, teller, board, page_for):
    loan = apply(teller, member)
    response = page_for(board).post(f"{STAFF}{loan.pk}/setujui/", {"note": ""})
    assert response.status_code == 400
    assert "Record the survey before the committee approves the loan." in html(response)


def test_on_the_fast_track_a_teller_decides_the_same_day(books, manager, teller, page_for):
    member = good_standing_member()
    loan = apply(manager, member, amount=D(1_200_000), term=12)
    page = page_for(teller)
    assert "Fast track:" in html(page.get(f"{STAFF}{loan.pk}/"))

    response = page.post(f"{STAFF}{loan.pk}/setujui/", {"note": ""})

    assert response.status_code == 302
    loan.refresh_from_db()
    assert (loan.status, loan.route) == (LoanStatus.APPROVED, LoanRoute.FAST_TRACK)


def test_a_rejection_needs_a_reason(books, member, teller, board, page_for, nothing_written):
    loan = apply(teller, member)
    page = page_for(board)
    with nothing_written():
        assert page.post(f"{STAFF}{loan.pk}/tolak/", {"reason": ""}).status_code == 400

    assert page.post(f"{STAFF}{loan.pk}/tolak/", {"reason": "Usaha belum jalan"}).status_code == 302
    loan.refresh_from_db()
    assert (loan.status, loan.decision_note) == (LoanStatus.REJECTED, "Usaha belum jalan")

    # The page still open elsewhere: the refusal says why, at the top of the page.
    with nothing_written():
        late = page.post(f"{STAFF}{loan.pk}/setujui/", {"note": ""})
        payout = page.post(f"{STAFF}{loan.pk}/cairkan/", {"payout_to": "cash", "fees": "deducted"})
    assert late.status_code == payout.status_code == 400
    assert "This loan has been decided already (Rejected)." in html(late)
    assert "Only an approved loan can be paid out; this one is Rejected." in html(payout)
    assert 'class="banner warn refusal"' in html(payout)


# Disbursement, repayment, receipt, payoff, rescheduling -----------------------------------


def test_disbursement_in_cash_then_a_repayment_submitted_twice_pays_once(
    books, member, teller, board, page_for
):
    loan = apply(teller, member)
    approve(loan, surveyor=teller, board=board)
    page = page_for(teller)
    assert "Rp 1.163.000" in html(page.get(f"{STAFF}{loan.pk}/"))  # paid out, fees deducted

    paid_out = page.post(
        f"{STAFF}{loan.pk}/cairkan/", {"payout_to": "cash", "fees": "deducted", "disbursed_on": ""}
    )
    assert paid_out.status_code == 302
    loan = due_today(Loan.objects.get(pk=loan.pk))
    form = page.get(f"{STAFF}{loan.pk}/angsuran/")
    assert form.status_code == 200 and "Rp 112.000" in html(form)
    data = {"amount": "112.000", "key": form_key(html(form))}

    first = page.post(f"{STAFF}{loan.pk}/angsuran/", data)
    second = page.post(f"{STAFF}{loan.pk}/angsuran/", data)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    made = LoanRepayment.objects.get(loan=loan)
    assert (made.amount, made.interest_part, made.principal_part) == (
        D(112_000),
        D(12_000),
        D(100_000),
    )
    assert loan_schedule(loan)[0].state == "paid"
    receipt = page.get(first["Location"])
    assert receipt.status_code == 200
    assert "BUKTI ANGSURAN PINJAMAN" in html(receipt) and "Rp 112.000" in html(receipt)
    for layout in ("a4", "58mm"):
        pdf = page.get(f"{STAFF}kwitansi/{made.pk}/{layout}.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert page.get(f"{STAFF}kwitansi/{made.pk}/letter.pdf").status_code == 404
    actions = [e.action for e in loan_audit_trail(loan)]
    assert actions == [
        "loans.loan.apply",
        "loans.loan.survey",
        "loans.loan.approve",
        "loans.loan.disburse",
        "loans.loan.repayment",
    ]
    books_balanced()


def test_disbursement_into_sukarela_with_the_fees_paid_at_the_counter(
    books, member, teller, board, page_for, nothing_written
):
    loan = apply(teller, member)
    approve(loan, surveyor=teller, board=board)
    page = page_for(teller)
    data = {"payout_to": "sukarela", "fees": "paid", "disbursed_on": ""}

    with nothing_written():
        refused = page.post(f"{STAFF}{loan.pk}/cairkan/", data)
    assert refused.status_code == 400
    assert "The member has no open simpanan sukarela account to pay into." in html(refused)

    account = sukarela_of(member)
    assert page.post(f"{STAFF}{loan.pk}/cairkan/", data).status_code == 302
    account.refresh_from_db()
    loan.refresh_from_db()
    assert (loan.status, loan.fees_deducted, account.balance) == (
        LoanStatus.ACTIVE,
        False,
        D(1_200_000),
    )
    books_balanced()


def test_bad_repayments_show_the_reason_and_write_nothing(
    books, active_loan, teller, page_for, nothing_written
):
    loan = active_loan()
    page = page_for(teller)
    url = f"{STAFF}{loan.pk}/angsuran/"
    with nothing_written():
        typed = page.post(url, {"amount": "seratus", "key": key("page")})
        too_much = page.post(url, {"amount": "5.000.000", "key": key("page")})
        no_key = page.post(url, {"amount": "100.000", "key": "bad key!"})
    assert typed.status_code == too_much.status_code == no_key.status_code == 400
    assert "Enter an amount in rupiah" in html(typed)
    assert "more than the loan&#x27;s payoff amount of Rp 1.200.000" in html(too_much)
    assert "This form has expired" in html(no_key)


def test_the_payoff_quote_and_paying_it_closes_the_loan(books, active_loan, teller, page_for):
    loan = active_loan()
    page = page_for(teller)

    quote = page.get(f"{STAFF}{loan.pk}/pelunasan/")

    assert quote.status_code == 200
    assert "Rp 1.200.000" in html(quote)  # on the day of the payout: the principal
    before = (loan.disbursed_on - timedelta(days=1)).isoformat()
    assert page.get(f"{STAFF}{loan.pk}/pelunasan/", {"tanggal": before}).status_code == 400
    prefilled = page.get(f"{STAFF}{loan.pk}/angsuran/", {"jumlah": "1200000.00"})
    data = {"amount": "1.200.000", "key": form_key(html(prefilled))}
    assert 'value="1200000.00"' in html(prefilled)
    assert page.post(f"{STAFF}{loan.pk}/angsuran/", data).status_code == 302
    loan.refresh_from_db()
    assert loan.status == LoanStatus.CLOSED
    assert "Paid off" in html(page.get(f"{STAFF}{loan.pk}/"))


def test_the_committee_reschedules_and_a_teller_may_not(
    books, active_loan, teller, board, page_for, nothing_written
):
    loan = active_loan()
    teller_page, board_page = page_for(teller), page_for(board)
    data = {
        "version": "1",
        "term_months": "24",
        "rate": "",
        "effective_on": "",
        "reason": "Panen gagal",
    }

    with nothing_written():
        assert teller_page.get(f"{STAFF}{loan.pk}/jadwal-ulang/").status_code == 403
        assert teller_page.post(f"{STAFF}{loan.pk}/jadwal-ulang/", data).status_code == 403
        out_of_range = board_page.post(
            f"{STAFF}{loan.pk}/jadwal-ulang/", {**data, "term_months": "99"}
        )
    assert out_of_range.status_code == 400
    assert "The term must be 1 to 36 months" in html(out_of_range)

    assert 'name="version" value="1"' in html(board_page.get(f"{STAFF}{loan.pk}/jadwal-ulang/"))
    assert board_page.post(f"{STAFF}{loan.pk}/jadwal-ulang/", data).status_code == 302
    with nothing_written():  # the same page submitted again
        again = board_page.post(f"{STAFF}{loan.pk}/jadwal-ulang/", data)
    assert again.status_code == 302
    current = LoanSchedule.objects.get(loan=loan, is_current=True)
    assert (current.version, current.note) == (2, "Panen gagal")
    assert "Rescheduled" in html(board_page.get(f"{STAFF}{loan.pk}/"))


# Who may see what -----------------------------------------------------------------------


def test_members_and_strangers_are_kept_out_of_the_staff_pages(
    books, member, teller, member_user, supervisor, page_for, client_for, pinjam
):
    loan = apply(teller, member)
    outsider = page_for(member_user)
    for url in (STAFF, f"{STAFF}portofolio/", f"{STAFF}{loan.pk}/", f"{STAFF}baru/"):
        assert outsider.get(url).status_code == 403
    anonymous = client_for(pinjam).get(STAFF)
    assert anonymous.status_code == 302 and "/akun/masuk/" in anonymous["Location"]

    reader = page_for(supervisor)
    assert reader.get(f"{STAFF}{loan.pk}/").status_code == 200
    assert reader.post(f"{STAFF}{loan.pk}/survei/", {"note": "x"}).status_code == 403
    assert reader.get(f"{STAFF}baru/").status_code == 403


def test_another_cooperatives_loan_is_not_found(
    books, member, teller, active_loan, page_for, beta, pinjam
):
    mine = active_loan()
    made = loan_repay(actor=teller, loan=mine, amount=D(10_000), idempotency_key=key("r"))
    # A loan and a payment in beta's books whose ids are not used in ours.
    connection.set_tenant(beta)
    beta_teller = user_make("lp-beta-teller", roles={beta: ["kasir"]})
    beta_board = user_make("lp-beta-board", roles={beta: ["pengurus"]})
    for table, above in (("loans_loan", mine.pk), ("loans_repayment", made.pk)):
        sequence_past(table, above + 1_000_000)
    theirs = apply(beta_teller, member_make())
    approve(theirs, surveyor=beta_teller, board=beta_board)
    loan_disburse(actor=beta_teller, loan=theirs)
    paid = loan_repay(actor=beta_teller, loan=theirs, amount=D(10_000), idempotency_key=key("b"))
    connection.set_tenant(pinjam)
    assert not Loan.objects.filter(pk=theirs.pk).exists()
    assert not LoanRepayment.objects.filter(pk=paid.pk).exists()
    page = page_for(teller)

    assert page.get(f"{STAFF}{theirs.pk}/").status_code == 404
    assert page.get(f"{STAFF}{theirs.pk}/angsuran/").status_code == 404
    assert page.get(f"{STAFF}{theirs.pk}/pelunasan/").status_code == 404
    assert page.post(f"{STAFF}{theirs.pk}/setujui/", {"note": ""}).status_code == 404
    assert page.get(f"{STAFF}kwitansi/{paid.pk}/").status_code == 404
    assert page.get(f"{STAFF}kwitansi/{paid.pk}/a4.pdf").status_code == 404
    assert page.get(f"{STAFF}{mine.pk}/").status_code == 200


# The member's phone ---------------------------------------------------------------------


def test_the_member_sees_their_loans_schedule_and_what_is_due(
    books, member_user, teller, board, active_loan, page_for
):
    me = member_make(user=member_user)
    loan = due_today(active_loan(who=me))
    loan_repay(actor=teller, loan=loan, amount=D(112_000), idempotency_key=key("r"))
    other = active_loan()
    page = page_for(member_user)
    assert f'href="{PHONE}"' in html(page.get("/anggota/"))  # from the member's home page

    index = page.get(PHONE)
    text = html(index)
    assert index.status_code == 200
    assert f'data-loan="{loan.pk}"' in text and f'data-loan="{other.pk}"' not in text
    assert "Rp 112.000" in text  # the next instalment

    detail = page.get(f"{PHONE}{loan.pk}/")
    states = re.findall(r'data-number="(\d+)" data-state="(\w+)"', html(detail))
    assert states[0] == ("1", "paid") and states[1] == ("2", "upcoming") and len(states) == 12
    assert page.get(f"{PHONE}{other.pk}/").status_code == 404


def test_the_member_applies_from_the_phone_and_waits_for_review(
    books, member_user, teller, page_for, nothing_written
):
    me = member_make(user=member_user)
    page = page_for(member_user)
    form = page.get(f"{PHONE}ajukan/", {"produk": "umum"})
    assert form.status_code == 200 and 'name="rate"' not in html(form)
    data = {
        "product": "umum",
        "amount": "2.000.000",
        "term_months": "10",
        "purpose": "Beli mesin jahit",
        "key": form_key(html(form)),
    }

    with nothing_written():
        refused = page.post(f"{PHONE}ajukan/", {**data, "amount": "90.000.000"})
    assert refused.status_code == 400 and "The amount must be" in html(refused)

    sent = page.post(f"{PHONE}ajukan/", data)

    assert sent.status_code == 302
    loan = Loan.objects.get(member=me)
    assert (loan.channel, loan.status, loan.entered_by_id, loan.officer_id) == (
        "member",
        LoanStatus.APPLIED,
        member_user.pk,
        None,
    )
    assert "waiting for the cooperative" in html(page.get(sent["Location"]))
    assert AuditEntry.objects.filter(action="loans.loan.apply", object_id=str(loan.pk)).exists()
    # staff see it in the list of applications
    listed = page_for(teller).get(STAFF, {"status": "applied"})
    assert f'data-loan="{loan.pk}"' in html(listed)


def test_staff_without_a_member_record_are_not_members(books, teller, page_for):
    assert page_for(teller).get(PHONE).status_code == 403
