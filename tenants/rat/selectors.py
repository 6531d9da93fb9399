"""Reads of the members' meetings: the live quorum, the agenda with results, who is
present, and what a member may vote on now."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tenants.books import MemberUnavailable, card_member_resolve
from tenants.models import (
    AttendanceMethod,
    ItemStatus,
    MeetingStatus,
    Member,
    MemberKind,
    MemberStatus,
    RatAgendaItem,
    RatAttendance,
    RatDocument,
    RatMeeting,
    RatVote,
    RatVoteMarker,
    VotingMode,
)
from tenants.rat.exceptions import AttendanceRefused


def eligible_members() -> QuerySet[Member]:
    """Who counts for the quorum and may vote: active regular members (anggota biasa).
    Anggota luar biasa may attend and speak but neither count nor vote (UU 25/1992)."""
    return Member.objects.filter(status=MemberStatus.ACTIVE, kind=MemberKind.BIASA)


@dataclass(frozen=True)
class Quorum:
    eligible: int  # active anggota biasa
    present: int  # everyone registered as present (luar biasa too)
    present_eligible: int  # present active anggota biasa
    needed: int  # the smallest number of present eligible members that is a quorum
    percent: object  # the meeting's setting: present x 100 must be more than eligible x it

    @property
    def reached(self) -> bool:
        return self.eligible > 0 and self.present_eligible >= self.needed


def quorum_needed(eligible: int, percent: object) -> int:
    """More than ``percent`` % of ``eligible``: eligible x percent / 100, rounded down, + 1
    (exact: the percentage has two decimals)."""
    hundredths = int((Decimal(str(percent)) * 100).to_integral_value())
    return eligible * hundredths // 10000 + 1


def quorum(meeting: RatMeeting) -> Quorum:
    eligible = eligible_members().count()
    present = RatAttendance.objects.filter(meeting=meeting)
    return Quorum(
        eligible=eligible,
        present=present.count(),
        present_eligible=present.filter(
            member__status=MemberStatus.ACTIVE, member__kind=MemberKind.BIASA
        ).count(),
        needed=quorum_needed(eligible, meeting.quorum_percent),
        percent=meeting.quorum_percent,
    )


def member_identify(
    *, member_number: str | None = None, card_token: str | None = None
) -> tuple[Member, str]:
    """The member named by exactly one of a scanned card (the signed QR token, checked as
    at the counter: another cooperative's or a forged card is refused) or a number, and
    how they were found."""
    given = [v for v in (member_number, card_token) if v not in (None, "")]
    if len(given) != 1:
        raise AttendanceRefused(
            _("Scan the member card or enter the member number."), code="lookup_invalid"
        )
    if card_token:
        try:
            member = card_member_resolve(card_token)
        except MemberUnavailable as exc:
            raise AttendanceRefused(exc.messages[0], code=str(exc.code)) from exc
        method = AttendanceMethod.CARD
    else:
        number = str(member_number).strip()
        member = Member.objects.filter(member_number=number).first() if number else None
        method = AttendanceMethod.NUMBER
    if member is None:
        raise AttendanceRefused(
            _("There is no such member in this cooperative."), code="member_unknown"
        )
    return member, method


def meetings() -> QuerySet[RatMeeting]:
    return RatMeeting.objects.order_by("-held_on", "-id")


def meeting_get(pk: object) -> RatMeeting | None:
    try:
        number = int(str(pk))
    except ValueError:
        return None
    return RatMeeting.objects.filter(pk=number).first()


def meeting_items(meeting: RatMeeting) -> list[RatAgendaItem]:
    return list(meeting.items.select_related("split_version").order_by("number"))


def meeting_documents(meeting: RatMeeting) -> list[RatDocument]:
    return list(meeting.documents.order_by("id"))


def item_get(meeting: RatMeeting, pk: object) -> RatAgendaItem | None:
    try:
        number = int(str(pk))
    except ValueError:
        return None
    return meeting.items.select_related("meeting", "split_version").filter(pk=number).first()


def attendance_list(meeting: RatMeeting) -> QuerySet[RatAttendance]:
    return meeting.attendance.select_related("member").order_by("-recorded_at", "-id")


def votes_cast(item: RatAgendaItem) -> int:
    """How many members have voted on the item so far (never what they voted)."""
    if item.voting == VotingMode.SECRET:
        return RatVoteMarker.objects.filter(item=item).count()
    return RatVote.objects.filter(item=item).count()


def member_open_meeting() -> RatMeeting | None:
    return RatMeeting.objects.filter(status=MeetingStatus.OPEN).order_by("-held_on", "-id").first()


@dataclass(frozen=True)
class BallotLine:
    item: RatAgendaItem
    voted: bool


def member_ballot(meeting: RatMeeting, member: Member) -> tuple[bool, list[BallotLine]]:
    """Whether the member is registered as present, and every item being voted on with
    whether they have voted on it yet."""
    present = RatAttendance.objects.filter(meeting=meeting, member=member).exists()
    items = list(meeting.items.filter(status=ItemStatus.VOTING).exclude(voting=VotingMode.NONE))
    secret = set(
        RatVoteMarker.objects.filter(item__in=items, member=member).values_list(
            "item_id", flat=True
        )
    )
    open_ = set(
        RatVote.objects.filter(item__in=items, member=member).values_list("item_id", flat=True)
    )
    return present, [BallotLine(item, item.pk in secret or item.pk in open_) for item in items]
