"""Application -> survey -> decision -> disbursement: the entries by hand, maker-checker and
the committee's role, the fast track, and every bad input refused with nothing written."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from audit.models import AuditEntry
from django.utils import translation

from tenants.ledger.periods import business_today
from tenants.loans.exceptions import LoanError
from tenants.loans.products import fast_track_check, loan_product_save
from tenants.loans.selectors import loan_schedule, member_has_open_loans
from tenants.loans.services import (
    GuarantorInput,
    loan_apply,
    loan_approve,
    loan_cancel,
    loan_disburse,
    loan_reject,
    loan_survey_note_add,
)
from tenants.models import (
    InterestMethod,
    JournalEntry,
    LoanPayoutTo,
    LoanRoute,
    LoanSchedule,
    LoanStatus,
    MemberKind,
    SavingsAccount,
)
from tenants.savings.selectors import savings_balances_match_ledger
from tests.factories import user_make
from tests.interest.conftest import postings
from tests.loans.conftest import (
    D,
    apply,
    approve,
    books_balanced,
    good_standing_member,
    key,
    member_make,
    product,
    sukarela_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the services' messages in English (the msgids); the catalog
    would give Indonesian, the site's default."""
    with translation.override("en"):
        yield


def test_application_copies_the_products_terms_and_fees(books, member, teller):
    loan = apply(teller, member, amount=D(1_200_000), term=12)

    assert (loan.status, loan.channel, loan.interest_method) == (
        LoanStatus.APPLIED,
        "staff",
        InterestMethod.FLAT,
    )
    # admin Rp 25,000 flat; provisi 1 % of 1,200,000 = 12,000
    assert (loan.annual_rate_percent, loan.admin_fee, loan.provisi_fee) == (
        D(12),
        D(25_000),
        D(12_000),
    )
    assert (loan.penalty_percent_per_day, loan.penalty_grace_days) == (D("0.1"), 3)
    assert (loan.entered_by_id, loan.officer_id) == (teller.pk, teller.pk)
    assert AuditEntry.objects.filter(action="loans.loan.apply", object_id=str(loan.pk)).exists()


def test_from_application_to_cash_disbursement(books, member, teller, board):
    loan = apply(teller, member)
    approved = approve(loan, surveyor=teller, board=board)
    assert (approved.status, approved.route, approved.decided_by_id) == (
        LoanStatus.APPROVED,
        LoanRoute.COMMITTEE,
        board.pk,
    )

    paid = loan_disburse(actor=teller, loan=loan)

    assert (paid.status, paid.disbursed_on, paid.principal_outstanding) == (
        LoanStatus.ACTIVE,
        business_today(),
        D(1_200_000),
    )
    # principal out of 1103; cash 1,200,000 - 37,000 fees; fees to 4102 and 4103
    assert postings(paid.disbursement_entry) == [
        ("1103", D(1_200_000), D(0)),
        ("1101", D(0), D(1_163_000)),
        ("4102", D(0), D(25_000)),
        ("4103", D(0), D(12_000)),
    ]
    rows = loan_schedule(paid)
    assert len(rows) == 12
    assert {(r.principal, r.interest, r.state) for r in rows} == {
        (D(100_000), D(12_000), "upcoming")
    }
    actions = set(
        AuditEntry.objects.filter(object_id=str(loan.pk), object_type="tenants.Loan").values_list(
            "action", flat=True
        )
    )
    assert actions == {
        "loans.loan.apply",
        "loans.loan.survey",
        "loans.loan.approve",
        "loans.loan.disburse",
    }
    books_balanced()


def test_disbursement_again_returns_the_loan_and_posts_nothing(books, member, teller, board):
    loan = apply(teller, member)
    approve(loan, surveyor=teller, board=board)
    first = loan_disburse(actor=teller, loan=loan)
    again = loan_disburse(actor=teller, loan=loan)
    assert again.disbursement_entry_id == first.disbursement_entry_id
    assert LoanSchedule.objects.filter(loan=loan).count() == 1


def test_disbursement_into_sukarela_with_fees_deducted(books, member, teller, board):
    account = sukarela_of(member)
    loan = apply(teller, member)
    approve(loan, surveyor=teller, board=board)

    paid = loan_disburse(actor=teller, loan=loan, payout_to=LoanPayoutTo.SUKARELA)

    assert SavingsAccount.objects.get(pk=account.pk).balance == D(1_163_000)
    assert postings(paid.disbursement_entry) == [
        ("1103", D(1_163_000), D(0)),
        ("2101", D(0), D(1_163_000)),
    ]
    assert paid.fees_entry is not None
    assert postings(paid.fees_entry) == [
        ("1103", D(37_000), D(0)),
        ("4102", D(0), D(25_000)),
        ("4103", D(0), D(12_000)),
    ]
    assert savings_balances_match_ledger()
    books_balanced()


def test_fees_paid_at_the_counter(books, member, teller, board):
    loan = apply(teller, member)
    approve(loan, surveyor=teller, board=board)

    paid = loan_disburse(actor=teller, loan=loan, fees_deducted=False)

    assert postings(paid.disbursement_entry) == [
        ("1103", D(1_200_000), D(0)),
        ("1101", D(37_000), D(0)),
        ("1101", D(0), D(1_200_000)),
        ("4102", D(0), D(25_000)),
        ("4103", D(0), D(12_000)),
    ]
    books_balanced()


def test_back_dated_cash_disbursement_starts_the_schedule_that_day(books, member, teller, board):
    loan = apply(teller, member)
    approve(loan, surveyor=teller, board=board)
    day = business_today() - timedelta(days=3)
    type(loan).objects.filter(pk=loan.pk).update(applied_on=day)

    paid = loan_disburse(actor=teller, loan=loan, disbursed_on=day)

    assert paid.disbursed_on == day
    assert paid.disbursement_entry.entry_date == day
    assert LoanSchedule.objects.get(loan=loan).start_date == day


# --- maker-checker and roles --------------------------------------------------------


def test_the_person_who_entered_a_loan_cannot_approve_it(
    books, member, teller, board, manager, nothing_written
):
    loan = apply(board, member)
    loan_survey_note_add(actor=teller, loan=loan, note="Layak.")
    with nothing_written(), pytest.raises(LoanError) as caught:
        loan_approve(actor=board, loan=loan)
    assert caught.value.code == "maker_checker"
    assert "maker-checker" in caught.value.messages[0]

    approved = loan_approve(actor=manager, loan=loan)
    assert approved.decided_by_id == manager.pk


def test_nobody_approves_their_own_loan(books, pinjam, teller):
    borrower_board = user_make("pinjam-board-borrower", roles={pinjam: ["pengurus", "anggota"]})
    member = member_make(user=borrower_board)
    loan = apply(teller, member)
    loan_survey_note_add(actor=teller, loan=loan, note="Layak.")
    with pytest.raises(LoanError) as caught:
        loan_approve(actor=borrower_board, loan=loan)
    assert caught.value.code == "own_loan"


@pytest.mark.parametrize("who", ["other_teller", "supervisor", "anonymous"])
def test_the_committee_route_needs_the_board_or_manager(
    books, member, teller, supervisor, pinjam, who, nothing_written
):
    actors = {
        "other_teller": user_make("pinjam-teller-2", roles={pinjam: ["kasir"]}),
        "supervisor": supervisor,
        "anonymous": None,
    }
    loan = apply(teller, member)
    loan_survey_note_add(actor=teller, loan=loan, note="Layak.")
    with nothing_written(), pytest.raises(LoanError) as caught:
        loan_approve(actor=actors[who], loan=loan)
    assert caught.value.code == ("no_decider" if who == "anonymous" else "committee_role_required")


def test_the_committee_approves_only_after_a_survey(books, member, teller, board, nothing_written):
    loan = apply(teller, member)
    with nothing_written(), pytest.raises(LoanError) as caught:
        loan_approve(actor=board, loan=loan)
    assert caught.value.code == "survey_missing"


def test_rejection_needs_a_reason_and_ends_the_application(books, member, teller, board):
    loan = apply(teller, member)
    with pytest.raises(LoanError) as caught:
        loan_reject(actor=board, loan=loan, reason="  ")
    assert caught.value.code == "reason_invalid"

    rejected = loan_reject(actor=board, loan=loan, reason="Penghasilan tidak mencukupi")

    assert (rejected.status, rejected.decision_note) == (
        LoanStatus.REJECTED,
        "Penghasilan tidak mencukupi",
    )
    for call, code in (
        (lambda: loan_approve(actor=board, loan=loan), "loan_decided"),
        (lambda: loan_disburse(actor=teller, loan=loan), "loan_not_approved"),
        (lambda: loan_survey_note_add(actor=teller, loan=loan, note="x"), "loan_decided"),
    ):
        with pytest.raises(LoanError) as caught:
            call()
        assert caught.value.code == code


def test_a_supervisor_cannot_enter_or_survey(books, member, teller, supervisor):
    with pytest.raises(LoanError) as caught:
        apply(supervisor, member)
    assert caught.value.code == "not_staff"
    loan = apply(teller, member)
    with pytest.raises(LoanError) as caught:
        loan_survey_note_add(actor=supervisor, loan=loan, note="x")
    assert caught.value.code == "not_staff"


# --- the fast track -----------------------------------------------------------------


def test_fast_track_small_loan_for_a_member_in_good_standing(books, teller, pinjam):
    member = good_standing_member()
    second_teller = user_make("pinjam-teller-3", roles={pinjam: ["kasir"]})
    loan = apply(teller, member, amount=D(2_000_000), term=12)

    approved = loan_approve(actor=second_teller, loan=loan)  # same day, no survey

    assert (approved.status, approved.route) == (LoanStatus.APPROVED, LoanRoute.FAST_TRACK)
    with pytest.raises(LoanError) as caught:  # still never the maker
        loan_approve(actor=teller, loan=apply(teller, member, amount=D(1_000_000)))
    assert caught.value.code == "maker_checker"


def test_a_member_applies_from_the_phone_and_staff_decide_the_fast_track(
    books, teller, member_user
):
    member = good_standing_member(user=member_user)
    loan = apply(member_user, member, amount=D(1_500_000), term=6, channel="member")
    assert (loan.channel, loan.entered_by_id, loan.officer_id) == ("member", member_user.pk, None)

    with pytest.raises(LoanError) as caught:
        loan_approve(actor=member_user, loan=loan)
    assert caught.value.code == "own_loan"

    approved = loan_approve(actor=teller, loan=loan)
    assert (approved.route, approved.officer_id) == (LoanRoute.FAST_TRACK, teller.pk)


def test_a_member_applies_for_themselves_only(books, member, member_user, nothing_written):
    with nothing_written(), pytest.raises(LoanError) as caught:
        apply(member_user, member, channel="member")
    assert caught.value.code == "not_own_member"


def test_not_fast_track_when_behind_on_wajib_or_too_big_or_too_new(books, member, teller, pinjam):
    umum = product("umum")
    today = business_today()
    behind = fast_track_check(
        product=umum, member=member, amount=D(1_000_000), term_months=6, on=today
    )
    assert not behind.eligible
    assert "The member is behind on simpanan wajib." in behind.reasons

    good = good_standing_member()
    assert fast_track_check(
        product=umum, member=good, amount=D(3_000_000), term_months=12, on=today
    ).eligible
    too_big = fast_track_check(
        product=umum, member=good, amount=D(3_000_001), term_months=13, on=today
    )
    assert len(too_big.reasons) == 2
    new = good_standing_member(months=2)
    assert not fast_track_check(
        product=umum, member=new, amount=D(1_000_000), term_months=6, on=today
    ).eligible

    other_teller = user_make("pinjam-teller-4", roles={pinjam: ["kasir"]})
    loan = apply(teller, member, amount=D(1_000_000), term=6)
    with pytest.raises(LoanError) as caught:
        loan_approve(actor=other_teller, loan=loan)
    assert caught.value.code == "committee_role_required"


def test_fast_track_only_on_the_day_of_the_application(books, teller, pinjam):
    member = good_standing_member()
    loan = apply(teller, member, amount=D(1_000_000), term=6)
    type(loan).objects.filter(pk=loan.pk).update(applied_on=business_today() - timedelta(days=1))
    other_teller = user_make("pinjam-teller-5", roles={pinjam: ["kasir"]})
    with pytest.raises(LoanError) as caught:
        loan_approve(actor=other_teller, loan=loan)
    assert caught.value.code == "committee_role_required"


# --- bad input: refused, nothing written ---------------------------------------------


BAD_APPLICATIONS = [
    ({"amount": 1_200_000.0}, "amount_type"),
    ({"amount": 1_200_000}, "amount_type"),
    ({"amount": D(0)}, "amount_not_positive"),
    ({"amount": D(-1_000_000)}, "amount_not_positive"),
    ({"amount": Decimal("NaN")}, "amount_invalid"),
    ({"amount": D("1200000.50")}, "amount_precision"),
    ({"amount": D(100_000)}, "amount_out_of_range"),
    ({"amount": D(60_000_000)}, "amount_out_of_range"),
    ({"term": 0}, "term_out_of_range"),
    ({"term": 37}, "term_out_of_range"),
    ({"term": "12"}, "term_type"),
    ({"annual_rate_percent": D(30)}, "rate_out_of_range"),
    ({"annual_rate_percent": D("5.99")}, "rate_out_of_range"),
    ({"annual_rate_percent": 12.0}, "rate_type"),
    ({"channel": "web"}, "channel_invalid"),
    ({"amount": D(12_000_000), "guarantors": [GuarantorInput("Ujang")]}, "collateral_required"),
    ({"amount": D(6_000_000)}, "guarantor_required"),
]


@pytest.mark.parametrize(("overrides", "code"), BAD_APPLICATIONS)
def test_bad_applications_are_refused_with_nothing_written(
    books, member, teller, overrides, code, nothing_written
):
    with nothing_written(), pytest.raises(LoanError) as caught:
        apply(teller, member, **overrides)
    assert caught.value.code == code
    assert caught.value.messages[0]


def test_a_term_beyond_the_product_says_the_limits(books, member, teller):
    with pytest.raises(LoanError) as caught:
        apply(teller, member, term=48)
    assert caught.value.messages == ["The term must be 1 to 36 months for Pinjaman Umum (Flat)."]


def test_who_may_borrow(books, teller, nothing_written):
    associate = member_make(kind=MemberKind.LUAR_BIASA)
    applicant = member_make(status="applicant")
    for who, code in ((associate, "member_kind"), (applicant, "member_inactive")):
        with nothing_written(), pytest.raises(LoanError) as caught:
            apply(teller, who)
        assert caught.value.code == code
    loan_product_save(actor=None, code="umum", fields={"allow_luar_biasa": True})
    assert apply(teller, associate).status == LoanStatus.APPLIED


def test_guarantors_and_collateral_when_required(books, member, teller):
    other = member_make()
    loan = apply(
        teller,
        member,
        amount=D(12_000_000),
        term=24,
        collateral_description="BPKB sepeda motor",
        collateral_value=D(15_000_000),
        guarantors=[GuarantorInput("Ujang", "suami", other)],
    )
    assert [(g.full_name, g.member_id) for g in loan.guarantors.all()] == [("Ujang", other.pk)]
    with pytest.raises(LoanError) as caught:
        apply(teller, member, amount=D(6_000_000), guarantors=[GuarantorInput("Diri", "", member)])
    assert caught.value.code == "guarantor_self"


def test_the_same_application_key_returns_the_first_application(books, member, teller):
    fields = {
        "actor": teller,
        "channel": "staff",
        "member": member,
        "product": product("umum"),
        "term_months": 12,
        "purpose": "Modal",
        "idempotency_key": key("same"),
    }
    first = loan_apply(amount=D(1_200_000), **fields)
    assert loan_apply(amount=D(1_200_000), **fields).pk == first.pk
    with pytest.raises(LoanError) as caught:
        loan_apply(amount=D(1_300_000), **fields)
    assert caught.value.code == "idempotency_conflict"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"payout_to": "bank"}, "payout_invalid"),
        ({"payout_to": LoanPayoutTo.SUKARELA}, "no_sukarela"),
        ({"disbursed_on": business_today() + timedelta(days=1)}, "date_invalid"),
        ({"disbursed_on": business_today() - timedelta(days=1)}, "date_invalid"),
        ({"fees_deducted": "yes"}, "fees_invalid"),
    ],
)
def test_bad_disbursements_are_refused_with_nothing_written(
    books, member, teller, board, kwargs, code, nothing_written
):
    loan = apply(teller, member)
    approve(loan, surveyor=teller, board=board)
    with nothing_written(), pytest.raises(LoanError) as caught:
        loan_disburse(actor=teller, loan=loan, **kwargs)
    assert caught.value.code == code


def test_a_loan_from_another_cooperatives_books_is_refused(books, member, teller, board, alpha):
    from django.db import connection

    loan = apply(teller, member)
    connection.set_tenant(alpha)
    try:
        with pytest.raises(LoanError) as caught:
            loan_disburse(actor=teller, loan=loan)
        assert caught.value.code in {"loan_foreign", "loan_missing"}
    finally:
        connection.set_tenant(books)


def test_products_are_range_checked(books, nothing_written):
    for fields in (
        {"annual_rate_percent": D(40)},  # above its highest 24 %
        {"max_rate_percent": D(120), "annual_rate_percent": D(110)},
        {"min_term_months": 0},
        {"max_amount": D(100)},
        {"provisi_fee_value": D(150)},
    ):
        with nothing_written(), pytest.raises(LoanError) as caught:
            loan_product_save(actor=None, code="umum", fields=fields)
        assert caught.value.code == "product_invalid"
    with pytest.raises(LoanError) as caught:
        loan_product_save(actor=None, code="umum", fields={"colour": "red"})
    assert caught.value.code == "product_field_unknown"
    made = loan_product_save(
        actor=None,
        code="mikro",
        fields={
            "name": "Pinjaman Mikro",
            "interest_method": "effective",
            "annual_rate_percent": D(18),
            "min_rate_percent": D(12),
            "max_rate_percent": D(24),
            "max_term_months": 12,
            "min_amount": D(100_000),
            "max_amount": D(2_000_000),
        },
    )
    assert made.pk and AuditEntry.objects.filter(action="loans.product.create").exists()


def test_a_members_loans_and_open_loans(books, member, teller, board):
    from tenants.loans.selectors import loans_of_member, member_has_open_loans

    assert not member_has_open_loans(member)
    first = apply(teller, member)
    loan_reject(actor=board, loan=first, reason="Belum layak")
    assert not member_has_open_loans(member)
    second = apply(teller, member)
    assert member_has_open_loans(member)
    assert [loan.pk for loan in loans_of_member(member)] == [second.pk, first.pk]


def test_an_approved_loan_never_paid_out_can_be_cancelled_by_the_board(
    books, member, teller, board
):
    # given: an approved loan, not paid out
    loan = approve(apply(teller, member), surveyor=teller, board=board)
    entries = JournalEntry.objects.count()

    # then: a teller may not cancel it; the board may, with a reason; nothing is booked
    with pytest.raises(LoanError) as refused:
        loan_cancel(actor=teller, loan=loan, reason="Anggota mengundurkan diri")
    assert refused.value.code == "committee_role_required"
    with pytest.raises(LoanError) as no_reason:
        loan_cancel(actor=board, loan=loan, reason=" ")
    assert no_reason.value.code == "reason_invalid"
    cancelled = loan_cancel(actor=board, loan=loan, reason="Anggota mengundurkan diri")
    assert cancelled.status == "rejected"
    assert JournalEntry.objects.count() == entries
    assert not member_has_open_loans(member)
    with pytest.raises(LoanError) as again:
        loan_cancel(actor=board, loan=loan, reason="lagi")
    assert again.value.code == "loan_not_cancellable"
