"""Card fixtures: a member of alpha, English page clients for alpha's staff."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from tenants.models import Member
from tests.factories import user_make
from tests.savings.conftest import member_make


@pytest.fixture
def member(alpha: Any) -> Member:
    with tenant_context(alpha):
        made = member_make()
    connection.set_schema_to_public()
    return made


@pytest.fixture
def alpha_supervisor(alpha: Any) -> Any:
    return user_make("alpha-pengawas", roles={alpha: ["pengawas"]})


@pytest.fixture
def page(alpha: Any, client_for: Callable[..., Client]) -> Callable[[Any], Client]:
    """page(user): a client on alpha's host, logged in as ``user``, in English."""

    def make(user: Any) -> Client:
        client = client_for(alpha, user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make
