"""Tenant-scale benchmarks: creating cooperatives and running `migrate` at 16, 200 and 1,000.

Run with ``make bench`` (or ``DJANGO_ENV=test python -m bench [--quick]``). Everything
happens in a database of its own (``bench_koperasi``) on the same PostgreSQL server the
tests use; it is dropped and made again at the start of every run, so dev and test data
and other people's test databases are never touched. See docs/performance.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "platform"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))
