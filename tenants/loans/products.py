"""The rules of a loan product: amounts, terms and rates in range, fees, collateral and
guarantors, who may borrow, and the fast track (decision 0009). Checks raise LoanError
subclasses and write nothing; loan_product_save is the one write here."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from audit.services import audit_record
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from money.rupiah import format_rupiah, round_rupiah

from tenants.interest.arrears import wajib_arrears
from tenants.ledger.tenancy import require_cooperative
from tenants.loans.exceptions import ApplicationRefused, LoanInputInvalid
from tenants.models import (
    FeeKind,
    LoanInstalment,
    LoanProduct,
    LoanSchedule,
    LoanStatus,
    Member,
    MemberKind,
)

HUNDRED = Decimal(100)
RUPIAH = Decimal(1)
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999999999.99")  # numeric(18, 2)
MAX_TERM_MONTHS = 360


def amount_check(amount: object, *, whole_rupiah: bool = False) -> Decimal:
    """A Decimal amount of more than zero with at most two decimals (whole rupiah for a
    loan's principal); refuses floats, ints, NaN, zero and negatives."""
    if not isinstance(amount, Decimal):
        raise LoanInputInvalid(
            _("Amounts must be Decimal, not %(type)s.") % {"type": type(amount).__name__},
            code="amount_type",
        )
    if not amount.is_finite():
        raise LoanInputInvalid(_("The amount is not a number."), code="amount_invalid")
    if amount <= 0:
        raise LoanInputInvalid(_("The amount must be more than zero."), code="amount_not_positive")
    if amount > MAX_AMOUNT:
        raise LoanInputInvalid(_("The amount is too large."), code="amount_too_large")
    if whole_rupiah and amount != amount.quantize(RUPIAH):
        raise LoanInputInvalid(_("A loan's principal is in whole rupiah."), code="amount_precision")
    if amount != amount.quantize(CENT):
        raise LoanInputInvalid(
            _("Amounts have at most two decimal places."), code="amount_precision"
        )
    return amount


def term_check(product: LoanProduct, term_months: object) -> int:
    if isinstance(term_months, bool) or not isinstance(term_months, int):
        raise LoanInputInvalid(_("The term is a whole number of months."), code="term_type")
    if not product.min_term_months <= term_months <= product.max_term_months:
        raise LoanInputInvalid(
            _("The term must be %(min)s to %(max)s months for %(product)s.")
            % {
                "min": product.min_term_months,
                "max": product.max_term_months,
                "product": product.name,
            },
            code="term_out_of_range",
        )
    return term_months


def rate_check(product: LoanProduct, rate: object) -> Decimal:
    if not isinstance(rate, Decimal) or not rate.is_finite() or rate != rate.quantize(CENT):
        raise LoanInputInvalid(
            _("The rate is a Decimal percent a year with at most two decimals."),
            code="rate_type",
        )
    if not product.min_rate_percent <= rate <= product.max_rate_percent:
        raise LoanInputInvalid(
            _("The rate must be %(min)s%% to %(max)s%% a year for %(product)s.")
            % {
                "min": product.min_rate_percent,
                "max": product.max_rate_percent,
                "product": product.name,
            },
            code="rate_out_of_range",
        )
    return rate


def amount_in_range(product: LoanProduct, amount: Decimal) -> None:
    if not product.min_amount <= amount <= product.max_amount:
        raise LoanInputInvalid(
            _("The amount must be %(min)s to %(max)s for %(product)s.")
            % {
                "min": format_rupiah(product.min_amount),
                "max": format_rupiah(product.max_amount),
                "product": product.name,
            },
            code="amount_out_of_range",
        )


def fee_amount(kind: str, value: Decimal, principal: Decimal) -> Decimal:
    """A fee: the fixed amount, or the percent of the principal rounded half-up."""
    if kind == FeeKind.PERCENT:
        return round_rupiah(principal * value / HUNDRED)
    return value


def fees_for(product: LoanProduct, principal: Decimal) -> tuple[Decimal, Decimal]:
    """(administration fee, provisi) for a loan of ``principal``."""
    return (
        fee_amount(product.admin_fee_kind, product.admin_fee_value, principal),
        fee_amount(product.provisi_fee_kind, product.provisi_fee_value, principal),
    )


def borrower_check(product: LoanProduct, member: Member) -> None:
    """Savings-and-loan services serve members only (Permenkop 8/2023): an active anggota
    biasa, or anggota luar biasa where the product allows it."""
    if member.status != "active":
        raise ApplicationRefused(
            _("Only an active member can borrow; this member is %(status)s.")
            % {"status": member.get_status_display()},
            code="member_inactive",
        )
    if member.kind == MemberKind.LUAR_BIASA and not product.allow_luar_biasa:
        raise ApplicationRefused(
            _("%(product)s is for regular members (anggota biasa) only.")
            % {"product": product.name},
            code="member_kind",
        )


def security_check(
    product: LoanProduct,
    amount: Decimal,
    *,
    collateral_description: str,
    guarantors_count: int,
) -> None:
    """Collateral and guarantors the product requires above its amounts."""
    above = product.collateral_required_above
    if above is not None and amount > above and not collateral_description:
        raise ApplicationRefused(
            _("A loan above %(amount)s needs collateral; describe it.")
            % {"amount": format_rupiah(above)},
            code="collateral_required",
        )
    above = product.guarantor_required_above
    if above is not None and amount > above and guarantors_count < product.guarantors_required:
        raise ApplicationRefused(
            _("A loan above %(amount)s needs %(count)s guarantor(s).")
            % {"amount": format_rupiah(above), "count": product.guarantors_required},
            code="guarantor_required",
        )


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (15 Jan -> 14 Jul is 5, -> 15 Jul is 6)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    last_day = calendar.monthrange(end.year, end.month)[1]
    if end.day < min(start.day, last_day):
        months -= 1
    return months


def member_in_arrears(member: Member, as_of: date) -> bool:
    """An instalment of any of the member's running loans unpaid past its due date."""
    return LoanInstalment.objects.filter(
        loan__member=member,
        loan__status=LoanStatus.ACTIVE,
        schedule__in=LoanSchedule.objects.filter(loan__member=member, is_current=True),
        settled_on__isnull=True,
        due_date__lt=as_of,
    ).exists()


@dataclass(frozen=True)
class FastTrack:
    """Whether a loan may take the fast track, and if not, why (translated reasons)."""

    eligible: bool
    reasons: tuple[str, ...]


def fast_track_check(
    *, product: LoanProduct, member: Member, amount: Decimal, term_months: int, on: date
) -> FastTrack:
    """Small loans within the product's fast-track limits, for members in good standing:
    a member for at least the product's months, no loan in arrears, no wajib arrears."""
    reasons: list[str] = []
    if product.fast_track_max_amount is None:
        reasons.append(_("This product has no fast track."))
    else:
        if amount > product.fast_track_max_amount:
            reasons.append(
                _("The amount is above the fast-track limit of %(amount)s.")
                % {"amount": format_rupiah(product.fast_track_max_amount)}
            )
        limit = product.fast_track_max_term_months
        if limit is not None and term_months > limit:
            reasons.append(
                _("The term is longer than the fast-track limit of %(months)s months.")
                % {"months": limit}
            )
        if months_between(member.join_date, on) < product.fast_track_min_membership_months:
            reasons.append(
                _("A member for less than %(months)s months.")
                % {"months": product.fast_track_min_membership_months}
            )
        if member_in_arrears(member, on):
            reasons.append(_("The member has a loan instalment in arrears."))
        arrears = wajib_arrears(member, on)
        if arrears is not None and arrears.amount > 0:
            reasons.append(_("The member is behind on simpanan wajib."))
    return FastTrack(eligible=not reasons, reasons=tuple(reasons))


PRODUCT_FIELDS = frozenset(
    f.name for f in LoanProduct._meta.get_fields() if f.concrete and f.name != "id"
)


def loan_product_save(*, actor: Any, code: str, fields: dict[str, Any]) -> LoanProduct:
    """Create the product ``code`` or change its settings. Rates, terms, amounts and fees
    are range-checked (the model's validation and the database's check constraints);
    running loans keep the terms they were granted on."""
    require_cooperative()
    unknown = set(fields) - PRODUCT_FIELDS
    if unknown:
        raise LoanInputInvalid(
            _("Unknown product settings: %(names)s.") % {"names": ", ".join(sorted(unknown))},
            code="product_field_unknown",
        )
    try:
        with transaction.atomic():
            product = LoanProduct.objects.select_for_update().filter(code=code).first()
            created = product is None
            if product is None:
                product = LoanProduct(code=code)
            for name, value in fields.items():
                setattr(product, name, value)
            product.full_clean()
            product.save()
            audit_record(
                actor=actor,
                action="loans.product.create" if created else "loans.product.update",
                obj=product,
                summary=f"{product.code} {product.name}",
                data={name: str(value) for name, value in sorted(fields.items())},
            )
    except ValidationError as exc:
        raise LoanInputInvalid(
            _("The product's settings are not valid: %(errors)s.")
            % {"errors": "; ".join(exc.messages)},
            code="product_invalid",
        ) from exc
    except IntegrityError as exc:
        raise LoanInputInvalid(
            _("The product's settings are out of range."), code="product_invalid"
        ) from exc
    return product
