"""Who did it: users live in the public schema, so the books keep only their id."""

from __future__ import annotations

from typing import Any


def actor_id(actor: Any) -> int | None:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return int(actor.pk)
    return None
