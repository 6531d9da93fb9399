"""The rules of each kind of savings (UU 25/1992 art. 41; docs: domain/koperasi.md).

pokok      paid once, exactly the product's amount; locked until the member leaves
wajib      paid in multiples of the monthly amount; locked until the member leaves
sukarela   any deposit; withdrawals down to the product's minimum balance
berjangka  placed by deposit; paid out at maturity (not by a teller's withdrawal)
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from money.rupiah import format_rupiah

from tenants.models import SavingsAccount, SavingsKind, SavingsProduct
from tenants.savings.exceptions import DepositRefused, WithdrawalRefused

WITHDRAWABLE_KINDS = frozenset({SavingsKind.SUKARELA})


def deposit_check(*, product: SavingsProduct, account: SavingsAccount, amount: Decimal) -> None:
    """Refuse a deposit the product does not allow (``account`` is locked)."""
    if product.kind == SavingsKind.POKOK:
        assert product.amount is not None  # a check constraint guarantees it
        if account.balance > 0:
            raise DepositRefused(
                _("Simpanan pokok is paid only once; this member has paid it already."),
                code="pokok_paid",
            )
        if amount != product.amount:
            raise DepositRefused(
                _("Simpanan pokok is exactly %(amount)s.")
                % {"amount": format_rupiah(product.amount)},
                code="pokok_amount",
            )
    elif product.kind == SavingsKind.WAJIB:
        assert product.amount is not None
        if amount % product.amount != 0:
            raise DepositRefused(
                _("Simpanan wajib is paid in multiples of %(amount)s a month.")
                % {"amount": format_rupiah(product.amount)},
                code="wajib_multiple",
            )


def withdrawal_check(*, product: SavingsProduct, account: SavingsAccount, amount: Decimal) -> None:
    """Refuse a withdrawal the product or the balance does not allow (``account`` is
    locked, so the balance read here is the one the withdrawal changes)."""
    if product.kind not in WITHDRAWABLE_KINDS:
        raise WithdrawalRefused(
            _(
                "Only simpanan sukarela can be withdrawn at the counter; "
                "pokok and wajib are returned when the member leaves."
            ),
            code="not_withdrawable",
        )
    if amount > account.balance:
        raise WithdrawalRefused(
            _("The balance is only %(balance)s.") % {"balance": format_rupiah(account.balance)},
            code="insufficient_balance",
        )
    after = account.balance - amount
    # Held money (tenants.books reservations) sits on top of the minimum, never inside it.
    if account.reserved and after < account.reserved + product.minimum_balance:
        raise WithdrawalRefused(
            _("%(reserved)s of this account is held and cannot be withdrawn.")
            % {"reserved": format_rupiah(account.reserved)},
            code="reserved",
        )
    if after < product.minimum_balance:
        raise WithdrawalRefused(
            _("The balance must stay at least %(minimum)s.")
            % {"minimum": format_rupiah(product.minimum_balance)},
            code="below_minimum",
        )
