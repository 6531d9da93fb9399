from django.db import migrations

from registry.citus import reference_table_operation


class Migration(migrations.Migration):
    """On Citus, shared tables that tenant tables may reference become reference tables."""

    dependencies = [
        ("registry", "0001_initial"),
        ("identity", "0001_initial"),
    ]

    operations = [
        reference_table_operation("registry_cooperative", "identity_user"),
    ]
