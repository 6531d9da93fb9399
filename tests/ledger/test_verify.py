"""Tamper evidence: whoever changes the books behind the ledger's back (raw SQL with the
immutability triggers switched off, as an attacker with database access would) is found
by ledger_verify, which names the first bad entry and its day."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tenants.ledger.chain import ENTRY_FIELDS, chain_publish_day, chain_seal_pending, entry_rows
from tenants.ledger.hashing import GENESIS_HASH, chain_next, entry_hash
from tenants.ledger.periods import business_today
from tenants.ledger.verify import ledger_verify
from tenants.models import JournalEntry
from tests.ledger.conftest import wib


@pytest.fixture
def published(books, post, seal_at):
    """Entries sealed on two past days (both published) and today (not yet published)."""
    today = business_today()
    days = [today - timedelta(days=2), today - timedelta(days=1)]
    entries = {}
    for day in days:
        seal_at(wib(day))
        entries[day] = [post(str(1000 * (i + 1))) for i in range(4)]
        chain_seal_pending()
    chain_publish_day(cooperative=books, day=days[-1])
    seal_at(wib(today, 0, 1))
    entries[today] = [post("7")]
    chain_seal_pending()
    for rows in entries.values():
        for entry in rows:
            entry.refresh_from_db()
    return entries


def sql(statement: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cur:
        if statement.startswith("ALTER TABLE"):
            # The test's transaction still has deferred checks queued; ALTER needs none.
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute(statement, params or [])


def test_an_untouched_ledger_verifies(books, published):
    report = ledger_verify(books)
    assert report.ok, report.lines()
    assert report.entries_checked == 9
    assert (report.days_checked, report.days_unpublished) == (2, 1)
    out = StringIO()
    call_command("ledger_verify", books.slug, stdout=out)
    assert "OK" in out.getvalue()


def test_a_changed_amount_names_the_entry_and_its_day(books, published):
    # given: an attacker adds Rp 1.000.000 to one posting of the first day
    day = min(published)
    victim = published[day][2]
    sql("ALTER TABLE ledger_posting DISABLE TRIGGER ledger_posting_guard")
    sql(
        "UPDATE ledger_posting SET debit = debit + 1000000 WHERE entry_id = %s AND debit > 0",
        [victim.pk],
    )
    sql("ALTER TABLE ledger_posting ENABLE TRIGGER ledger_posting_guard")
    # when
    report = ledger_verify(books)
    # then
    assert not report.ok
    first = report.first_bad_entry
    assert first is not None
    assert (first.entry_id, first.seq, first.day) == (victim.pk, victim.seq, day)
    checks = {(p.check, p.entry_id, p.day) for p in report.problems}
    assert ("entry_hash", victim.pk, day) in checks
    assert ("merkle_root", None, day) in checks
    assert {p.entry_id for p in report.problems if p.entry_id} == {victim.pk}
    assert any(p.check == "balance" for p in report.problems)
    # and the command says so and fails
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("ledger_verify", books.slug, stdout=out)
    assert f"first bad entry: id {victim.pk}, seq {victim.seq}, day {day}" in out.getvalue()


def test_a_rewrite_that_recomputes_every_hash_is_caught_by_the_published_root(books, published):
    # given: the attacker changes an amount and rewrites entry and chain hashes after it
    day = max(d for d in published if d < business_today())
    victim = published[day][1]
    sql("ALTER TABLE ledger_posting DISABLE TRIGGER ledger_posting_guard")
    sql("ALTER TABLE ledger_journalentry DISABLE TRIGGER ledger_entry_guard")
    sql(
        "UPDATE ledger_posting SET credit = 1, debit = 0 WHERE entry_id = %s AND credit > 0",
        [victim.pk],
    )
    sql("UPDATE ledger_posting SET debit = 1 WHERE entry_id = %s AND debit > 0", [victim.pk])
    previous = GENESIS_HASH
    for e in JournalEntry.objects.order_by("seq").values(*ENTRY_FIELDS, "seq", "sealed_at"):
        row = entry_rows([e["id"]], [e])[0]
        digest = entry_hash(row, seq=e["seq"], sealed_at=e["sealed_at"])
        previous = chain_next(previous, digest)
        sql(
            "UPDATE ledger_journalentry SET entry_hash = %s, chain_hash = %s WHERE id = %s",
            [digest, previous, e["id"]],
        )
    sql("ALTER TABLE ledger_journalentry ENABLE TRIGGER ledger_entry_guard")
    sql("ALTER TABLE ledger_posting ENABLE TRIGGER ledger_posting_guard")
    # when
    report = ledger_verify(books)
    # then: the chain is self-consistent, but the day no longer matches what was published
    assert not report.ok
    assert not [p for p in report.problems if p.check in {"entry_hash", "chain_hash"}]
    assert report.first_bad_day == day
    assert [p.check for p in report.problems if p.day == day] == ["merkle_root"]


def test_a_deleted_entry_leaves_a_gap(books, published):
    day = min(published)
    victim = published[day][0]
    sql("ALTER TABLE ledger_posting DISABLE TRIGGER ledger_posting_guard")
    sql("ALTER TABLE ledger_journalentry DISABLE TRIGGER ledger_entry_guard")
    sql("DELETE FROM ledger_posting WHERE entry_id = %s", [victim.pk])
    sql("DELETE FROM ledger_journalentry WHERE id = %s", [victim.pk])
    sql("ALTER TABLE ledger_journalentry ENABLE TRIGGER ledger_entry_guard")
    sql("ALTER TABLE ledger_posting ENABLE TRIGGER ledger_posting_guard")
    report = ledger_verify(books)
    assert not report.ok
    gap = next(p for p in report.problems if p.check == "seq_gap")
    assert gap.seq == victim.seq + 1
    assert any(p.check == "merkle_root" and p.day == day for p in report.problems)


def test_an_unknown_cooperative_fails_the_command(db):
    with pytest.raises(CommandError):
        call_command("ledger_verify", "no-such-cooperative", stdout=StringIO())


def test_the_walk_continues_across_batches_and_finds_a_lineless_entry(
    books, published, monkeypatch
):
    # given: verification reads two entries per round trip, and an entry of the second
    # day lost all its lines (behind the triggers' back)
    monkeypatch.setattr("tenants.ledger.verify.BATCH", 2)
    day = max(d for d in published if d < business_today())
    victim = published[day][3]
    sql("ALTER TABLE ledger_posting DISABLE TRIGGER ledger_posting_guard")
    sql("DELETE FROM ledger_posting WHERE entry_id = %s", [victim.pk])
    sql("ALTER TABLE ledger_posting ENABLE TRIGGER ledger_posting_guard")
    # when
    report = ledger_verify(books)
    # then: every entry is checked once, in seq order, and the victim is named
    assert report.entries_checked == 9
    assert (report.days_checked, report.days_unpublished) == (2, 1)
    unbalanced = [p for p in report.problems if p.check == "unbalanced"]
    assert [(p.entry_id, p.seq, p.day) for p in unbalanced] == [(victim.pk, victim.seq, day)]
    assert "0 lines, debit 0, credit 0" in unbalanced[0].message
    assert {p.check for p in report.problems if p.entry_id == victim.pk} == {
        "unbalanced",
        "entry_hash",
    }
    assert ("merkle_root", day) in {(p.check, p.day) for p in report.problems}
    assert not [p for p in report.problems if p.check in {"seq_gap", "chain_hash"}]
