"""Published roots are append-only: a trigger refuses UPDATE and DELETE."""

from django.db import migrations

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION public.notary_root_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'published roots are append-only';
END;
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [("notary", "0001_initial")]

    operations = [
        migrations.RunSQL(APPEND_ONLY, "DROP FUNCTION IF EXISTS public.notary_root_append_only();"),
        migrations.RunSQL(
            "CREATE TRIGGER notary_root_append_only BEFORE UPDATE OR DELETE "
            "ON notary_publishedroot FOR EACH ROW "
            "EXECUTE FUNCTION public.notary_root_append_only();",
            "DROP TRIGGER IF EXISTS notary_root_append_only ON notary_publishedroot;",
        ),
    ]
