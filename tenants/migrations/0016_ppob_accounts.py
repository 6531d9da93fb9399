"""The two accounts PPOB books in the secondary cooperative (ppob.services.money): its
deposit at the provider, and what the primary cooperatives owe it for their members' and
shoppers' purchases. Data only; every schema gets them (the template too, so new
cooperatives start with them). Skipped where a cooperative already uses the code."""

from django.db import migrations

PARENT = "11"  # Aset Lancar
# code, name, name_en
ACCOUNTS = [
    ("1110", "Deposit PPOB", "PPOB deposit"),
    ("1111", "Piutang Koperasi Anggota", "Receivables from member cooperatives"),
]


def accounts_load(apps, schema_editor):
    Account = apps.get_model("tenants", "Account")
    AccountBalance = apps.get_model("tenants", "AccountBalance")
    parent = Account.objects.filter(code=PARENT).first()
    for code, name, name_en in ACCOUNTS:
        if Account.objects.filter(code=code).exists():
            continue
        account = Account.objects.create(
            code=code,
            name=name,
            name_en=name_en,
            type="asset",
            normal_side="debit",
            parent=parent,
            is_group=False,
        )
        AccountBalance.objects.create(account=account)


def accounts_unload(apps, schema_editor):
    Account = apps.get_model("tenants", "Account")
    AccountBalance = apps.get_model("tenants", "AccountBalance")
    for code, name, _name_en in ACCOUNTS:
        AccountBalance.objects.filter(account__code=code, account__name=name).delete()
        Account.objects.filter(code=code, name=name).delete()


class Migration(migrations.Migration):
    dependencies = [("tenants", "0015_shu_rat")]

    operations = [migrations.RunPython(accounts_load, accounts_unload)]
