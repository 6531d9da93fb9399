"""Default margin rules (data only): a flat margin on everything, and the usual counter fee
on postpaid bills. The head office changes them through ppob.services.pricing."""

from decimal import Decimal

from django.db import migrations
from django.utils import timezone

# (category, member margin, non-member margin), flat rupiah
RULES = [
    ("", Decimal("1500"), Decimal("2500")),
    ("pln_postpaid", Decimal("1000"), Decimal("2500")),
    ("bpjs", Decimal("1000"), Decimal("2500")),
    ("pdam", Decimal("1000"), Decimal("2500")),
]


def rules_load(apps, schema_editor):
    MarginRule = apps.get_model("ppob", "MarginRule")
    now = timezone.now()
    for category, member, nonmember in RULES:
        MarginRule.objects.get_or_create(
            category=category,
            brand="",
            sku="",
            defaults={
                "kind": "flat",
                "member_value": member,
                "nonmember_value": nonmember,
                "created_at": now,
                "updated_at": now,
            },
        )


def rules_unload(apps, schema_editor):
    MarginRule = apps.get_model("ppob", "MarginRule")
    for category, member, nonmember in RULES:
        MarginRule.objects.filter(
            category=category,
            brand="",
            sku="",
            kind="flat",
            member_value=member,
            nonmember_value=nonmember,
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("ppob", "0002_append_only_events")]

    operations = [migrations.RunPython(rules_load, rules_unload)]
