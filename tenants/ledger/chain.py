"""Sealing committed entries into the cooperative's hash chain, and daily Merkle roots.

Posting transactions never touch the chain head. After each commit (and from a periodic
task) ``chain_seal_pending`` takes a per-cooperative advisory lock and seals the entries
that are committed but not yet sealed, in id order: seq = last + 1, entry_hash over the
entry's rows, chain_hash = sha256(previous chain_hash + entry_hash). The chain's order is
therefore the order in which entries became visible, i.e. commit order, and concurrent
postings never queue on one row (docs/decisions/0004).

``chain_publish_day`` computes the Merkle root of a finished day's sealed entries (by
sealing time in Asia/Jakarta) and publishes it, chained to the day before, through the
notary in the public schema, out of the cooperative's reach.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context
from notary.models import PublishedRoot
from notary.selectors import root_last, root_on
from notary.services import root_publish
from registry.models import Cooperative

from tenants.ledger.exceptions import ChainError
from tenants.ledger.hashing import (
    GENESIS_HASH,
    EntryRow,
    PostingRow,
    ProofStep,
    chain_next,
    entry_hash,
    merkle_path,
    merkle_root,
)
from tenants.ledger.periods import business_day_of, business_today, day_bounds
from tenants.ledger.tenancy import current_schema, require_cooperative
from tenants.models import Account, JournalEntry, Posting

SEAL_BATCH = 500
ENTRY_FIELDS = (
    "id",
    "entry_date",
    "description",
    "kind",
    "idempotency_key",
    "created_by_id",
    "created_at",
    "reversal_of_id",
)


def chain_lock(*, wait: bool = True) -> bool:
    """The cooperative's chain lock, held to the end of the transaction. Advisory locks are
    database-wide, so the key carries the schema name. With ``wait=False`` returns False
    at once when someone else holds it."""
    function = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT {function}(hashtextextended(%s, 0))", [f"ledger.chain:{current_schema()}"]
        )
        got = cur.fetchone()[0]
    return wait or bool(got)


def _pending_exists() -> bool:
    return JournalEntry.objects.filter(seq__isnull=True).exists()


def entry_postings(entry_ids: Iterable[int]) -> dict[int, list[PostingRow]]:
    """The lines of the given entries as hashed (PostingRow), in line order, by entry id.
    An entry without lines is missing from the answer."""
    postings: dict[int, list[PostingRow]] = defaultdict(list)
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT p.entry_id, p.line_no, a.code, p.debit, p.credit, p.member_ref "
            f"FROM {Posting._meta.db_table} p JOIN {Account._meta.db_table} a "
            "ON a.id = p.account_id WHERE p.entry_id = ANY(%s) ORDER BY p.entry_id, p.line_no",
            [list(entry_ids)],
        )
        for entry_id, line_no, code, debit, credit, member_ref in cur.fetchall():
            postings[entry_id].append(PostingRow(line_no, code, debit, credit, member_ref))
    return postings


def entry_rows(entry_ids: Iterable[int], entries: Iterable[dict[str, Any]]) -> list[EntryRow]:
    """EntryRow (the hashed content) for entries given as dicts of ENTRY_FIELDS."""
    postings = entry_postings(entry_ids)
    return [
        EntryRow(
            id=e["id"],
            entry_date=e["entry_date"],
            description=e["description"],
            kind=e["kind"],
            idempotency_key=e["idempotency_key"],
            created_by_id=e["created_by_id"],
            created_at=e["created_at"],
            reversal_of_id=e["reversal_of_id"],
            postings=tuple(postings.get(e["id"], ())),
        )
        for e in entries
    ]


def seal_clock() -> datetime:
    """The sealing time: the database's clock, read after taking the chain lock, so one
    clock orders every sealer whichever server it runs on."""
    with connection.cursor() as cur:
        cur.execute("SELECT clock_timestamp()")
        now: datetime = cur.fetchone()[0]
    return now


def chain_seal_pending(*, batch_size: int = SEAL_BATCH, wait: bool = True) -> int:
    """Seal every committed, unsealed entry of the current cooperative; return how many.

    Deliberately one short transaction per batch, each under the chain lock: sealers run
    one at a time, postings never wait for them. Safe to run any number of times, from
    anywhere (after a commit, a periodic task, before publishing a day).

    ``wait=False`` (after each commit) gives up at once when another sealer holds the
    lock instead of queueing behind it. Nothing is left behind: every holder of the lock
    looks for unsealed entries again after releasing it, and an entry committed before
    our attempt is visible to that look.
    """
    require_cooperative()
    sealed = 0
    while True:
        with transaction.atomic():
            if not chain_lock(wait=wait):
                return sealed
            count = _seal_batch(batch_size)
        sealed += count
        if count < batch_size and not _pending_exists():
            return sealed


def _seal_batch(batch_size: int) -> int:
    table = JournalEntry._meta.db_table
    with connection.cursor() as cur:
        # Raw SQL: this runs after every commit, so it is kept to a few cheap statements.
        cur.execute(
            f"SELECT {', '.join(ENTRY_FIELDS)} FROM {table} WHERE seq IS NULL ORDER BY id LIMIT %s",
            [batch_size],
        )
        pending = [dict(zip(ENTRY_FIELDS, row, strict=True)) for row in cur.fetchall()]
        if not pending:
            return 0
        cur.execute(
            f"SELECT seq, chain_hash, sealed_at FROM {table} "
            "WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1"
        )
        head = cur.fetchone()
    now = seal_clock()
    last_seq, previous, last_sealed_at = head if head else (0, GENESIS_HASH, None)
    # Sealing times never go backwards along the chain, so each day is one seq range.
    sealed_at = max(now, last_sealed_at) if last_sealed_at else now
    ids: list[int] = []
    seqs: list[int] = []
    digests: list[str] = []
    chained: list[str] = []
    for offset, row in enumerate(entry_rows([e["id"] for e in pending], pending), start=1):
        seq = last_seq + offset
        digest = entry_hash(row, seq=seq, sealed_at=sealed_at)
        previous = chain_next(previous, digest)
        ids.append(row.id)
        seqs.append(seq)
        digests.append(digest)
        chained.append(previous)
    with connection.cursor() as cur:
        # The batch as four arrays (one sealing time): cheaper to send and to parse than
        # a VALUES row per entry.
        cur.execute(
            f"UPDATE {table} AS e SET seq = v.seq, entry_hash = v.entry_hash, "
            "chain_hash = v.chain_hash, sealed_at = %s::timestamptz "
            "FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[]) "
            "AS v(id, seq, entry_hash, chain_hash) "
            "WHERE e.id = v.id AND e.seq IS NULL",
            [sealed_at, ids, seqs, digests, chained],
        )
        if cur.rowcount != len(pending):
            raise ChainError(_("The chain changed while sealing; try again."))
    return len(pending)


def entry_day(entry: JournalEntry) -> date:
    """The day whose Merkle root covers the entry: its sealing day in Asia/Jakarta."""
    if entry.sealed_at is None:
        raise ChainError(_("The entry is not sealed yet."), code="not_sealed")
    return business_day_of(entry.sealed_at)


def day_leaves(day: date) -> list[tuple[int, str]]:
    """(seq, entry_hash) of the entries sealed on ``day``, in seq order."""
    start, end = day_bounds(day)
    return [
        (seq or 0, digest or "")
        for seq, digest in JournalEntry.objects.filter(sealed_at__gte=start, sealed_at__lt=end)
        .order_by("seq")
        .values_list("seq", "entry_hash")
    ]


def merkle_proof(entry: JournalEntry) -> list[ProofStep]:
    """The sibling path from the entry's hash to its day's Merkle root (see
    hashing.proof_verify; the root is the notary's PublishedRoot.merkle_root)."""
    require_cooperative()
    day = entry_day(entry)
    leaves = day_leaves(day)
    index = next((i for i, (seq, _h) in enumerate(leaves) if seq == entry.seq), None)
    if index is None:
        raise ChainError(_("The entry is not sealed yet."), code="not_sealed")
    return merkle_path([digest for _seq, digest in leaves], index)


def chain_publish_day(*, cooperative: Cooperative, day: date) -> PublishedRoot:
    """Publish the Merkle root of ``day`` (which must be over) for the cooperative.

    Days are published in order without gaps: days since the last published one (or since
    the first sealed entry) are published first, empty days with the empty root. Holds the
    chain lock, so no entry can be sealed while the day's leaves are read; entries sealed
    afterwards carry a later sealing time and belong to a later day. Idempotent: a day
    already published returns its row.
    """
    if day >= business_today():
        raise ChainError(
            _("The day %(day)s is not over yet.") % {"day": day.isoformat()}, code="day_not_over"
        )
    with tenant_context(cooperative):
        with transaction.atomic():
            chain_lock()
            published = _publish_through(cooperative, day)
        # A sealer that found the lock taken left its entries to the holder: us.
        chain_seal_pending()
    return published


def _publish_through(cooperative: Cooperative, day: date) -> PublishedRoot:
    last = root_last(cooperative)
    if last is not None and day <= last.day:
        published = root_on(cooperative, day)
        if published is None:
            raise ChainError(
                _("Nothing is published for %(day)s: it is before the first published day.")
                % {"day": day.isoformat()},
                code="day_before_chain",
            )
        return published
    if last is not None:
        start = last.day + timedelta(days=1)
    else:
        first = (
            JournalEntry.objects.filter(seq__isnull=False)
            .order_by("seq")
            .values_list("sealed_at", flat=True)
            .first()
        )
        start = min(day, business_day_of(first)) if first is not None else day
    leaves: dict[date, list[str]] = defaultdict(list)
    for sealed_at, digest in (
        JournalEntry.objects.filter(
            sealed_at__gte=day_bounds(start)[0], sealed_at__lt=day_bounds(day)[1]
        )
        .order_by("seq")
        .values_list("sealed_at", "entry_hash")
    ):
        if sealed_at is not None:
            leaves[business_day_of(sealed_at)].append(digest or "")
    current = start
    while True:
        published = root_publish(
            cooperative=cooperative,
            day=current,
            entries_count=len(leaves[current]),
            merkle_root=merkle_root(leaves[current]),
        )
        if current == day:
            return published
        current += timedelta(days=1)
