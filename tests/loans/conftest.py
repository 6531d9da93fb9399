"""Loan fixtures. The tests run in their own cooperative ("pinjam"; the threaded tests in
"pinjamdua"), inside the test's transaction, so an aging run sees only the test's own
loans and the ledger's loan accounts only the tests' own entries (journal entries are
immutable, and a transactional test leaves its entries behind).

Time: the services stamp today's date, and aging needs loans that fell due in the past.
``age_loan`` moves a disbursed loan's dates back by whole days (as the interest tests
move a savings transaction's created_at); its amounts and entries stay what the
services wrote."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from audit.models import AuditEntry
from django.db import connection
from django.db.models import F

from tenants.ledger.periods import business_today
from tenants.ledger.posting import ledger_check_balances
from tenants.loans.selectors import loan_product_get, loans_ledger_difference
from tenants.loans.services import (
    loan_apply,
    loan_approve,
    loan_disburse,
    loan_survey_note_add,
)
from tenants.members.services import member_register
from tenants.models import (
    JournalEntry,
    Loan,
    LoanAgingLine,
    LoanAgingRun,
    LoanGuarantor,
    LoanInstalment,
    LoanProduct,
    LoanRepayment,
    LoanSchedule,
    LoanSurveyNote,
    Member,
    MemberBusiness,
    MemberKind,
    Posting,
    SavingsAccount,
    SavingsTransaction,
    Sex,
)
from tenants.savings.selectors import savings_product_get
from tenants.savings.services import savings_account_open, savings_deposit
from tests.factories import cooperative_ensure, user_make
from tests.members.conftest import ADDRESS, KK, make_nik

SLUG = "pinjam"
_run = uuid.uuid4().hex[:8]
_keys = itertools.count(1)


def key(prefix: str = "l") -> str:
    """Unique across runs: a transactional test's rows stay in the schema."""
    return f"{prefix}-{_run}-{next(_keys)}"


def D(value: str | int) -> Decimal:
    return Decimal(str(value))


DEFAULT_AMOUNT = Decimal(1_200_000)


def member_make(
    *,
    join_date: date = date(2024, 1, 15),
    kind: str = MemberKind.BIASA,
    user: Any = None,
    status: str = "active",
) -> Member:
    birth_date = date(1978, 6, 2)
    return member_register(
        actor=None,
        full_name="Dewi Lestari",
        nik=make_nik(birth_date, Sex.FEMALE),
        kk_number=KK,
        birth_place="Garut",
        birth_date=birth_date,
        sex=Sex.FEMALE,
        address=ADDRESS,
        kind=kind,
        join_date=join_date,
        status=status,
        user_id=user.pk if user is not None else None,
    )


def product(code: str) -> LoanProduct:
    found = loan_product_get(code)
    assert found is not None
    return found


def months_ago(months: int) -> date:
    today = business_today()
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, min(today.day, 28))


def good_standing_member(*, months: int = 7, user: Any = None) -> Member:
    """A member for ``months`` months with every month's simpanan wajib paid."""
    member = member_make(join_date=months_ago(months), user=user)
    wajib = savings_product_get("wajib")
    assert wajib is not None and wajib.amount is not None
    account = savings_account_open(actor=None, member=member, product=wajib)
    savings_deposit(
        actor=None, account=account, amount=wajib.amount * (months + 1), idempotency_key=key("w")
    )
    return member


def sukarela_of(member: Member) -> SavingsAccount:
    found = savings_product_get("sukarela")
    assert found is not None
    return savings_account_open(actor=None, member=member, product=found)


def apply(
    actor: Any,
    member: Member,
    *,
    product_code: str = "umum",
    amount: Decimal = DEFAULT_AMOUNT,
    term: int = 12,
    channel: str = "staff",
    **extra: Any,
) -> Loan:
    return loan_apply(
        actor=actor,
        channel=channel,
        member=member,
        product=product(product_code),
        amount=amount,
        term_months=term,
        purpose="Modal warung",
        idempotency_key=key("apply"),
        **extra,
    )


def approve(loan: Loan, *, surveyor: Any, board: Any) -> Loan:
    loan_survey_note_add(actor=surveyor, loan=loan, note="Warung ramai, penghasilan cukup.")
    return loan_approve(actor=board, loan=loan, note="Disetujui")


def age_loan(loan: Loan, days: int) -> Loan:
    """Move a disbursed loan's dates ``days`` back, as if it had been paid out then (its
    payments and settled instalments too; journal entries keep their dates)."""
    delta = timedelta(days=days)
    Loan.objects.filter(pk=loan.pk).update(
        disbursed_on=F("disbursed_on") - delta, applied_on=F("applied_on") - delta
    )
    LoanSchedule.objects.filter(loan=loan).update(start_date=F("start_date") - delta)
    LoanInstalment.objects.filter(loan=loan).update(
        due_date=F("due_date") - delta,
        period_start=F("period_start") - delta,
        settled_on=F("settled_on") - delta,
    )
    LoanRepayment.objects.filter(loan=loan).update(paid_on=F("paid_on") - delta)
    return Loan.objects.get(pk=loan.pk)


def overdue_by(loan: Loan, dpd: int) -> Loan:
    """Move the loan back so that its first instalment fell due ``dpd`` days ago."""
    first = LoanInstalment.objects.filter(loan=loan).order_by("due_date").first()
    assert first is not None
    return age_loan(loan, (first.due_date - business_today()).days + dpd)


@pytest.fixture
def pinjam(db: Any) -> Any:
    return cooperative_ensure(SLUG)


@pytest.fixture
def books(pinjam: Any) -> Iterator[Any]:
    connection.set_tenant(pinjam)
    yield pinjam
    connection.set_schema_to_public()


@pytest.fixture
def teller(pinjam: Any) -> Any:
    """Staff who enters applications and surveys (kasir)."""
    return user_make("pinjam-teller", roles={pinjam: ["kasir"]})


@pytest.fixture
def board(pinjam: Any) -> Any:
    """The committee (pengurus)."""
    return user_make("pinjam-board", roles={pinjam: ["pengurus", "anggota"]})


@pytest.fixture
def manager(pinjam: Any) -> Any:
    return user_make("pinjam-manager", roles={pinjam: ["manajer"]})


@pytest.fixture
def supervisor(pinjam: Any) -> Any:
    """Pengawas: staff who reads, never writes or decides."""
    return user_make("pinjam-supervisor", roles={pinjam: ["pengawas"]})


@pytest.fixture
def member_user(pinjam: Any) -> Any:
    return user_make("pinjam-member", roles={pinjam: ["anggota"]})


@pytest.fixture
def member(books: Any) -> Member:
    return member_make()


@pytest.fixture
def active_loan(books: Any, member: Member, teller: Any, board: Any) -> Callable[..., Loan]:
    """active_loan(**apply_kwargs): applied by the teller, surveyed, approved by the board,
    paid out in cash today."""

    def make(
        *, who: Member | None = None, disburse: dict[str, Any] | None = None, **kw: Any
    ) -> Loan:
        loan = apply(teller, who or member, **kw)
        approve(loan, surveyor=teller, board=board)
        return loan_disburse(actor=teller, loan=loan, **(disburse or {}))

    return make


LOAN_MODELS = (
    Loan,
    LoanGuarantor,
    LoanSurveyNote,
    LoanSchedule,
    LoanInstalment,
    LoanRepayment,
    LoanAgingRun,
    LoanAgingLine,
    MemberBusiness,
    JournalEntry,
    Posting,
    AuditEntry,
    SavingsTransaction,
)


def snapshot() -> list[Any]:
    counts = [m.objects.count() for m in LOAN_MODELS]  # type: ignore[attr-defined]
    loans = list(
        Loan.objects.order_by("pk").values_list(
            "status", "principal_outstanding", "penalty_paid", "penalty_carried"
        )
    )
    paid = list(
        LoanInstalment.objects.order_by("pk").values_list(
            "principal_paid", "interest_paid", "settled_on"
        )
    )
    return [counts, loans, paid, list(SavingsAccount.objects.values_list("balance", flat=True))]


@pytest.fixture
def nothing_written() -> Callable[..., Any]:
    """with nothing_written(): the block writes no loan, schedule, payment, business,
    journal, posting, audit or savings row and changes none."""

    @contextmanager
    def check() -> Iterator[None]:
        before = snapshot()
        yield
        assert snapshot() == before

    return check


def books_balanced() -> None:
    """The ledger's balances match their postings, and the loans match account 1103."""
    assert ledger_check_balances() == []
    assert loans_ledger_difference() == 0
