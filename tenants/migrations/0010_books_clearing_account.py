"""The clearing account the books' door credits when a caller (PPOB, the store, the
marketplace, another cooperative) captures a member's simpanan sukarela: the cooperative
owes that unit the money until they settle. Data only; skipped where a cooperative already
uses the code."""

from django.db import migrations

CODE = "2111"
NAME = "Utang Antar Unit (Kliring Layanan Bersama)"
NAME_EN = "Inter-unit payable (shared services clearing)"


def account_load(apps, schema_editor):
    Account = apps.get_model("tenants", "Account")
    AccountBalance = apps.get_model("tenants", "AccountBalance")
    if Account.objects.filter(code=CODE).exists():
        return
    parent = Account.objects.filter(code="21").first()
    account = Account.objects.create(
        code=CODE,
        name=NAME,
        name_en=NAME_EN,
        type="liability",
        normal_side="credit",
        parent=parent,
        is_group=False,
    )
    AccountBalance.objects.create(account=account)


def account_unload(apps, schema_editor):
    Account = apps.get_model("tenants", "Account")
    AccountBalance = apps.get_model("tenants", "AccountBalance")
    AccountBalance.objects.filter(account__code=CODE, account__name=NAME).delete()
    Account.objects.filter(code=CODE, name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("tenants", "0009_books")]

    operations = [migrations.RunPython(account_load, account_unload)]
