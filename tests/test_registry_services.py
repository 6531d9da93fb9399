"""Head-office operations on cooperatives through the registry services."""

from __future__ import annotations

import json

import pytest
from audit.models import AuditEntry
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from registry.models import Cooperative, Domain
from registry.schema_template import schema_exists
from registry.services import (
    CooperativeAddress,
    cooperative_archive,
    cooperative_create,
    cooperative_reactivate,
    cooperative_suspend,
)

ADDRESS = CooperativeAddress(desa="Caturtunggal", kecamatan="Depok", kabupaten="Sleman")


def _create(**overrides):
    fields = {
        "name": "Koperasi Uji",
        "slug": "uji",
        "kind": "simpan_pinjam",
        "legal_entity_number": "AHU-0099",
        "address": ADDRESS,
    }
    fields.update(overrides)
    return cooperative_create(actor=None, **fields)


def _schemas() -> set[str]:
    with connection.cursor() as cur:
        cur.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'kop_%%'")
        return {row[0] for row in cur.fetchall()}


def test_create_makes_the_schema_domain_and_an_audit_row(db, head_office_admin):
    coop = cooperative_create(
        actor=head_office_admin,
        name="Koperasi Uji",
        slug="uji",
        kind="konsumen",
        legal_entity_number="AHU-0099",
        address=ADDRESS,
    )
    assert schema_exists("kop_uji")
    assert Domain.objects.get(tenant=coop).domain == "uji.localhost"
    entry = AuditEntry.objects.get(action="cooperative.create", object_id=str(coop.pk))
    assert entry.actor_id == head_office_admin.pk


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"slug": "X"}, "slug"),
        ({"slug": "ab"}, "slug"),
        ({"slug": "-bad"}, "slug"),
        ({"slug": "www"}, "slug"),
        ({"slug": "alpha"}, "slug"),
        ({"name": "  "}, "name"),
        ({"kind": "bank"}, "kind"),
        ({"legal_entity_number": ""}, "legal_entity_number"),
        ({"legal_entity_number": "AHU-ALPHA-0001"}, "legal_entity_number"),
        ({"address": CooperativeAddress(kecamatan="Depok", kabupaten="Sleman")}, "desa"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(alpha, overrides, field):
    before = (
        Cooperative.objects.count(),
        Domain.objects.count(),
        _schemas(),
        AuditEntry.objects.count(),
    )
    with pytest.raises(ValidationError) as caught:
        _create(**overrides)
    assert field in caught.value.message_dict
    assert (
        Cooperative.objects.count(),
        Domain.objects.count(),
        _schemas(),
        AuditEntry.objects.count(),
    ) == before


def test_errors_speak_indonesian_by_default_and_english_on_request(db):
    from django.utils import translation

    with translation.override("id"), pytest.raises(ValidationError) as in_id:
        _create(name="")
    with translation.override("en"), pytest.raises(ValidationError) as in_en:
        _create(name="")
    assert in_en.value.message_dict["name"] == ["Enter the cooperative's name."]
    assert in_id.value.message_dict["name"] != in_en.value.message_dict["name"]


def test_suspend_and_reactivate(alpha, head_office_admin):
    with pytest.raises(ValidationError):
        cooperative_suspend(actor=head_office_admin, cooperative=alpha, reason=" ")
    suspended = cooperative_suspend(
        actor=head_office_admin, cooperative=alpha, reason="RAT terlambat"
    )
    assert suspended.status == "suspended"
    with pytest.raises(ValidationError):
        cooperative_suspend(actor=head_office_admin, cooperative=alpha, reason="again")
    assert cooperative_reactivate(actor=head_office_admin, cooperative=alpha).status == "active"
    actions = list(
        AuditEntry.objects.filter(object_id=str(alpha.pk)).values_list("action", flat=True)
    )
    assert {"cooperative.suspend", "cooperative.reactivate"} <= set(actions)


def test_the_platform_itself_cannot_be_suspended(db, head_office_admin):
    platform = Cooperative.objects.get(schema_name="public")
    with pytest.raises(ValidationError):
        cooperative_suspend(actor=head_office_admin, cooperative=platform, reason="x")


@pytest.mark.django_db(transaction=True)
def test_archive_exports_everything_before_dropping_the_schema(tmp_path, head_office_admin):
    coop = _create(slug="arsip", legal_entity_number="AHU-ARSIP")
    connection.set_tenant(coop)
    from audit.services import audit_record

    audit_record(actor=None, action="test.row", summary="kept in the export")
    connection.set_schema_to_public()
    with override_settings(EXPORT_ROOT=tmp_path):
        archived = cooperative_archive(actor=head_office_admin, cooperative=coop, reason="bubar")
    assert archived.status == "archived"
    assert not schema_exists("kop_arsip")
    assert not Domain.objects.filter(tenant=archived).exists()
    folder = tmp_path / "arsip"
    export = next(folder.iterdir())
    manifest = json.loads((export / "manifest.json").read_text())
    assert manifest["tables"]["audit_auditentry"] == 1
    assert (export / "schema.dump").stat().st_size > 0
    rows = json.loads((export / "audit_auditentry.json").read_text())
    assert rows[0]["summary"] == "kept in the export"
    assert "summary" in (export / "audit_auditentry.csv").read_text().splitlines()[0]
