"""Where simpanan pokok and wajib sit on the balance sheet: equity (modal sendiri, UU
25/1992 and the ministry's format, the default) or liabilities (newer standards treat
members' savings repayable on exit as a liability). A per-cooperative setting: the ledger
account of the pokok and wajib products. Changing it moves what the members hold from
the old accounts to the new ones with one journal entry, so every report (Neraca, cash
flow, changes in equity) follows the setting from that day on.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from audit.services import audit_record
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from tenants.ledger.accounts import account_create
from tenants.ledger.periods import business_today
from tenants.ledger.posting import Line, journal_post
from tenants.ledger.tenancy import require_cooperative
from tenants.models import Account, AccountType, SavingsAccount, SavingsKind, SavingsProduct
from tenants.savings.exceptions import SavingsError

EQUITY = "equity"
LIABILITY = "liability"
# kind -> (equity account, liability account and its names). The liability accounts sit
# under group 22 (long-term): members' capital is repaid only when they leave, and the
# cash-flow statement counts group 22 as financing, as it counts equity.
ACCOUNTS: dict[str, tuple[str, str, str, str]] = {
    SavingsKind.POKOK: ("3101", "2203", "Simpanan Pokok Anggota", "Members' principal savings"),
    SavingsKind.WAJIB: ("3102", "2204", "Simpanan Wajib Anggota", "Members' mandatory savings"),
}
LIABILITY_GROUP = "22"
ZERO = Decimal("0.00")


class ClassificationRefused(SavingsError):
    default_code = "classification_refused"


@dataclass(frozen=True)
class Classification:
    placement: str  # EQUITY or LIABILITY
    accounts: dict[str, str]  # product code -> ledger account code


def member_capital_classification() -> Classification:
    """The current setting, read from the pokok and wajib products' ledger accounts."""
    products = SavingsProduct.objects.filter(kind__in=list(ACCOUNTS)).order_by("code")
    accounts = {p.code: p.account_code for p in products}
    liability = any(p.account_code == ACCOUNTS[p.kind][1] for p in products)
    return Classification(placement=LIABILITY if liability else EQUITY, accounts=accounts)


def _liability_account(kind: str, actor: Any) -> str:
    _equity, code, name, name_en = ACCOUNTS[kind]
    if not Account.objects.filter(code=code).exists():
        parent = Account.objects.filter(code=LIABILITY_GROUP, is_group=True).first()
        account_create(
            actor=actor,
            code=code,
            name=name,
            name_en=name_en,
            type=AccountType.LIABILITY,
            parent=parent,
        )
    return code


def member_capital_classify(*, actor: Any, placement: str) -> Classification:
    """Put simpanan pokok and wajib under equity or liabilities.

    For each pokok/wajib product whose account changes: every savings account of the
    product is locked (FOR UPDATE, so no deposit or payout of it runs meanwhile), the sum
    of what the members hold is moved from the old ledger account to the new one by one
    journal entry dated today (debit old, credit new), and the product books to the new
    account from then on. The liability accounts (2203, 2204) are added to the chart
    when missing. All in one transaction with its audit row; the same placement again
    changes nothing. A closed month refuses nothing here (the entry is dated today) but
    the ledger refuses a closed today.
    """
    require_cooperative()
    if placement not in (EQUITY, LIABILITY):
        raise ClassificationRefused(
            _("Choose equity or liabilities."), code="classification_invalid"
        )
    with transaction.atomic():
        products = list(
            SavingsProduct.objects.select_for_update()
            .filter(kind__in=list(ACCOUNTS))
            .order_by("pk")
        )
        moves: list[tuple[SavingsProduct, str, str, Decimal]] = []
        for product in products:
            equity_code = ACCOUNTS[product.kind][0]
            target = (
                _liability_account(product.kind, actor) if placement == LIABILITY else equity_code
            )
            if product.account_code == target:
                continue
            held = list(
                SavingsAccount.objects.select_for_update()
                .filter(product=product)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            total = (
                SavingsAccount.objects.filter(pk__in=held).aggregate(total=Sum("balance"))["total"]
                or ZERO
            )
            moves.append((product, product.account_code, target, total))
        lines = [
            line
            for _product, old, new, total in moves
            if total > 0
            for line in (Line(old, debit=total), Line(new, credit=total))
        ]
        entry = None
        if lines:
            entry = journal_post(
                actor=actor,
                entry_date=business_today(),
                description=(
                    "Reklasifikasi simpanan pokok dan wajib ke liabilitas"
                    if placement == LIABILITY
                    else "Reklasifikasi simpanan pokok dan wajib ke ekuitas"
                ),
                lines=lines,
                # A state change, not a repeatable request: the same placement again is a
                # no-op above, so each entry gets its own key.
                idempotency_key=f"capital-classify:{placement}:{uuid.uuid4().hex}",
                kind="reclassification",
            )
        for product, _old, new, _total in moves:
            product.account_code = new
            product.save(update_fields=["account_code"])
        if moves:
            audit_record(
                actor=actor,
                action="savings.capital.classify",
                summary=f"pokok/wajib -> {placement}",
                data={
                    "placement": placement,
                    "moves": [
                        {"product": p.code, "from": old, "to": new, "amount": f"{total:.2f}"}
                        for p, old, new, total in moves
                    ],
                    "journal_entry": entry.pk if entry else None,
                },
            )
    return member_capital_classification()
