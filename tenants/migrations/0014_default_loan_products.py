"""The default loan products of a primary cooperative, one per interest method, and the
loan settings row (kolektibilitas buckets, PPAP rates, health bands; docs/loans.md). Data
only: the template schema gets them, so every new cooperative starts with them.
Cooperatives change them later (tenants.loans.products.loan_product_save)."""

from decimal import Decimal

from django.db import migrations

D = Decimal
COMMON = {
    "min_rate_percent": D("6.00"),
    "max_rate_percent": D("24.00"),
    "min_term_months": 1,
    "admin_fee_kind": "flat",
    "admin_fee_value": D("25000.00"),
    "provisi_fee_kind": "percent",
    "provisi_fee_value": D("1.00"),
    "penalty_percent_per_day": D("0.1000"),
    "penalty_grace_days": 3,
    "collateral_required_above": D("10000000.00"),
    "guarantor_required_above": D("5000000.00"),
    "guarantors_required": 1,
    "allow_luar_biasa": False,
    "fast_track_min_membership_months": 6,
}
# code, name, method, usual rate, longest term, smallest, largest, fast track up to, months
PRODUCTS = [
    (
        "umum",
        "Pinjaman Umum (Flat)",
        "flat",
        D("12.00"),
        36,
        D("500000"),
        D("50000000"),
        D("3000000"),
        12,
    ),
    (
        "menurun",
        "Pinjaman Jasa Menurun",
        "effective",
        D("15.00"),
        48,
        D("1000000"),
        D("100000000"),
        D("3000000"),
        12,
    ),
    (
        "anuitas",
        "Pinjaman Anuitas",
        "annuity",
        D("12.00"),
        60,
        D("1000000"),
        D("200000000"),
        None,
        None,
    ),
]


def products_load(apps, schema_editor):
    LoanProduct = apps.get_model("tenants", "LoanProduct")
    LoanSettings = apps.get_model("tenants", "LoanSettings")
    LoanProduct.objects.bulk_create(
        [
            LoanProduct(
                code=code,
                name=name,
                interest_method=method,
                annual_rate_percent=rate,
                max_term_months=term,
                min_amount=smallest,
                max_amount=largest,
                fast_track_max_amount=fast_amount,
                fast_track_max_term_months=fast_term,
                **COMMON,
            )
            for (code, name, method, rate, term, smallest, largest, fast_amount, fast_term) in (
                PRODUCTS
            )
        ]
    )
    LoanSettings.objects.get_or_create(id=1)


def products_unload(apps, schema_editor):
    LoanProduct = apps.get_model("tenants", "LoanProduct")
    LoanSettings = apps.get_model("tenants", "LoanSettings")
    # A product a loan was granted on stays (loans protect it); 0013's reversal drops it.
    LoanProduct.objects.filter(code__in=[row[0] for row in PRODUCTS], loans__isnull=True).delete()
    LoanSettings.objects.filter(id=1).delete()


class Migration(migrations.Migration):
    dependencies = [("tenants", "0013_loans")]

    operations = [migrations.RunPython(products_load, products_unload)]
