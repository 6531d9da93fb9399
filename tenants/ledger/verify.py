"""Recomputing a cooperative's ledger against itself and against its published roots.

``ledger_verify`` reads every sealed entry in seq order and checks:
1. seq runs 1, 2, 3, ... without gaps (a deleted entry leaves one);
2. each entry's postings balance, and its stored entry_hash equals the hash recomputed
   from its rows (a changed amount, account, date or text shows here);
3. each chain_hash equals sha256(previous chain_hash + entry_hash);
4. for every published day, the Merkle root recomputed from the recomputed entry hashes
   and the number of entries equal the notary's, and the chained roots link up (this
   catches a rewrite that also recomputed the stored hashes);
5. the stored account balances equal the sums of the postings.
It names the first bad entry (id, seq, day) when there is one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django_tenants.utils import tenant_context
from notary.selectors import roots_of
from notary.services import GENESIS_ROOT, root_chain
from registry.models import Cooperative

from tenants.ledger.chain import ENTRY_FIELDS, entry_postings
from tenants.ledger.hashing import (
    GENESIS_HASH,
    EntryRow,
    MerkleAccumulator,
    PostingRow,
    chain_next,
    entry_hash,
)
from tenants.ledger.periods import business_day_of
from tenants.ledger.posting import ledger_check_balances
from tenants.ledger.tenancy import require_cooperative
from tenants.models import JournalEntry

BATCH = 5000  # entries per round trip
# The next BATCH sealed entries after a seq: ENTRY_FIELDS, then the seal.
_BATCH_SQL = (
    f"SELECT {', '.join(ENTRY_FIELDS)}, seq, entry_hash, chain_hash, sealed_at "
    f"FROM {JournalEntry._meta.db_table} WHERE seq > %s ORDER BY seq LIMIT %s"
)
MAX_PROBLEMS = 100


@dataclass(frozen=True)
class Problem:
    check: str  # seq_gap, unbalanced, entry_hash, chain_hash, merkle_root, ...
    message: str
    entry_id: int | None = None
    seq: int | None = None
    day: date | None = None


@dataclass
class VerifyReport:
    cooperative: str
    entries_checked: int = 0
    unsealed: int = 0
    days_checked: int = 0
    days_unpublished: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad_entry(self) -> Problem | None:
        """The problem naming the lowest seq (entries are checked in seq order)."""
        named = [p for p in self.problems if p.seq is not None]
        return min(named, key=lambda p: p.seq or 0) if named else None

    @property
    def first_bad_day(self) -> date | None:
        days = [p.day for p in self.problems if p.day is not None]
        return min(days) if days else None

    def add(self, problem: Problem) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    def lines(self) -> list[str]:
        head = "OK" if self.ok else "FAILED"
        out = [
            f"Ledger of {self.cooperative}: {head}",
            f"  {self.entries_checked} sealed entries checked, {self.unsealed} not sealed yet",
            f"  {self.days_checked} published days checked, "
            f"{self.days_unpublished} days with entries not published yet",
        ]
        first = self.first_bad_entry
        if first is not None:
            out.append(f"  first bad entry: id {first.entry_id}, seq {first.seq}, day {first.day}")
        elif self.first_bad_day is not None:
            out.append(f"  first bad day: {self.first_bad_day}")
        out += [f"  - [{p.check}] {p.message}" for p in self.problems]
        return out


def ledger_verify(cooperative: Cooperative) -> VerifyReport:
    """Check the cooperative's whole ledger (read only; see the module docstring)."""
    report = VerifyReport(cooperative=f"{cooperative.name} ({cooperative.slug})")
    with tenant_context(cooperative):
        require_cooperative()
        days = _check_entries(report)
        report.unsealed = JournalEntry.objects.filter(seq__isnull=True).count()
        _check_days(report, cooperative, days)
        for bad in ledger_check_balances():
            report.add(
                Problem(
                    "balance",
                    f"account {bad.account_code}: stored debit {bad.stored_debit} credit "
                    f"{bad.stored_credit}, postings debit {bad.posted_debit} credit "
                    f"{bad.posted_credit}",
                )
            )
    return report


def _check_entries(report: VerifyReport) -> dict[date, MerkleAccumulator]:
    """Walk the chain; return each sealing day's Merkle accumulator of recomputed hashes."""
    days: dict[date, MerkleAccumulator] = defaultdict(MerkleAccumulator)
    state = _Walk()
    with connection.cursor() as cur:
        while True:
            cur.execute(_BATCH_SQL, [state.last_seq, BATCH])
            batch = cur.fetchall()
            if not batch:
                return days
            # The lines as sealing reads them (chain.entry_rows), in one query per batch.
            postings = entry_postings([e[0] for e in batch])
            for entry in batch:
                _check_entry(report, days, state, entry, postings.get(entry[0], ()))


class _Walk:
    """Where the walk along the chain is, and the last sealing time's business day (the
    entries of one sealing batch share their sealing time)."""

    __slots__ = ("expected_seq", "last_day", "last_sealed_at", "last_seq", "previous_chain")

    def __init__(self) -> None:
        self.expected_seq = 1
        self.previous_chain = GENESIS_HASH
        self.last_seq = 0
        self.last_sealed_at: datetime | None = None
        self.last_day: date | None = None


def _check_entry(
    report: VerifyReport,
    days: dict[date, MerkleAccumulator],
    state: _Walk,
    e: tuple[Any, ...],
    postings: Sequence[PostingRow],
) -> None:
    entry_id, seq, stored_hash, stored_chain, sealed_at = e[0], e[8], e[9], e[10], e[11]
    row = EntryRow(
        id=entry_id,
        entry_date=e[1],
        description=e[2],
        kind=e[3],
        idempotency_key=e[4],
        created_by_id=e[5],
        created_at=e[6],
        reversal_of_id=e[7],
        postings=tuple(postings),
    )
    if sealed_at != state.last_sealed_at:
        state.last_sealed_at, state.last_day = sealed_at, business_day_of(sealed_at)
    day = state.last_day
    assert day is not None
    if seq != state.expected_seq:
        report.add(
            Problem(
                "seq_gap",
                f"{_where(row, seq, day)}: seq {state.expected_seq}..{seq - 1} missing",
                row.id,
                seq,
                day,
            )
        )
    debit = credit = Decimal(0)
    for p in postings:
        debit += p.debit
        credit += p.credit
    if len(postings) < 2 or debit != credit:
        report.add(
            Problem(
                "unbalanced",
                f"{_where(row, seq, day)}: {len(postings)} lines, debit {debit}, credit {credit}",
                row.id,
                seq,
                day,
            )
        )
    recomputed = entry_hash(row, seq=seq, sealed_at=sealed_at)
    if recomputed != stored_hash:
        report.add(
            Problem(
                "entry_hash",
                f"{_where(row, seq, day)}: its rows hash to {recomputed[:16]}..., "
                f"the sealed hash is {(stored_hash or '')[:16]}...",
                row.id,
                seq,
                day,
            )
        )
    if stored_chain != chain_next(state.previous_chain, stored_hash or ""):
        report.add(
            Problem(
                "chain_hash",
                f"{_where(row, seq, day)}: chain hash does not follow from the previous entry",
                row.id,
                seq,
                day,
            )
        )
    days[day].add(recomputed)
    state.previous_chain = stored_chain or ""
    state.expected_seq = seq + 1
    state.last_seq = seq
    report.entries_checked += 1


def _where(row: EntryRow, seq: int, day: date) -> str:
    return f"entry {row.id} (seq {seq}, sealed {day})"


def _check_days(
    report: VerifyReport, cooperative: Cooperative, days: dict[date, MerkleAccumulator]
) -> None:
    roots = roots_of(cooperative)
    previous_root = GENESIS_ROOT
    previous_day: date | None = None
    for root in roots:
        report.days_checked += 1
        if previous_day is not None and root.day != previous_day + timedelta(days=1):
            report.add(
                Problem(
                    "root_gap",
                    f"published days jump from {previous_day} to {root.day}",
                    day=root.day,
                )
            )
        acc = days.get(root.day) or MerkleAccumulator()
        if acc.count != root.entries_count or acc.root() != root.merkle_root:
            report.add(
                Problem(
                    "merkle_root",
                    f"day {root.day}: {acc.count} entries with root {acc.root()[:16]}..., "
                    f"published {root.entries_count} entries with root "
                    f"{root.merkle_root[:16]}...",
                    day=root.day,
                )
            )
        if root.previous_root != previous_root or root.chained_root != root_chain(
            root.previous_root, root.merkle_root
        ):
            report.add(
                Problem(
                    "chained_root",
                    f"day {root.day}: the published chained root does not link up",
                    day=root.day,
                )
            )
        previous_root = root.chained_root
        previous_day = root.day
    published = {root.day for root in roots}
    first = roots[0].day if roots else None
    for day in sorted(days):
        if day in published:
            continue
        if previous_day is not None and first is not None and first <= day <= previous_day:
            report.add(
                Problem("merkle_root", f"day {day}: entries sealed but no root published", day=day)
            )
        elif previous_day is not None and first is not None and day < first:
            report.add(
                Problem(
                    "merkle_root",
                    f"day {day}: entries sealed before the first published day {first}",
                    day=day,
                )
            )
        else:
            report.days_unpublished += 1
