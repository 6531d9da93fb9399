"""The chart of accounts: add, rename, deactivate, reactivate, delete (only when unused).

The default chart (SAK EP style, Indonesian names) comes with every new cooperative, from
the data migration tenants 0003. An account's code and type never change once it exists:
entries are hashed with the code, and reports group by type.
"""

from __future__ import annotations

import re
from typing import Any

from audit.services import audit_record
from django.db import transaction
from django.utils.translation import gettext as _

from tenants.ledger.exceptions import AccountInvalid
from tenants.ledger.lock_objects import balance_lock
from tenants.models import Account, AccountBalance, AccountType, NormalSide, Posting

CODE_RE = re.compile(r"^[0-9][0-9.\-]{0,19}$")
NORMAL_SIDE = {
    AccountType.ASSET: NormalSide.DEBIT,
    AccountType.EXPENSE: NormalSide.DEBIT,
    AccountType.LIABILITY: NormalSide.CREDIT,
    AccountType.EQUITY: NormalSide.CREDIT,
    AccountType.INCOME: NormalSide.CREDIT,
}


def _clean_name(name: str, *, required: bool) -> str:
    name = (name or "").strip()
    if (required and not name) or len(name) > 200:
        raise AccountInvalid(
            _("Enter the account's name (at most 200 characters)."), code="account_name"
        )
    return name


def account_create(
    *,
    actor: Any,
    code: str,
    name: str,
    type: str,
    name_en: str = "",
    parent: Account | None = None,
    is_group: bool = False,
    normal_side: str | None = None,
) -> Account:
    """Add an account (and its balance row). ``normal_side`` defaults from the type; give
    the other side for a contra account (e.g. accumulated depreciation, credit)."""
    code = (code or "").strip()
    if not CODE_RE.match(code):
        raise AccountInvalid(
            _("An account code starts with a digit and has at most 20 digits, dots or dashes."),
            code="account_code",
        )
    name = _clean_name(name, required=True)
    name_en = _clean_name(name_en, required=False)
    if type not in AccountType.values:
        raise AccountInvalid(_("Choose the account type."), code="account_type")
    side = normal_side or NORMAL_SIDE[AccountType(type)]
    if side not in NormalSide.values:
        raise AccountInvalid(_("Choose the normal side: debit or credit."), code="account_side")
    with transaction.atomic():
        if parent is not None:
            parent = Account.objects.select_for_update().get(pk=parent.pk)
            if not parent.is_group:
                raise AccountInvalid(
                    _("Account %(code)s is not a group; it cannot have sub-accounts.")
                    % {"code": parent.code},
                    code="account_parent",
                )
            if parent.type != type:
                raise AccountInvalid(
                    _("A sub-account has the same type as its group."), code="account_parent"
                )
        if Account.objects.filter(code=code).exists():
            raise AccountInvalid(
                _("An account with code %(code)s already exists.") % {"code": code},
                code="account_code_taken",
            )
        account = Account.objects.create(
            code=code,
            name=name,
            name_en=name_en,
            type=type,
            normal_side=side,
            parent=parent,
            is_group=is_group,
        )
        if not is_group:
            AccountBalance.objects.create(account=account)
        audit_record(actor=actor, action="ledger.account.create", obj=account, summary=str(account))
    return account


def account_rename(
    *, actor: Any, account: Account, name: str, name_en: str | None = None
) -> Account:
    """Change the names shown; the code, type and postings stay."""
    name = _clean_name(name, required=True)
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        before = {"name": locked.name, "name_en": locked.name_en}
        locked.name = name
        if name_en is not None:
            locked.name_en = _clean_name(name_en, required=False)
        locked.save(update_fields=["name", "name_en"])
        audit_record(
            actor=actor,
            action="ledger.account.rename",
            obj=locked,
            summary=str(locked),
            data={"before": before, "after": {"name": locked.name, "name_en": locked.name_en}},
        )
    return locked


def _set_active(*, actor: Any, account: Account, active: bool) -> Account:
    with transaction.atomic():
        # The balance row first, as a posting does: a posting in flight finishes before
        # the account turns inactive, and one that comes after sees it inactive.
        if not account.is_group:
            balance_lock(account.pk)
        locked = Account.objects.select_for_update().get(pk=account.pk)
        if locked.is_active != active:
            locked.is_active = active
            locked.save(update_fields=["is_active"])
            audit_record(
                actor=actor,
                # One action for both directions (audit_labels: "activated or deactivated").
                action="ledger.account.activate",
                obj=locked,
                summary=f"{locked} ({'active' if active else 'inactive'})",
                data={"is_active": active},
            )
    return locked


def account_deactivate(*, actor: Any, account: Account) -> Account:
    """No new postings to it; its history and balance stay in every report."""
    return _set_active(actor=actor, account=account, active=False)


def account_reactivate(*, actor: Any, account: Account) -> Account:
    return _set_active(actor=actor, account=account, active=True)


def account_delete(*, actor: Any, account: Account) -> None:
    """Only an account nobody ever posted to, without sub-accounts; otherwise deactivate."""
    with transaction.atomic():
        if not account.is_group:
            balance_lock(account.pk)
        locked = Account.objects.select_for_update().get(pk=account.pk)
        if Posting.objects.filter(account=locked).exists():
            raise AccountInvalid(
                _("Account %(code)s has postings and cannot be deleted; deactivate it instead.")
                % {"code": locked.code},
                code="account_has_postings",
            )
        if Account.objects.filter(parent=locked).exists():
            raise AccountInvalid(
                _("Account %(code)s has sub-accounts and cannot be deleted.")
                % {"code": locked.code},
                code="account_has_children",
            )
        audit_record(
            actor=actor,
            action="ledger.account.delete",
            obj=locked,
            summary=str(locked),
            data={"code": locked.code, "name": locked.name, "type": locked.type},
        )
        AccountBalance.objects.filter(account=locked).delete()
        locked.delete()
