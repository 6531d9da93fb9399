"""The bylaws' SHU split as versions: a new split is a new row; a draft may be corrected
until it is put to a vote; approval at a RAT (through tenants.rat) fixes it for good, and
the database refuses to change or delete a version once approved or used (migration 0015).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from audit.services import audit_record
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenants.ledger.actors import actor_id
from tenants.ledger.tenancy import require_cooperative
from tenants.models import SPLIT_PARTS, RatMeeting, ShuSplitVersion
from tenants.shu.exceptions import SplitInvalid, SplitLocked

HUNDRED = Decimal(100)
CENT = Decimal("0.01")

PART_LABELS = {
    "reserves": gettext_lazy("Reserves (cadangan)"),
    "jasa_usaha": gettext_lazy("Jasa usaha (members' business)"),
    "jasa_modal": gettext_lazy("Jasa modal (members' capital)"),
    "board": gettext_lazy("Board and supervisors' fund"),
    "staff": gettext_lazy("Staff fund"),
    "education": gettext_lazy("Education fund"),
    "social": gettext_lazy("Social fund"),
    "other": gettext_lazy("Other fund"),
}
# Where each part goes in the default chart (0003); the members' parts go to 2104 first.
PART_ACCOUNTS = {
    "reserves": "3103",
    "jasa_usaha": "2104",
    "jasa_modal": "2104",
    "board": "2105",
    "staff": "2106",
    "education": "2107",
    "social": "2108",
    "other": "2110",
}
# The common split of the domain note, offered as the first version's defaults.
DEFAULT_SPLIT = {
    "reserves": Decimal("40"),
    "jasa_usaha": Decimal("25"),
    "jasa_modal": Decimal("20"),
    "board": Decimal("5"),
    "staff": Decimal("5"),
    "education": Decimal("2.5"),
    "social": Decimal("2.5"),
    "other": Decimal("0"),
}


def split_percents_check(percents: Mapping[str, object]) -> dict[str, Decimal]:
    """Every part's percentage: a Decimal from 0 to 100 with at most two decimals, the
    parts adding up to exactly 100. Missing parts are 0; unknown parts are refused."""
    unknown = sorted(set(percents) - set(SPLIT_PARTS))
    if unknown:
        raise SplitInvalid(
            _("Unknown part of the split: %(parts)s.") % {"parts": ", ".join(unknown)},
            code="split_part_unknown",
        )
    clean: dict[str, Decimal] = {}
    for part in SPLIT_PARTS:
        value = percents.get(part, Decimal(0))
        label = PART_LABELS[part]
        if not isinstance(value, Decimal) or not value.is_finite():
            raise SplitInvalid(
                _("%(part)s: enter a percentage.") % {"part": label}, code="split_percent_invalid"
            )
        if value < 0 or value > HUNDRED:
            raise SplitInvalid(
                _("%(part)s: a percentage is from 0 to 100.") % {"part": label},
                code="split_percent_range",
            )
        if value != value.quantize(CENT):
            raise SplitInvalid(
                _("%(part)s: at most two decimal places.") % {"part": label},
                code="split_percent_precision",
            )
        clean[part] = value.quantize(CENT)
    total = sum(clean.values(), Decimal(0))
    if total != HUNDRED:
        raise SplitInvalid(
            _("The parts add up to %(total)s%%, not 100%%.") % {"total": f"{total:.2f}"},
            code="split_not_100",
        )
    return clean


def _text(value: object, limit: int, message: str, code: str) -> str:
    text = " ".join(value.split()) if isinstance(value, str) else ""
    if len(text) > limit:
        raise SplitInvalid(message, code=code)
    return text


def shu_split_create(
    *, actor: Any, percents: Mapping[str, object], other_label: str = "", note: str = ""
) -> ShuSplitVersion:
    """A new version of the split (the next number). Refused, with nothing written, when a
    percentage is malformed or out of range or the parts do not add up to 100."""
    require_cooperative()
    clean = split_percents_check(percents)
    label = _text(other_label, 100, _("The other fund's name is at most 100 characters."), "label")
    text = _text(note, 500, _("The note is at most 500 characters."), "note")
    if clean["other"] > 0 and not label:
        raise SplitInvalid(
            _("Name the other fund, or set its percentage to 0."), code="split_other_label"
        )
    with transaction.atomic():
        # The table's rows are few; locking them all serialises two boards' clicks.
        list(ShuSplitVersion.objects.select_for_update().values_list("pk", flat=True))
        number = (ShuSplitVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        version = ShuSplitVersion.objects.create(
            number=number,
            other_label=label,
            note=text,
            created_at=timezone.now(),
            created_by_id=actor_id(actor),
            **{f"{part}_percent": value for part, value in clean.items()},
        )
        audit_record(
            actor=actor,
            action="shu.split.create",
            obj=version,
            summary=f"SHU split v{number}",
            data={part: f"{value:.2f}" for part, value in clean.items()},
        )
    return version


def _locked_reason(version: ShuSplitVersion) -> str | None:
    if version.approved_meeting_id is not None:
        return _("Split version %(number)s was approved at a members' meeting; make a new version.")
    if version.runs.exists():
        return _("Split version %(number)s is used by a final SHU run; make a new version.")
    if version.agenda_items.exclude(status="pending").exists():
        return _("Split version %(number)s has been put to the vote; make a new version.")
    return None


def shu_split_update(
    *,
    actor: Any,
    version: ShuSplitVersion,
    percents: Mapping[str, object],
    other_label: str = "",
    note: str = "",
) -> ShuSplitVersion:
    """Correct a draft version. Refused once it is approved, used by a final run or put to
    a vote (SplitLocked): the database refuses it too once approved or used."""
    require_cooperative()
    clean = split_percents_check(percents)
    label = _text(other_label, 100, _("The other fund's name is at most 100 characters."), "label")
    text = _text(note, 500, _("The note is at most 500 characters."), "note")
    if clean["other"] > 0 and not label:
        raise SplitInvalid(
            _("Name the other fund, or set its percentage to 0."), code="split_other_label"
        )
    with transaction.atomic():
        current = ShuSplitVersion.objects.select_for_update().filter(pk=version.pk).first()
        if current is None:
            raise SplitInvalid(_("This split version does not exist."), code="split_unknown")
        reason = _locked_reason(current)
        if reason is not None:
            raise SplitLocked(reason % {"number": current.number}, code="split_locked")
        for part, value in clean.items():
            setattr(current, f"{part}_percent", value)
        current.other_label = label
        current.note = text
        current.save()
        audit_record(
            actor=actor,
            action="shu.split.update",
            obj=current,
            summary=f"SHU split v{current.number}",
            data={part: f"{value:.2f}" for part, value in clean.items()},
        )
    return current


def shu_split_approve(*, actor: Any, version: ShuSplitVersion, meeting: RatMeeting) -> None:
    """Record that ``meeting`` approved ``version`` (called by tenants.rat when the item
    that put it to the members is decided "approved", inside that transaction)."""
    with transaction.atomic():
        current = ShuSplitVersion.objects.select_for_update().get(pk=version.pk)
        if current.approved_meeting_id is not None:
            raise SplitLocked(
                _("Split version %(number)s is already approved.") % {"number": current.number},
                code="split_already_approved",
            )
        current.approved_meeting = meeting
        current.approved_at = timezone.now()
        current.save(update_fields=["approved_meeting", "approved_at"])
        audit_record(
            actor=actor,
            action="shu.split.approve",
            obj=current,
            summary=f"SHU split v{current.number} approved at meeting {meeting.pk}",
            data={"meeting": meeting.pk},
        )
