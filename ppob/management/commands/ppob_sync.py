"""`manage.py ppob_sync`: copy the provider's price list and read the deposit now (the
same work beat does every 30 and 5 minutes), e.g. right after `make run` or a key change."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ppob.providers import ProviderUnavailable
from ppob.providers.base import ProviderError
from ppob.services.catalogue import catalogue_sync
from ppob.services.deposit import deposit_refresh


class Command(BaseCommand):
    help = "Sync the PPOB catalogue from the provider and read the deposit."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = catalogue_sync()
            snapshot = deposit_refresh(source="command")
        except (ProviderError, ProviderUnavailable) as exc:
            raise CommandError(f"PPOB sync failed: {exc}") from exc
        self.stdout.write(
            f"{report.provider}: {report.listed} SKUs ({report.created} new, {report.updated} "
            f"changed, {report.missing} no longer listed, {report.price_changes} price changes); "
            f"deposit {snapshot.balance}"
        )
