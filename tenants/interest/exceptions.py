"""Refusals of interest operations: a translated message (English msgid) and a stable
code. A refused operation has written nothing."""

from __future__ import annotations

from federation.errors import RefusedError


class InterestError(RefusedError):
    default_code = "interest"


class JasaRefused(InterestError):
    default_code = "jasa_refused"


class TermDepositRefused(InterestError):
    default_code = "term_deposit_refused"


class ResignationRefused(InterestError):
    default_code = "resignation_refused"
