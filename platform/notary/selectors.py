"""Reading published roots (from any schema: they always live in public)."""

from __future__ import annotations

from datetime import date

from django_tenants.utils import get_public_schema_name, schema_context
from registry.models import Cooperative

from notary.models import PublishedRoot


def roots_of(cooperative: Cooperative) -> list[PublishedRoot]:
    """Every published root of the cooperative, oldest day first."""
    with schema_context(get_public_schema_name()):
        return list(PublishedRoot.objects.filter(cooperative=cooperative).order_by("day"))


def root_on(cooperative: Cooperative, day: date) -> PublishedRoot | None:
    with schema_context(get_public_schema_name()):
        return PublishedRoot.objects.filter(cooperative=cooperative, day=day).first()


def root_last(cooperative: Cooperative) -> PublishedRoot | None:
    with schema_context(get_public_schema_name()):
        return PublishedRoot.objects.filter(cooperative=cooperative).order_by("-day").first()
