"""The ledger always works in one cooperative's schema: the connection's current one."""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name

from tenants.ledger.exceptions import LedgerError


def current_schema() -> str:
    schema: str = getattr(connection, "schema_name", get_public_schema_name())
    return schema


def require_cooperative() -> str:
    """The current cooperative's schema; refuses the public schema (it has no books)."""
    schema = current_schema()
    if schema == get_public_schema_name():
        raise LedgerError(
            _("The ledger belongs to a cooperative; choose one first."), code="no_cooperative"
        )
    return schema
