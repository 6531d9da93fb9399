"""The request that is being served, for the audit log's "from where"."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None
    user_agent: str
    path: str
    method: str


current_request: ContextVar[RequestContext | None] = ContextVar("current_request", default=None)
