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
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django_tenants.utils import tenant_context
from notary.selectors import roots_of
from notary.services import GENESIS_ROOT, root_chain
from registry.models import Cooperative

from tenants.ledger.chain import ENTRY_FIELDS, entry_rows
from tenants.ledger.hashing import GENESIS_HASH, MerkleAccumulator, chain_next, entry_hash
from tenants.ledger.periods import business_day_of
from tenants.ledger.posting import ledger_check_balances
from tenants.ledger.tenancy import require_cooperative
from tenants.models import JournalEntry

BATCH = 2000
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
    expected_seq = 1
    previous_chain = GENESIS_HASH
    last_seq = 0
    while True:
        batch = list(
            JournalEntry.objects.filter(seq__gt=last_seq)
            .order_by("seq")
            .values(*ENTRY_FIELDS, "seq", "entry_hash", "chain_hash", "sealed_at")[:BATCH]
        )
        if not batch:
            return days
        stored = {e["id"]: e for e in batch}
        for row in entry_rows(stored, batch):
            e = stored[row.id]
            seq, sealed_at = e["seq"], e["sealed_at"]
            day = business_day_of(sealed_at)
            where = f"entry {row.id} (seq {seq}, sealed {day})"
            if seq != expected_seq:
                report.add(
                    Problem(
                        "seq_gap",
                        f"{where}: seq {expected_seq}..{seq - 1} missing",
                        row.id,
                        seq,
                        day,
                    )
                )
            debit = sum((p.debit for p in row.postings), Decimal(0))
            credit = sum((p.credit for p in row.postings), Decimal(0))
            if len(row.postings) < 2 or debit != credit:
                report.add(
                    Problem(
                        "unbalanced",
                        f"{where}: {len(row.postings)} lines, debit {debit}, credit {credit}",
                        row.id,
                        seq,
                        day,
                    )
                )
            recomputed = entry_hash(row, seq=seq, sealed_at=sealed_at)
            if recomputed != e["entry_hash"]:
                report.add(
                    Problem(
                        "entry_hash",
                        f"{where}: its rows hash to {recomputed[:16]}..., "
                        f"the sealed hash is {(e['entry_hash'] or '')[:16]}...",
                        row.id,
                        seq,
                        day,
                    )
                )
            if e["chain_hash"] != chain_next(previous_chain, e["entry_hash"] or ""):
                report.add(
                    Problem(
                        "chain_hash",
                        f"{where}: chain hash does not follow from the previous entry",
                        row.id,
                        seq,
                        day,
                    )
                )
            days[day].add(recomputed)
            previous_chain = e["chain_hash"] or ""
            expected_seq = seq + 1
            last_seq = seq
            report.entries_checked += 1


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
