"""The chart of accounts: the default chart comes with every cooperative; it can be edited,
but an account with postings is never deleted."""

from __future__ import annotations

import pytest
from audit.models import AuditEntry
from django.db import DatabaseError, transaction

from tenants.ledger.accounts import (
    account_create,
    account_deactivate,
    account_delete,
    account_reactivate,
    account_rename,
)
from tenants.ledger.exceptions import AccountInvalid
from tenants.models import Account, AccountBalance, AccountType, NormalSide
from tests.ledger.conftest import KAS, SUKARELA, D

NAMES = {
    "1101": "Kas",
    "1102": "Bank",
    "1103": "Piutang Pinjaman Anggota",
    "2101": "Simpanan Sukarela",
    "2102": "Simpanan Berjangka",
    "3101": "Simpanan Pokok",
    "3102": "Simpanan Wajib",
    "3103": "Cadangan",
    "3105": "SHU Tahun Berjalan",
    "4101": "Pendapatan Jasa Pinjaman",
    "4102": "Pendapatan Administrasi",
    "5101": "Beban Jasa Simpanan",
    "5202": "Beban Operasional",
}


def test_every_cooperative_starts_with_the_default_chart(books, beta):
    for schema_owner in (books, beta):
        from django_tenants.utils import tenant_context

        with tenant_context(schema_owner):
            chart = dict(Account.objects.values_list("code", "name"))
            assert {code: chart.get(code) for code in NAMES} == NAMES
            leaves = Account.objects.filter(is_group=False)
            assert AccountBalance.objects.count() == leaves.count()
            assert not Account.objects.filter(is_group=False, parent__isnull=True).exists()
    kas = Account.objects.get(code=KAS)
    assert (kas.type, kas.normal_side, kas.parent.code) == ("asset", "debit", "11")
    allowance = Account.objects.get(code="1105")
    assert (allowance.type, allowance.normal_side) == ("asset", "credit")  # contra account


def test_add_rename_deactivate_and_reactivate_an_account(books, post):
    # given
    group = Account.objects.get(code="11")
    # when
    account = account_create(
        actor=None,
        code="1190",
        name="Kas Kecil",
        name_en="Petty cash",
        type=AccountType.ASSET,
        parent=group,
    )
    # then
    assert account.normal_side == NormalSide.DEBIT
    assert AccountBalance.objects.filter(account=account).exists()
    post(lines=[("1190", D(5), D(0), ""), (SUKARELA, D(0), D(5), "")])
    account = account_rename(actor=None, account=account, name="Kas Kecil Kantor")
    assert account.name == "Kas Kecil Kantor"
    assert account.name_en == "Petty cash"
    account = account_deactivate(actor=None, account=account)
    assert not account.is_active
    with pytest.raises(AccountInvalid):
        post(lines=[("1190", D(5), D(0), ""), (SUKARELA, D(0), D(5), "")])
    account_reactivate(actor=None, account=account)
    post(lines=[("1190", D(5), D(0), ""), (SUKARELA, D(0), D(5), "")])
    # every change is in the audit log
    actions = list(
        AuditEntry.objects.filter(object_id=str(account.pk), action__startswith="ledger.account")
        .order_by("id")
        .values_list("action", "data")
    )
    assert [a for a, _d in actions] == [
        "ledger.account.create",
        "ledger.account.rename",
        "ledger.account.activate",
        "ledger.account.activate",
    ]
    assert [d.get("is_active") for a, d in actions[2:]] == [False, True]


@pytest.mark.parametrize(
    "fields,code",
    [
        ({"code": KAS}, "account_code_taken"),
        ({"code": "abc"}, "account_code"),
        ({"code": ""}, "account_code"),
        ({"name": " "}, "account_name"),
        ({"type": "cash"}, "account_type"),
        ({"parent_code": "1101"}, "account_parent"),  # not a group
        ({"parent_code": "21"}, "account_parent"),  # a liability group for an asset
    ],
)
def test_bad_accounts_are_refused(books, fields, code):
    kwargs = {"code": "1199", "name": "Baru", "type": AccountType.ASSET} | fields
    parent_code = kwargs.pop("parent_code", "11")
    with pytest.raises(AccountInvalid) as refused:
        account_create(actor=None, parent=Account.objects.get(code=parent_code), **kwargs)
    assert refused.value.code == code


def test_an_account_with_postings_is_never_deleted(books, post):
    post("10")
    kas = Account.objects.get(code=KAS)
    with pytest.raises(AccountInvalid) as refused:
        account_delete(actor=None, account=kas)
    assert refused.value.code == "account_has_postings"
    with pytest.raises(AccountInvalid) as group:
        account_delete(actor=None, account=Account.objects.get(code="11"))
    assert group.value.code == "account_has_children"
    unused = account_create(actor=None, code="1198", name="Tak terpakai", type="asset")
    account_delete(actor=None, account=unused)
    assert not Account.objects.filter(code="1198").exists()


def test_an_account_code_and_type_never_change(books):
    with pytest.raises(DatabaseError, match="never change"), transaction.atomic():
        Account.objects.filter(code=KAS).update(code="1199")
    with pytest.raises(DatabaseError, match="never change"), transaction.atomic():
        Account.objects.filter(code=KAS).update(type="expense")
