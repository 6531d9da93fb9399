"""Head-office writes that span apps: registering a cooperative together with its board."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from identity.links import invitation_url
from identity.models import CooperativeRoleName
from identity.services import user_invite
from registry.models import Cooperative
from registry.services import CooperativeAddress, cooperative_create

# user_invite's field names -> the registration's.
_INVITE_FIELDS = {"email": "board_email", "full_name": "board_full_name"}


def cooperative_register(
    *,
    actor: Any,
    name: str,
    slug: str,
    kind: str,
    legal_entity_number: str,
    address: CooperativeAddress,
    board_full_name: str,
    board_email: str,
) -> Cooperative:
    """Register a cooperative (registry row, domain, schema) and invite its first board
    member (pengurus), all or nothing: a refused invitation leaves no cooperative behind."""
    with transaction.atomic():
        cooperative = cooperative_create(
            actor=actor,
            name=name,
            slug=slug,
            kind=kind,
            legal_entity_number=legal_entity_number,
            address=address,
        )
        try:
            user_invite(
                actor=actor,
                email=board_email,
                full_name=board_full_name,
                role=CooperativeRoleName.PENGURUS,
                cooperative=cooperative,
                invite_url=invitation_url(cooperative),
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            raise ValidationError(
                {
                    _INVITE_FIELDS.get(field, field): errors
                    for field, errors in exc.error_dict.items()
                }
            ) from exc
    return cooperative
