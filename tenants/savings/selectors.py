"""Reads of members' savings (the current cooperative's schema), and the check that the
balances kept in the accounts agree with the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import QuerySet

from tenants.models import (
    Account,
    Member,
    Posting,
    SavingsAccount,
    SavingsProduct,
    SavingsTransaction,
)


def savings_products(*, active_only: bool = True) -> QuerySet[SavingsProduct]:
    found = SavingsProduct.objects.all()
    return found.filter(is_active=True) if active_only else found


def savings_product_get(code: str) -> SavingsProduct | None:
    return SavingsProduct.objects.filter(code=code).first()


def savings_accounts_of(member: Member) -> QuerySet[SavingsAccount]:
    return SavingsAccount.objects.filter(member=member).select_related("product")


def savings_account_transactions(account: SavingsAccount) -> QuerySet[SavingsTransaction]:
    return SavingsTransaction.objects.filter(account=account).order_by("id")


@dataclass(frozen=True)
class SavingsLedgerDifference:
    account_code: str
    savings_total: Decimal
    ledger_balance: Decimal


def savings_ledger_differences() -> list[SavingsLedgerDifference]:
    """Per ledger account used by a savings product: the sum of the savings balances booked
    to it against its ledger balance (credits - debits of its postings). Empty when they
    agree. One statement, so one snapshot even while deposits are being made."""
    with connection.cursor() as cur:
        cur.execute(
            f"""
            WITH saved AS (
                SELECT p.account_code, coalesce(sum(a.balance), 0) AS total
                FROM {SavingsProduct._meta.db_table} p
                LEFT JOIN {SavingsAccount._meta.db_table} a ON a.product_id = p.id
                GROUP BY p.account_code
            ), booked AS (
                SELECT l.code, sum(po.credit - po.debit) AS balance
                FROM {Posting._meta.db_table} po
                JOIN {Account._meta.db_table} l ON l.id = po.account_id
                WHERE l.code IN (SELECT account_code FROM saved)
                GROUP BY l.code
            )
            SELECT saved.account_code, saved.total, coalesce(booked.balance, 0)
            FROM saved LEFT JOIN booked ON booked.code = saved.account_code
            WHERE saved.total <> coalesce(booked.balance, 0)
            ORDER BY 1
            """
        )
        return [SavingsLedgerDifference(*row) for row in cur.fetchall()]


def savings_balances_match_ledger() -> bool:
    """True when every savings product's balances add up to its ledger account."""
    return not savings_ledger_differences()
