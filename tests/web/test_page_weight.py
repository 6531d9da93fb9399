"""Every page is light: under 300 kB with the static files it links, and nothing external."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from audit.services import audit_record
from django.conf import settings
from django.contrib.staticfiles import finders
from django_tenants.utils import schema_context

from tests.web.support import public_url, tenant_url

LIMIT = 300 * 1024
# What a browser fetches with the page: stylesheets, scripts, images, icons.
ASSET = re.compile(rb'<(?:link|script|img|source)\b[^>]*?\b(?:href|src)="([^"]+)"')


def weight(html: bytes) -> tuple[int, list[str]]:
    """Bytes of the page plus every static file it links; the static paths found."""
    total = len(html)
    statics = []
    for raw in ASSET.findall(html):
        link = raw.decode()
        assert link.startswith(settings.STATIC_URL), f"{link}: only our own static files"
        found = finders.find(link.removeprefix(settings.STATIC_URL).split("?")[0])
        assert found, f"{link} is linked but missing"
        total += Path(str(found)).stat().st_size
        statics.append(link)
    return total, statics


@pytest.fixture
def busy_logs(alpha, head_office_admin):
    """Full first pages of both audit logs, so the tables are as long as they get."""
    for n in range(60):
        audit_record(actor=head_office_admin, action="role.grant", summary=f"someone: kasir {n}")
    with schema_context(alpha.schema_name):
        for n in range(60):
            audit_record(actor=head_office_admin, action="role.grant", summary=f"kasir {n}")


def head_office_pages(alpha, board):
    return [
        public_url("headoffice:home"),
        public_url("headoffice:cooperative_list"),
        public_url("headoffice:cooperative_new"),
        public_url("headoffice:cooperative_detail", slug=alpha.slug),
        public_url("headoffice:cooperative_archive", slug=alpha.slug),
        public_url("headoffice:user_list"),
        public_url("headoffice:user_detail", pk=board.pk),
        public_url("headoffice:audit_log"),
    ]


def test_every_page_is_under_300_kb_with_its_css(
    busy_logs, alpha, head_office_admin, alpha_board, alpha_member, outsider, client_for
):
    pages = [
        (client_for(None, head_office_admin), p) for p in head_office_pages(alpha, alpha_board)
    ]
    pages += [
        (client_for(None, alpha_member), "/"),
        (client_for(alpha, alpha_board), tenant_url("tenants:staff_home")),
        (client_for(alpha, alpha_board), tenant_url("tenants:staff_audit")),
        (client_for(alpha, alpha_board), tenant_url("tenants:staff_roles")),
        (client_for(alpha, alpha_member), tenant_url("tenants:member_home")),
        (client_for(alpha, outsider), "/"),
    ]
    for client, path in pages:
        response = client.get(path)
        assert response.status_code in {200, 403}, path
        total, statics = weight(response.content)
        assert "/static/css/site.css" in statics, path
        assert b"<script" not in response.content, path
        assert total < LIMIT, f"{path}: {total} bytes"
