"""The default savings products of a primary cooperative (UU 25/1992 art. 41), booked to
the default chart's accounts (0003). Data only: the template schema gets them, so every
new cooperative starts with them. Cooperatives change the settings later.

The time deposits' rates are left at 0%: each cooperative sets its own.
"""

from decimal import Decimal

from django.db import migrations

# code, kind, name, ledger account, amount, minimum balance, jasa % a year, term months
PRODUCTS = [
    ("pokok", "pokok", "Simpanan Pokok", "3101", Decimal("300000.00"), Decimal("0"), Decimal("0"), None),
    ("wajib", "wajib", "Simpanan Wajib", "3102", Decimal("25000.00"), Decimal("0"), Decimal("0"), None),
    ("sukarela", "sukarela", "Simpanan Sukarela", "2101", None, Decimal("0"), Decimal("3.00"), None),
    ("berjangka-3", "berjangka", "Simpanan Berjangka 3 Bulan", "2102", None, Decimal("0"), Decimal("0"), 3),
    ("berjangka-6", "berjangka", "Simpanan Berjangka 6 Bulan", "2102", None, Decimal("0"), Decimal("0"), 6),
    ("berjangka-12", "berjangka", "Simpanan Berjangka 12 Bulan", "2102", None, Decimal("0"), Decimal("0"), 12),
]


def products_load(apps, schema_editor):
    SavingsProduct = apps.get_model("tenants", "SavingsProduct")
    SavingsProduct.objects.bulk_create(
        [
            SavingsProduct(
                code=code,
                kind=kind,
                name=name,
                account_code=account_code,
                amount=amount,
                minimum_balance=minimum,
                annual_rate_percent=rate,
                term_months=term,
            )
            for code, kind, name, account_code, amount, minimum, rate, term in PRODUCTS
        ]
    )


def products_unload(apps, schema_editor):
    SavingsProduct = apps.get_model("tenants", "SavingsProduct")
    SavingsProduct.objects.filter(code__in=[row[0] for row in PRODUCTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("tenants", "0005_savings")]

    operations = [migrations.RunPython(products_load, products_unload)]
