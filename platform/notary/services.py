"""Publishing a cooperative's daily ledger root. Called by the ledger (tenants.ledger.chain)."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from django.db import transaction
from django_tenants.utils import get_public_schema_name, schema_context
from registry.models import Cooperative

from notary.models import PublishedRoot

GENESIS_ROOT = "0" * 64


class NotaryError(Exception):
    """A root that would break the chain of published roots (out of order, or different
    from what was already published for that day)."""


def root_chain(previous_root: str, merkle_root: str) -> str:
    """chained_root = sha256(previous chained root hex + this day's Merkle root hex)."""
    return hashlib.sha256((previous_root + merkle_root).encode("ascii")).hexdigest()


def root_publish(
    *, cooperative: Cooperative, day: date, entries_count: int, merkle_root: str
) -> PublishedRoot:
    """Append one day's root to the cooperative's chain of roots, in the public schema.

    Days are published one after another without gaps (an empty day is published too), so
    the chain says both what happened and that nothing happened. Publishing the same root
    for the same day again returns the row already there; a different root for a day
    already published raises NotaryError. Callers serialize per cooperative (the ledger's
    chain lock); the unique (cooperative, day) constraint backs that up.
    """
    with schema_context(get_public_schema_name()), transaction.atomic():
        existing = PublishedRoot.objects.filter(cooperative=cooperative, day=day).first()
        if existing is not None:
            if existing.merkle_root != merkle_root or existing.entries_count != entries_count:
                raise NotaryError(
                    f"{cooperative.slug} {day}: a different root was already published"
                )
            return existing
        last = PublishedRoot.objects.filter(cooperative=cooperative).order_by("-day").first()
        if last is not None and day != last.day + timedelta(days=1):
            raise NotaryError(
                f"{cooperative.slug}: {day} does not follow the last published day {last.day}"
            )
        previous = last.chained_root if last is not None else GENESIS_ROOT
        return PublishedRoot.objects.create(
            cooperative=cooperative,
            day=day,
            entries_count=entries_count,
            merkle_root=merkle_root,
            previous_root=previous,
            chained_root=root_chain(previous, merkle_root),
        )
