"""Sealing into the hash chain, daily Merkle roots published outside the cooperative's
schema, and proofs a member can check."""

from __future__ import annotations

import hashlib
import itertools
from datetime import timedelta

import pytest
from notary.models import PublishedRoot
from notary.services import GENESIS_ROOT, root_chain

from tenants.ledger.chain import (
    ENTRY_FIELDS,
    chain_publish_day,
    chain_seal_pending,
    entry_day,
    entry_rows,
    merkle_proof,
)
from tenants.ledger.exceptions import ChainError
from tenants.ledger.hashing import (
    EMPTY_ROOT,
    GENESIS_HASH,
    MerkleAccumulator,
    chain_next,
    entry_hash,
    merkle_parent,
    merkle_path,
    merkle_root,
    proof_verify,
)
from tenants.ledger.periods import business_today
from tenants.models import JournalEntry
from tenants.tasks import ledger_publish_yesterday
from tests.ledger.conftest import wib


def recomputed(entry: JournalEntry) -> str:
    values = JournalEntry.objects.filter(pk=entry.pk).values(*ENTRY_FIELDS)
    row = entry_rows([entry.pk], values)[0]
    assert entry.seq is not None and entry.sealed_at is not None
    return entry_hash(row, seq=entry.seq, sealed_at=entry.sealed_at)


def test_sealing_numbers_entries_and_links_each_to_the_one_before(books, post):
    # given
    entries = [post(str(100 + i)) for i in range(5)]
    # when
    assert chain_seal_pending() == 5
    # then
    previous = GENESIS_HASH
    for expected_seq, entry in enumerate(entries, start=1):
        entry.refresh_from_db()
        assert entry.seq == expected_seq
        assert entry.entry_hash == recomputed(entry)
        assert entry.chain_hash == chain_next(previous, entry.entry_hash)
        previous = entry.chain_hash
    assert chain_seal_pending() == 0


def test_entries_committed_later_continue_the_chain(books, post):
    post("1")
    chain_seal_pending()
    later = [post("2"), post("3"), post("4")]
    assert chain_seal_pending(batch_size=2) == 3  # two batches
    assert [e.seq for e in JournalEntry.objects.filter(pk__in=[e.pk for e in later])] == [2, 3, 4]


def test_a_day_is_published_with_its_merkle_root_chained_to_the_day_before(
    books, post, seal_at, monkeypatch
):
    # given: entries sealed three days ago and yesterday, none the day between
    today = business_today()
    three_ago, two_ago, yesterday = (today - timedelta(days=n) for n in (3, 2, 1))
    seal_at(wib(three_ago))
    first = [post("10"), post("20"), post("30")]
    chain_seal_pending()
    seal_at(wib(yesterday, 23, 59))
    second = [post(str(i)) for i in range(1, 6)]
    chain_seal_pending()
    # when
    root = chain_publish_day(cooperative=books, day=yesterday)
    # then: every day since the first entry is published, in order, the empty one too
    roots = list(PublishedRoot.objects.filter(cooperative=books).order_by("day"))
    assert [r.day for r in roots] == [three_ago, two_ago, yesterday]
    assert roots[-1].pk == root.pk
    hashes = [JournalEntry.objects.get(pk=e.pk).entry_hash for e in first]
    assert roots[0].entries_count == 3
    assert roots[0].merkle_root == merkle_root(hashes)
    assert roots[0].previous_root == GENESIS_ROOT
    assert (roots[1].entries_count, roots[1].merkle_root) == (0, EMPTY_ROOT)
    assert roots[2].entries_count == len(second)
    for before, after in itertools.pairwise(roots):
        assert after.previous_root == before.chained_root
        assert after.chained_root == root_chain(before.chained_root, after.merkle_root)
    # and publishing again changes nothing
    assert chain_publish_day(cooperative=books, day=yesterday).pk == root.pk
    assert chain_publish_day(cooperative=books, day=three_ago).pk == roots[0].pk
    assert PublishedRoot.objects.filter(cooperative=books).count() == 3


def test_a_day_that_is_not_over_is_not_published(books, post):
    post("1")
    with pytest.raises(ChainError) as refused:
        chain_publish_day(cooperative=books, day=business_today())
    assert refused.value.code == "day_not_over"


def test_a_day_before_the_first_published_day_has_no_root(books, post, seal_at):
    yesterday = business_today() - timedelta(days=1)
    seal_at(wib(yesterday))
    post("1")
    chain_seal_pending()
    chain_publish_day(cooperative=books, day=yesterday)
    with pytest.raises(ChainError) as refused:
        chain_publish_day(cooperative=books, day=yesterday - timedelta(days=5))
    assert refused.value.code == "day_before_chain"


@pytest.mark.parametrize("count", [1, 2, 7, 16])
def test_every_entry_of_a_day_proves_its_place_in_the_published_root(books, post, seal_at, count):
    # given
    yesterday = business_today() - timedelta(days=1)
    seal_at(wib(yesterday))
    entries = [post(str(1000 + i)) for i in range(count)]
    chain_seal_pending()
    root = chain_publish_day(cooperative=books, day=yesterday)
    # when / then
    for entry in entries:
        entry.refresh_from_db()
        assert entry_day(entry) == yesterday
        proof = merkle_proof(entry)
        assert proof_verify(entry.entry_hash or "", proof, root.merkle_root)
        # a proof holds for its own entry only
        assert not proof_verify(recomputed(entry)[::-1], proof, root.merkle_root)
        if proof:
            forged = [(proof[0].position, "f" * 64), *proof[1:]]
            assert not proof_verify(entry.entry_hash or "", forged, root.merkle_root)


def test_an_unsealed_entry_has_no_proof(books, post):
    with pytest.raises(ChainError):
        merkle_proof(post("1"))


@pytest.mark.parametrize("count", range(0, 70))
def test_the_streaming_merkle_root_equals_the_level_by_level_one(count):
    leaves = [f"{i:064x}" for i in range(count)]
    accumulator = MerkleAccumulator()
    for leaf in leaves:
        accumulator.add(leaf)
    assert accumulator.root() == merkle_root(leaves)
    for index in range(count):
        assert proof_verify(leaves[index], merkle_path(leaves, index), merkle_root(leaves))


def test_the_merkle_tree_is_the_documented_one():
    a, b, c = ("a" * 64, "b" * 64, "c" * 64)
    assert merkle_root([]) == EMPTY_ROOT
    assert merkle_root([a]) == a
    assert merkle_root([a, b]) == merkle_parent(a, b)
    # the odd node is promoted unchanged, not duplicated
    assert merkle_root([a, b, c]) == merkle_parent(merkle_parent(a, b), c)
    assert merkle_path([a, b, c], 2) == [("left", merkle_parent(a, b))]


@pytest.mark.parametrize(
    "entry_hash_,proof,root",
    [
        ("x" * 64, [], "x" * 64),
        ("a" * 64, [("up", "b" * 64)], "a" * 64),
        ("a" * 64, [("left",)], "a" * 64),
        ("a" * 64, [("left", "B" * 64)], "a" * 64),
        ("A" * 64, [], "A" * 64),
    ],
)
def test_a_malformed_proof_is_not_valid(entry_hash_, proof, root):
    assert proof_verify(entry_hash_, proof, root) is False


def test_the_daily_task_publishes_yesterday_once(books, post, seal_at):
    yesterday = business_today() - timedelta(days=1)
    seal_at(wib(yesterday, 8))
    post("1")
    post("2")
    chain_seal_pending()
    seal_at(wib(business_today(), 0, 5))
    post("3")  # committed before the task ran but not sealed: goes into today
    first = ledger_publish_yesterday()
    again = ledger_publish_yesterday()
    assert first == again
    root = PublishedRoot.objects.get(cooperative=books, day=yesterday)
    assert (root.entries_count, root.chained_root) == (2, first)
    assert not JournalEntry.objects.filter(seq__isnull=True).exists()


def test_the_daily_task_does_nothing_outside_a_cooperative(db):
    assert ledger_publish_yesterday() == ""


def test_the_canonical_entry_is_pinned():
    """Version 1 of the hashed document, byte for byte: changing it breaks every proof."""
    from datetime import UTC, date, datetime
    from decimal import Decimal

    from tenants.ledger.hashing import EntryRow, PostingRow, canonical_json, entry_document

    row = EntryRow(
        id=42,
        entry_date=date(2026, 11, 20),
        description="Setoran simpanan sukarela Bu Siti",
        kind="manual",
        idempotency_key="setoran-42",
        created_by_id=7,
        created_at=datetime(2026, 11, 20, 3, 4, 5, 123456, tzinfo=UTC),
        reversal_of_id=None,
        postings=(
            PostingRow(2, "2101", Decimal("0"), Decimal("100000"), "A-001"),
            PostingRow(1, "1101", Decimal("100000.00"), Decimal("0.00"), ""),
        ),
    )
    sealed_at = datetime(2026, 11, 20, 10, 4, 5, 654321, tzinfo=UTC)
    document = canonical_json(entry_document(row, seq=17, sealed_at=sealed_at))
    assert document == (
        b'{"created_at":"2026-11-20T03:04:05.123456Z","created_by":7,'
        b'"description":"Setoran simpanan sukarela Bu Siti","entry_date":"2026-11-20",'
        b'"id":42,"idempotency_key":"setoran-42","kind":"manual","postings":['
        b'{"account":"1101","credit":"0.00","debit":"100000.00","line":1,"member_ref":""},'
        b'{"account":"2101","credit":"100000.00","debit":"0.00","line":2,"member_ref":"A-001"}],'
        b'"reversal_of":null,"sealed_at":"2026-11-20T10:04:05.654321Z","seq":17,"v":1}'
    )
    assert entry_hash(row, seq=17, sealed_at=sealed_at) == hashlib.sha256(document).hexdigest()
