"""The provider event log is append-only: a trigger refuses UPDATE and DELETE."""

from django.db import migrations

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION public.ppob_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ppob provider events are append-only';
END;
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [("ppob", "0001_initial")]

    operations = [
        migrations.RunSQL(APPEND_ONLY, "DROP FUNCTION IF EXISTS public.ppob_event_append_only();"),
        migrations.RunSQL(
            "CREATE TRIGGER ppob_event_append_only BEFORE UPDATE OR DELETE "
            "ON ppob_providerevent FOR EACH ROW "
            "EXECUTE FUNCTION public.ppob_event_append_only();",
            "DROP TRIGGER IF EXISTS ppob_event_append_only ON ppob_providerevent;",
        ),
    ]
