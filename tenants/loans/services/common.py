"""What the loan services share: the chart's accounts they post to, input checks that
need no lock, the current cooperative, and reading and writing schedule versions."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.ledger.actors import actor_id
from tenants.ledger.hashing import canonical_json
from tenants.ledger.periods import business_today
from tenants.ledger.tenancy import require_cooperative
from tenants.loans.exceptions import LoanError, LoanInputInvalid
from tenants.loans.schedule import PlannedInstalment
from tenants.models import (
    Loan,
    LoanInstalment,
    LoanInstalmentKind,
    LoanProduct,
    LoanSchedule,
    Member,
)

# The default chart (tenants/migrations/0003_default_chart.py).
CASH_ACCOUNT = "1101"
RECEIVABLE_ACCOUNT = "1103"  # Piutang Pinjaman Anggota
ALLOWANCE_ACCOUNT = "1105"  # Cadangan Kerugian Piutang
INTEREST_ACCOUNT = "4101"  # Pendapatan Jasa Pinjaman
ADMIN_FEE_ACCOUNT = "4102"  # Pendapatan Administrasi
PROVISI_ACCOUNT = "4103"  # Pendapatan Provisi
PENALTY_ACCOUNT = "4104"  # Pendapatan Denda
PROVISION_EXPENSE_ACCOUNT = "5103"  # Beban Penyisihan Kerugian Piutang
KEY_MAX = 80  # the ledger's key is "loans:repay:" + ours, at most 100 characters
ZERO = Decimal("0.00")


def cooperative() -> Any:
    """The cooperative whose books the connection is on; refuses the public schema."""
    require_cooperative()
    return connection.tenant  # type: ignore[attr-defined]


def key_check(idempotency_key: object) -> str:
    key = idempotency_key.strip() if isinstance(idempotency_key, str) else ""
    if not key or len(key) > KEY_MAX:
        raise LoanInputInvalid(
            _("An idempotency key of 1 to %(max)s characters is required.") % {"max": KEY_MAX},
            code="key_invalid",
        )
    return key


def digest(document: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(document)).hexdigest()


def text_check(value: object, *, limit: int, required: bool, code: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if (
        (value is not None and not isinstance(value, str))
        or (required and not text)
        or (len(text) > limit)
    ):
        raise LoanInputInvalid(
            _("Enter a text of 1 to %(max)s characters.") % {"max": limit}
            if required
            else _("Enter a text of at most %(max)s characters.") % {"max": limit},
            code=code,
        )
    return text


def day_check(day: object, *, earliest: date | None, code: str) -> date:
    """A business date (not a datetime), not in the future, not before ``earliest``."""
    today = business_today()
    if day is None:
        day = today
    if not isinstance(day, date) or isinstance(day, datetime):
        raise LoanInputInvalid(_("Enter a date."), code=code)
    if day > today:
        raise LoanInputInvalid(_("The date cannot be in the future."), code=code)
    if earliest is not None and day < earliest:
        raise LoanInputInvalid(
            _("The date cannot be before %(date)s.") % {"date": earliest.isoformat()}, code=code
        )
    return day


def member_check(member: object) -> Member:
    """The member as this cooperative's books have it; refuses another cooperative's."""
    current = (
        Member.objects.filter(pk=member.pk).first()
        if isinstance(member, Member) and member.pk
        else None
    )
    if (
        current is None
        or not isinstance(member, Member)
        or current.member_number != member.member_number
        or current.nik_hash != member.nik_hash
    ):
        raise LoanError(_("This member is not in this cooperative's books."), code="member_foreign")
    return current


def product_check(product: object) -> LoanProduct:
    current = (
        LoanProduct.objects.filter(pk=product.pk).first()
        if isinstance(product, LoanProduct) and product.pk
        else None
    )
    if current is None or not isinstance(product, LoanProduct) or current.code != product.code:
        raise LoanError(
            _("This loan product is not offered by this cooperative."), code="product_foreign"
        )
    if not current.is_active:
        raise LoanError(_("This loan product is no longer offered."), code="product_inactive")
    return current


def same_loan(locked: Loan | None, given: object) -> Loan:
    """A loan object from another cooperative's books has an id that means something else
    here (or nothing): refuse it unless the row is the same loan."""
    if (
        locked is None
        or not isinstance(given, Loan)
        or locked.idempotency_key != given.idempotency_key
        or locked.member_id != given.member_id
    ):
        raise LoanError(_("This loan is not in this cooperative's books."), code="loan_foreign")
    return locked


def loan_id_of(loan: object) -> int:
    if not isinstance(loan, Loan) or loan.pk is None:
        raise LoanError(_("Choose a loan."), code="loan_missing")
    return int(loan.pk)


def current_schedule(loan: Loan) -> tuple[LoanSchedule, list[LoanInstalment]]:
    """The loan's current schedule version and its instalments in order."""
    schedule = LoanSchedule.objects.get(loan=loan, is_current=True)
    return schedule, list(schedule.instalments.order_by("number"))


@dataclass(frozen=True)
class Row:
    """An instalment row of a new schedule version."""

    number: int
    period_start: date
    due_date: date
    principal: Decimal
    interest: Decimal
    principal_paid: Decimal = ZERO
    interest_paid: Decimal = ZERO
    settled_on: date | None = None
    carried: bool = False
    kind: str = LoanInstalmentKind.INSTALMENT

    @classmethod
    def planned(cls, item: PlannedInstalment, kind: str = LoanInstalmentKind.INSTALMENT) -> Row:
        return cls(
            number=item.number,
            period_start=item.period_start,
            due_date=item.due_date,
            principal=item.principal,
            interest=item.interest,
            kind=kind,
        )

    @classmethod
    def copy_of(cls, inst: LoanInstalment, number: int) -> Row:
        """A settled instalment of the previous version, as it is (renumbered)."""
        return cls(
            number=number,
            period_start=inst.period_start,
            due_date=inst.due_date,
            principal=inst.principal,
            interest=inst.interest,
            principal_paid=inst.principal_paid,
            interest_paid=inst.interest_paid,
            settled_on=inst.settled_on,
            carried=True,
            kind=inst.kind,
        )


def schedule_write(
    *,
    actor: Any,
    loan: Loan,
    reason: str,
    start: date,
    principal: Decimal,
    annual_rate_percent: Decimal,
    rows: Sequence[Row],
    carried_interest: Decimal = ZERO,
    note: str = "",
    previous: LoanSchedule | None = None,
) -> LoanSchedule:
    """Make the next schedule version current with these rows. The previous version is
    kept unchanged, only no longer current."""
    version = 1
    if previous is not None:
        LoanSchedule.objects.filter(pk=previous.pk).update(is_current=False)
        version = previous.version + 1
    schedule = LoanSchedule.objects.create(
        loan=loan,
        version=version,
        reason=reason,
        is_current=True,
        start_date=start,
        principal=principal,
        annual_rate_percent=annual_rate_percent,
        interest_method=loan.interest_method,
        carried_interest=carried_interest,
        note=note,
        created_by_id=actor_id(actor),
        created_at=timezone.now(),
    )
    LoanInstalment.objects.bulk_create(
        [
            LoanInstalment(
                schedule=schedule,
                loan=loan,
                number=row.number,
                period_start=row.period_start,
                due_date=row.due_date,
                principal=row.principal,
                interest=row.interest,
                principal_paid=row.principal_paid,
                interest_paid=row.interest_paid,
                settled_on=row.settled_on,
                carried=row.carried,
                kind=row.kind,
            )
            for row in rows
        ]
    )
    return schedule
