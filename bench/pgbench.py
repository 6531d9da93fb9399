"""The machine's raw PostgreSQL ceiling for a ledger-like write: pgbench running a
transfer (two account UPDATEs and one history INSERT in one transaction) on tables of its
own in the benchmark database, nothing of Django in the way."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import psycopg2

ACCOUNTS = 100_000
SETUP = f"""
DROP TABLE IF EXISTS pgb_history, pgb_accounts;
CREATE TABLE pgb_accounts (id integer PRIMARY KEY, balance numeric(18, 2) NOT NULL);
CREATE TABLE pgb_history (
    id bigserial PRIMARY KEY, debit_id integer NOT NULL, credit_id integer NOT NULL,
    amount numeric(18, 2) NOT NULL, at timestamptz NOT NULL
);
INSERT INTO pgb_accounts SELECT g, 0 FROM generate_series(1, {ACCOUNTS}) g;
VACUUM ANALYZE pgb_accounts;
"""
# Rows locked in id order, as journal_post locks balances, so 8 clients never deadlock.
SCRIPT = f"""\\set a random(1, {ACCOUNTS})
\\set b random(1, {ACCOUNTS})
\\set lo least(:a, :b)
\\set hi greatest(:a, :b)
\\set amount random(1000, 1000000)
BEGIN;
UPDATE pgb_accounts SET balance = balance + :amount WHERE id = :lo;
UPDATE pgb_accounts SET balance = balance - :amount WHERE id = :hi;
INSERT INTO pgb_history (debit_id, credit_id, amount, at) VALUES (:lo, :hi, :amount, now());
END;
"""
TPS = re.compile(r"tps = ([0-9.]+) \(without initial connection time\)")


def pgbench_path() -> Path:
    from embedded.services import pg_bin_dir

    return pg_bin_dir() / "pgbench"


def prepare(database_url: str) -> None:
    conn = psycopg2.connect(database_url)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            for statement in SETUP.split(";"):
                if statement.strip():
                    cur.execute(statement)
    finally:
        conn.close()


def transfers(database_url: str, clients: int, seconds: int) -> float:
    """Transactions per second of the transfer script with ``clients`` connections."""
    with tempfile.NamedTemporaryFile("w", suffix=".sql") as script:
        script.write(SCRIPT)
        script.flush()
        result = subprocess.run(
            [
                str(pgbench_path()),
                "--no-vacuum",
                "--protocol=prepared",
                f"--client={clients}",
                f"--jobs={min(clients, 4)}",
                f"--time={seconds}",
                f"--file={script.name}",
                database_url,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    found = TPS.search(result.stdout)
    if result.returncode != 0 or not found:
        raise RuntimeError(f"pgbench failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return float(found.group(1))
