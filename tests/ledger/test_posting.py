"""journal_post / journal_reverse: balanced entries only, once per key, nothing written on
a refusal, and entries that cannot be changed afterwards."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from audit.models import AuditEntry
from django.db import DatabaseError, connection, transaction

from tenants.ledger.chain import chain_seal_pending
from tenants.ledger.exceptions import (
    AccountInvalid,
    EntryInvalid,
    IdempotencyConflict,
    LedgerError,
)
from tenants.ledger.periods import business_today
from tenants.ledger.posting import Line, journal_post, journal_reverse, ledger_check_balances
from tenants.models import Account, AccountBalance, JournalEntry, Posting
from tests.factories import user_make
from tests.ledger.conftest import BANK, KAS, SUKARELA, D, key


def balance(code: str) -> tuple[Decimal, Decimal]:
    row = AccountBalance.objects.get(account__code=code)
    return row.debit_total, row.credit_total


def snapshot() -> tuple[Any, ...]:
    return (
        JournalEntry.objects.count(),
        Posting.objects.count(),
        AuditEntry.objects.count(),
        sorted(AccountBalance.objects.values_list("account_id", "debit_total", "credit_total")),
    )


def test_a_balanced_entry_is_written_with_postings_balances_and_audit(books, post):
    # given
    teller = user_make("ledger-teller")
    # when
    entry = post("250000.50", actor=teller, description="Setoran sukarela Bu Siti")
    # then
    lines = list(entry.postings.order_by("line_no").values_list("account__code", "debit", "credit"))
    assert lines == [(KAS, D("250000.50"), D(0)), (SUKARELA, D(0), D("250000.50"))]
    assert entry.created_by_id == teller.pk
    assert entry.entry_date == business_today()
    assert not entry.is_sealed
    assert balance(KAS) == (D("250000.50"), D(0))
    assert balance(SUKARELA) == (D(0), D("250000.50"))
    audit = AuditEntry.objects.get(action="ledger.entry.post", object_id=str(entry.pk))
    assert audit.actor_id == teller.pk
    assert audit.data["total"] == "250000.50"
    assert ledger_check_balances() == []


def test_line_objects_and_several_lines_on_one_account(books):
    entry = journal_post(
        actor=None,
        entry_date=business_today(),
        description="Setoran dua anggota",
        lines=[
            Line(KAS, debit=D(300)),
            Line(SUKARELA, credit=D(100), member_ref="A-001"),
            Line(SUKARELA, credit=D(200), member_ref="A-002"),
        ],
        idempotency_key=key(),
    )
    assert entry.postings.count() == 3
    assert balance(SUKARELA) == (D(0), D(300))
    assert ledger_check_balances() == []


def test_the_same_key_returns_the_first_entry(books, post):
    # given
    first = post("1000", idempotency_key="setoran-42")
    before = snapshot()
    # when
    again = post("1000", idempotency_key="setoran-42")
    # then
    assert again.pk == first.pk
    assert snapshot() == before


def test_the_same_key_with_different_content_is_refused(books, post):
    post("1000", idempotency_key="setoran-43")
    before = snapshot()
    with pytest.raises(IdempotencyConflict):
        post("1001", idempotency_key="setoran-43")
    with pytest.raises(IdempotencyConflict):
        post("1000", idempotency_key="setoran-43", description="Lain")
    assert snapshot() == before


BAD_LINES = {
    "unbalanced": ([(KAS, D(100), D(0), ""), (SUKARELA, D(0), D(99), "")], "unbalanced"),
    "one line": ([(KAS, D(100), D(0), "")], "too_few_lines"),
    "no lines": ([], "too_few_lines"),
    "zero amount": ([(KAS, D(0), D(0), ""), (SUKARELA, D(0), D(0), "")], "line_one_side"),
    "negative": ([(KAS, D(-100), D(0), ""), (SUKARELA, D(-100), D(0), "")], "amount_negative"),
    "negative credit": (
        [(KAS, D(0), D(-5), ""), (SUKARELA, D(0), D(5), "")],
        "amount_negative",
    ),
    "both sides": ([(KAS, D(100), D(100), ""), (SUKARELA, D(0), D(0), "")], "line_one_side"),
    "float": ([(KAS, 100.0, D(0), ""), (SUKARELA, D(0), D(100), "")], "amount_type"),
    "int": ([(KAS, 100, D(0), ""), (SUKARELA, D(0), D(100), "")], "amount_type"),
    "string": ([(KAS, "100", D(0), ""), (SUKARELA, D(0), D(100), "")], "amount_type"),
    "nan": ([(KAS, Decimal("NaN"), D(0), ""), (SUKARELA, D(0), D(1), "")], "amount_invalid"),
    "three decimals": (
        [(KAS, D("1.005"), D(0), ""), (SUKARELA, D(0), D("1.005"), "")],
        "amount_precision",
    ),
    "too large": (
        [(KAS, D("1e16"), D(0), ""), (SUKARELA, D(0), D("1e16"), "")],
        "amount_too_large",
    ),
    "unknown account": ([(KAS, D(5), D(0), ""), ("9999", D(0), D(5), "")], "account_unknown"),
    "group account": ([(KAS, D(5), D(0), ""), ("21", D(0), D(5), "")], "account_group"),
    "bad shape": ([(KAS, D(5)), (SUKARELA, D(0), D(5))], "line_shape"),
    "member ref too long": (
        [(KAS, D(5), D(0), ""), (SUKARELA, D(0), D(5), "x" * 65)],
        "line_member_ref",
    ),
}


def _post_kwargs(**overrides: Any) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "actor": None,
        "entry_date": business_today(),
        "description": "Setoran",
        "lines": [(KAS, D(1), D(0), ""), (SUKARELA, D(0), D(1), "")],
        "idempotency_key": key(),
        "kind": "manual",
    }
    return kwargs | overrides


@pytest.mark.parametrize("lines,code", BAD_LINES.values(), ids=BAD_LINES.keys())
def test_bad_lines_are_refused_and_nothing_is_written(books, lines, code):
    before = snapshot()
    with pytest.raises(LedgerError) as refused:
        journal_post(**_post_kwargs(lines=lines))
    assert refused.value.code == code
    assert refused.value.messages[0]
    assert snapshot() == before


def test_an_inactive_account_is_refused(books, post):
    Account.objects.filter(code=BANK).update(is_active=False)
    before = snapshot()
    with pytest.raises(AccountInvalid) as refused:
        post(lines=[(BANK, D(5), D(0), ""), (SUKARELA, D(0), D(5), "")])
    assert refused.value.code == "account_inactive"
    assert "1102" in refused.value.messages[0]
    assert snapshot() == before


@pytest.mark.parametrize(
    "field,value,code",
    [
        ("description", "   ", "description_invalid"),
        ("description", "x" * 501, "description_invalid"),
        ("idempotency_key", "", "key_invalid"),
        ("idempotency_key", "k" * 101, "key_invalid"),
        ("kind", "", "kind_invalid"),
        ("kind", "reversal", "kind_invalid"),  # only journal_reverse makes reversals
        ("entry_date", "2026-01-01", "date_invalid"),
    ],
)
def test_bad_entry_fields_are_refused(books, field, value, code):
    before = snapshot()
    with pytest.raises(EntryInvalid) as refused:
        journal_post(**_post_kwargs(**{field: value}))
    assert refused.value.code == code
    assert snapshot() == before


def test_a_future_date_is_refused(books, post):
    from datetime import timedelta

    before = snapshot()
    with pytest.raises(EntryInvalid) as refused:
        post(entry_date=business_today() + timedelta(days=1))
    assert refused.value.code == "date_future"
    assert snapshot() == before


def test_the_public_schema_has_no_ledger(db, post):
    with pytest.raises(LedgerError) as refused:
        post()
    assert refused.value.code == "no_cooperative"


def test_a_reversal_mirrors_the_entry_and_brings_balances_back(books, post):
    # given
    entry = post("75000")
    # when
    reversal = journal_reverse(actor=None, entry=entry)
    # then
    assert reversal.reversal_of_id == entry.pk
    assert reversal.kind == "reversal"
    mirrored = list(
        reversal.postings.order_by("line_no").values_list("account__code", "debit", "credit")
    )
    assert mirrored == [(KAS, D(0), D(75000)), (SUKARELA, D(75000), D(0))]
    assert balance(KAS) == (D(75000), D(75000))
    assert AuditEntry.objects.filter(action="ledger.entry.reverse").count() == 1
    # and reversing again with the default key returns the same reversal
    assert journal_reverse(actor=None, entry=entry).pk == reversal.pk
    assert ledger_check_balances() == []


def test_an_entry_is_reversed_once_and_a_reversal_is_not_reversed(books, post):
    entry = post("10")
    reversal = journal_reverse(actor=None, entry=entry)
    with pytest.raises(LedgerError) as twice:
        journal_reverse(actor=None, entry=entry, idempotency_key="another-key")
    assert twice.value.code == "already_reversed"
    with pytest.raises(LedgerError) as of_reversal:
        journal_reverse(actor=None, entry=reversal)
    assert of_reversal.value.code == "reverse_reversal"


def _raw(sql: str, params: list[Any] | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, params or [])


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_journalentry SET description = 'diubah' WHERE id = %s",
        "UPDATE ledger_journalentry SET entry_date = entry_date - 1 WHERE id = %s",
        "DELETE FROM ledger_journalentry WHERE id = %s",
        "UPDATE ledger_posting SET debit = debit + 1 WHERE entry_id = %s AND debit > 0",
        "UPDATE ledger_posting SET member_ref = 'B-9' WHERE entry_id = %s",
        "DELETE FROM ledger_posting WHERE entry_id = %s",
    ],
)
def test_entries_and_postings_cannot_be_updated_or_deleted(books, post, sql):
    entry = post("500")
    with pytest.raises(DatabaseError, match="immutable"):
        _raw(sql, [entry.pk])
    # sealed or not
    chain_seal_pending()
    with pytest.raises(DatabaseError, match="immutable"):
        _raw(sql, [entry.pk])


def test_the_seal_is_set_once(books, post):
    entry = post("500")
    chain_seal_pending()
    with pytest.raises(DatabaseError, match="immutable"):
        _raw(
            "UPDATE ledger_journalentry SET entry_hash = repeat('a', 64) WHERE id = %s", [entry.pk]
        )
    with pytest.raises(DatabaseError, match="immutable"):
        _raw(
            "UPDATE ledger_journalentry SET seq = NULL, entry_hash = NULL, chain_hash = NULL, "
            "sealed_at = NULL WHERE id = %s",
            [entry.pk],
        )


def test_lines_cannot_be_added_to_a_sealed_entry(books, post):
    entry = post("500")
    chain_seal_pending()
    kas = Account.objects.get(code=KAS)
    sukarela = Account.objects.get(code=SUKARELA)
    with pytest.raises(DatabaseError, match="sealed"), transaction.atomic():
        Posting.objects.bulk_create(
            [
                Posting(entry=entry, line_no=3, account=kas, debit=D(1)),
                Posting(entry=entry, line_no=4, account=sukarela, credit=D(1)),
            ]
        )


def test_the_database_refuses_an_unbalanced_or_lineless_entry(books, post):
    from django.utils import timezone

    kas = Account.objects.get(code=KAS)
    sukarela = Account.objects.get(code=SUKARELA)

    def entry_row(k: str) -> JournalEntry:
        return JournalEntry.objects.create(
            entry_date=business_today(),
            description="lewat ORM",
            idempotency_key=k,
            request_digest="0" * 64,
            created_at=timezone.now(),
        )

    # unbalanced lines in one statement: refused at once
    with pytest.raises(DatabaseError, match="balance"), transaction.atomic():
        entry = entry_row("raw-1")
        Posting.objects.bulk_create(
            [
                Posting(entry=entry, line_no=1, account=kas, debit=D(2)),
                Posting(entry=entry, line_no=2, account=sukarela, credit=D(1)),
            ]
        )
    # an entry without lines: refused at commit (forced here with SET CONSTRAINTS)
    with pytest.raises(DatabaseError, match="balance"), transaction.atomic():
        entry_row("raw-2")
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
