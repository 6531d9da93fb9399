"""The hash rules of the ledger, as pure functions (no database).

Anyone holding an entry's rows can recompute its hash with these rules, and anyone holding
a Merkle proof can check it against a published root (docs/decisions/0004).

- entry_hash  = sha256 of the entry's canonical JSON (``entry_canonical``), lowercase hex
- chain_hash  = sha256(previous chain_hash hex + entry_hash hex); before the first entry
  the previous chain_hash is 64 zeros
- Merkle root of a day = tree over that day's entry hashes in seq order: a parent is
  sha256(left hex + right hex); an odd node at the end of a level is promoted unchanged;
  one leaf is its own root; a day without entries has sha256("") as root
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Literal, NamedTuple

HASH_VERSION = 1
GENESIS_HASH = "0" * 64
EMPTY_ROOT = hashlib.sha256(b"").hexdigest()
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class PostingRow:
    line_no: int
    account_code: str
    debit: Decimal
    credit: Decimal
    member_ref: str = ""


@dataclass(frozen=True)
class EntryRow:
    id: int
    entry_date: date
    description: str
    kind: str
    idempotency_key: str
    created_by_id: int | None
    created_at: datetime
    reversal_of_id: int | None
    postings: tuple[PostingRow, ...] = field(default_factory=tuple)


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _instant(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("timestamps in the ledger are timezone-aware")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_document(entry: EntryRow, *, seq: int, sealed_at: datetime) -> dict[str, Any]:
    """The entry as a JSON-able document: what its hash covers."""
    return {
        "v": HASH_VERSION,
        "id": entry.id,
        "seq": seq,
        "sealed_at": _instant(sealed_at),
        "entry_date": entry.entry_date.isoformat(),
        "description": entry.description,
        "kind": entry.kind,
        "idempotency_key": entry.idempotency_key,
        "created_by": entry.created_by_id,
        "created_at": _instant(entry.created_at),
        "reversal_of": entry.reversal_of_id,
        "postings": [
            {
                "line": p.line_no,
                "account": p.account_code,
                "debit": _amount(p.debit),
                "credit": _amount(p.credit),
                "member_ref": p.member_ref,
            }
            for p in sorted(entry.postings, key=lambda p: p.line_no)
        ],
    }


def canonical_json(document: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8 (not ASCII-escaped)."""
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def entry_hash(entry: EntryRow, *, seq: int, sealed_at: datetime) -> str:
    return hashlib.sha256(
        canonical_json(entry_document(entry, seq=seq, sealed_at=sealed_at))
    ).hexdigest()


def chain_next(previous_chain_hash: str, this_entry_hash: str) -> str:
    return hashlib.sha256((previous_chain_hash + this_entry_hash).encode("ascii")).hexdigest()


def merkle_parent(left: str, right: str) -> str:
    return hashlib.sha256((left + right).encode("ascii")).hexdigest()


def merkle_root(leaves: Sequence[str]) -> str:
    """Level by level: pair neighbours, promote an odd last node unchanged."""
    if not leaves:
        return EMPTY_ROOT
    level = list(leaves)
    while len(level) > 1:
        parents = [merkle_parent(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            parents.append(level[-1])
        level = parents
    return level[0]


class ProofStep(NamedTuple):
    """A sibling on the way from a leaf to the root; ``position`` is the sibling's side."""

    position: Literal["left", "right"]
    hash: str


def merkle_path(leaves: Sequence[str], index: int) -> list[ProofStep]:
    """The siblings of leaf ``index``, leaf level first. A promoted node has no sibling on
    that level, so it adds no step."""
    if not 0 <= index < len(leaves):
        raise IndexError("leaf index out of range")
    steps: list[ProofStep] = []
    level = list(leaves)
    while len(level) > 1:
        if index % 2:
            steps.append(ProofStep("left", level[index - 1]))
        elif index + 1 < len(level):
            steps.append(ProofStep("right", level[index + 1]))
        parents = [merkle_parent(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            parents.append(level[-1])
        level = parents
        index //= 2
    return steps


def proof_verify(entry_hash: str, proof: Sequence[Sequence[str]], root: str) -> bool:
    """True when ``entry_hash`` with the sibling path ``proof`` folds up to ``root``.

    ``proof`` is a list of (position, sibling hash) pairs as returned by merkle_path; a
    malformed proof is simply not valid."""
    if not (_HEX64.match(entry_hash) and _HEX64.match(root)):
        return False
    node = entry_hash
    for step in proof:
        if len(step) != 2:
            return False
        position, sibling = step[0], step[1]
        if not isinstance(sibling, str) or not _HEX64.match(sibling):
            return False
        if position == "left":
            node = merkle_parent(sibling, node)
        elif position == "right":
            node = merkle_parent(node, sibling)
        else:
            return False
    return node == root


class MerkleAccumulator:
    """The same root as merkle_root, computed from a stream of leaves in O(log n) memory.

    The level-by-level tree with promotion equals the perfect subtrees of n's binary
    decomposition (largest first) folded from the right: H(T8, H(T2, T1)) for n = 11.
    """

    def __init__(self) -> None:
        self.count = 0
        self._stack: list[tuple[int, str]] = []  # (subtree size, hash), sizes decreasing

    def add(self, leaf: str) -> None:
        self.count += 1
        size, node = 1, leaf
        while self._stack and self._stack[-1][0] == size:
            _, left = self._stack.pop()
            size, node = size * 2, merkle_parent(left, node)
        self._stack.append((size, node))

    def root(self) -> str:
        if not self._stack:
            return EMPTY_ROOT
        node = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            node = merkle_parent(left, node)
        return node
