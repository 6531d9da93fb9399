"""`manage.py ledger_verify <slug>`: recompute a cooperative's ledger against its published
roots; exits non-zero when anything does not match."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from registry.models import Cooperative

from tenants.ledger.verify import ledger_verify


class Command(BaseCommand):
    help = "Verify a cooperative's ledger: entry hashes, hash chain, daily roots, balances."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slug", help="The cooperative's short name.")

    def handle(self, *args: Any, **options: Any) -> None:
        connection.set_schema_to_public()  # type: ignore[attr-defined]
        cooperative = Cooperative.objects.filter(slug=options["slug"]).first()
        if cooperative is None or cooperative.is_platform:
            raise CommandError(f"no cooperative {options['slug']!r}")
        report = ledger_verify(cooperative)
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(f"ledger of {cooperative.slug} failed verification")
