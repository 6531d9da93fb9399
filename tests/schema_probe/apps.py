from django.apps import AppConfig


class SchemaProbeConfig(AppConfig):
    """A tenant app that exists only in tests: its second migration adds a column."""

    name = "tests.schema_probe"
    label = "schema_probe"
