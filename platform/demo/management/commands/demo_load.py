from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from demo.federation import DEMO_MEMBERS, DEMO_MONTHS, demo_is_loaded, demo_load


class Command(BaseCommand):
    help = "Load the demo federation (secondary cooperative, 16 primary cooperatives, staff)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if loaded.")
        parser.add_argument(
            "--members", type=int, default=DEMO_MEMBERS, help="members over all cooperatives"
        )
        parser.add_argument(
            "--months", type=int, default=DEMO_MONTHS, help="months of savings history"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and demo_is_loaded(with_members=True):
            self.stdout.write("Demo federation already loaded.")
            return
        started = time.monotonic()
        made = demo_load(members=options["members"], months=options["months"])
        self.stdout.write(
            f"Demo federation: {len(made)} cooperatives in {time.monotonic() - started:.1f}s"
        )
