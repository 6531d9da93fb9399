"""Members' meeting (RAT) operations: set-up, documents, attendance, votes, decisions.

Every service is atomic with its audit row, refuses bad input with a RatError (nothing
written), and takes its locks in one order: the meeting row, then the agenda item row.
Secret votes: see tenants.models.rat and docs/rat.md.
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from audit.services import audit_record
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from identity import access

from tenants.ledger.actors import actor_id
from tenants.ledger.tenancy import require_cooperative
from tenants.models import (
    Choice,
    ItemOutcome,
    ItemStatus,
    MeetingStatus,
    Member,
    MemberKind,
    MemberStatus,
    RatAgendaItem,
    RatAttendance,
    RatBallot,
    RatBallotBox,
    RatDocument,
    RatMeeting,
    RatVote,
    RatVoteMarker,
    ShuSplitVersion,
    VoteChannel,
    VotingMode,
)
from tenants.rat import documents
from tenants.rat.access import can_record_in_hall, can_vote_as
from tenants.rat.exceptions import (
    AttendanceRefused,
    DocumentRefused,
    MeetingInvalid,
    RatError,
    VoteRefused,
)
from tenants.rat.selectors import member_identify, quorum
from tenants.shu.splits import shu_split_approve

HUNDRED = Decimal(100)


def _text(value: object, *, limit: int, required: bool, what: str) -> str:
    text = " ".join(value.split()) if isinstance(value, str) else ""
    if required and not text:
        raise MeetingInvalid(_("Enter the %(what)s.") % {"what": what}, code="text_required")
    if len(text) > limit:
        raise MeetingInvalid(
            _("The %(what)s is at most %(limit)s characters.") % {"what": what, "limit": limit},
            code="text_too_long",
        )
    return text


def _meeting_for_update(meeting: RatMeeting) -> RatMeeting:
    current = RatMeeting.objects.select_for_update().filter(pk=meeting.pk).first()
    if current is None or current.created_at != meeting.created_at:
        raise MeetingInvalid(
            _("This meeting is not in this cooperative's books."), code="meeting_foreign"
        )
    return current


def _item_for_update(item: RatAgendaItem) -> tuple[RatMeeting, RatAgendaItem]:
    meeting = _meeting_for_update(item.meeting)
    current = RatAgendaItem.objects.select_for_update().filter(pk=item.pk, meeting=meeting).first()
    if current is None:
        raise MeetingInvalid(_("This agenda item does not exist."), code="item_unknown")
    current.meeting = meeting
    return meeting, current


# ---- set-up -------------------------------------------------------------------------


def rat_meeting_create(
    *,
    actor: Any,
    title: str,
    book_year: int,
    held_on: date,
    place: str = "",
    quorum_percent: Decimal = Decimal("50.00"),
) -> RatMeeting:
    """A meeting being prepared. The quorum is reached when more than ``quorum_percent``
    percent of the eligible members (active anggota biasa) are present."""
    require_cooperative()
    clean_title = _text(title, limit=200, required=True, what=_("title"))
    clean_place = _text(place, limit=200, required=False, what=_("place"))
    if (
        not isinstance(book_year, int)
        or isinstance(book_year, bool)
        or not 1900 <= book_year <= 9999
    ):
        raise MeetingInvalid(_("Choose the book year."), code="year_invalid")
    if not isinstance(held_on, date):
        raise MeetingInvalid(_("Choose the meeting's date."), code="date_invalid")
    if (
        not isinstance(quorum_percent, Decimal)
        or not quorum_percent.is_finite()
        or not Decimal(0) <= quorum_percent < HUNDRED
        or quorum_percent != quorum_percent.quantize(Decimal("0.01"))
    ):
        raise MeetingInvalid(
            _("The quorum is a percentage from 0 to under 100, with at most two decimals."),
            code="quorum_invalid",
        )
    with transaction.atomic():
        meeting = RatMeeting.objects.create(
            title=clean_title,
            book_year=book_year,
            held_on=held_on,
            place=clean_place,
            quorum_percent=quorum_percent,
            created_at=timezone.now(),
            created_by_id=actor_id(actor),
        )
        audit_record(
            actor=actor,
            action="rat.meeting.create",
            obj=meeting,
            summary=f"{clean_title} {held_on.isoformat()}",
            data={"book_year": book_year, "quorum_percent": f"{quorum_percent:.2f}"},
        )
    return meeting


def rat_item_add(
    *,
    actor: Any,
    meeting: RatMeeting,
    title: str,
    voting: str,
    description: str = "",
    split_version: ShuSplitVersion | None = None,
) -> RatAgendaItem:
    """Add an item at the end of the agenda of a meeting not yet closed. An item that puts
    an SHU split to the members names a version not yet approved."""
    require_cooperative()
    clean_title = _text(title, limit=300, required=True, what=_("title"))
    clean_description = (description or "").strip() if isinstance(description, str) else ""
    if len(clean_description) > 5000:
        raise MeetingInvalid(
            _("The description is at most 5000 characters."), code="description_too_long"
        )
    if voting not in VotingMode.values:
        raise MeetingInvalid(
            _("Choose how the item is decided: by consensus, an open vote or a secret ballot."),
            code="voting_invalid",
        )
    with transaction.atomic():
        current = _meeting_for_update(meeting)
        if current.status == MeetingStatus.CLOSED:
            raise MeetingInvalid(_("The meeting is closed."), code="meeting_closed")
        version = None
        if split_version is not None:
            version = ShuSplitVersion.objects.filter(pk=split_version.pk).first()
            if version is None:
                raise MeetingInvalid(_("Choose a split version."), code="split_unknown")
            if version.is_approved:
                raise MeetingInvalid(
                    _("Split version %(number)s is already approved.") % {"number": version.number},
                    code="split_already_approved",
                )
        number = (current.items.aggregate(n=Max("number"))["n"] or 0) + 1
        item = RatAgendaItem.objects.create(
            meeting=current,
            number=number,
            title=clean_title,
            description=clean_description,
            voting=voting,
            split_version=version,
        )
        audit_record(
            actor=actor,
            action="rat.item.add",
            obj=item,
            summary=f"{current.pk} #{number} {clean_title}"[:500],
            data={"voting": voting, "split_version": version.number if version else None},
        )
    return item


def rat_document_add(
    *, actor: Any, meeting: RatMeeting, title: str, file_name: str, content: bytes
) -> RatDocument:
    """Keep a document of the meeting (PDF, office file or picture, at most 10 MB) under
    the cooperative's media folder, named by its SHA-256. The same file twice is refused."""
    require_cooperative()
    clean_title = _text(title, limit=200, required=True, what=_("title"))
    name = PurePath(str(file_name or "")).name[:200]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in documents.EXTENSIONS:
        raise DocumentRefused(
            _("Upload a PDF, Word, Excel, OpenDocument, JPEG or PNG file."),
            code="document_type",
        )
    if not isinstance(content, bytes) or not content:
        raise DocumentRefused(_("The file is empty."), code="document_empty")
    if len(content) > documents.MAX_BYTES:
        raise DocumentRefused(_("A document is at most 10 MB."), code="document_too_large")
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        current = _meeting_for_update(meeting)
        if RatDocument.objects.filter(meeting=current, sha256=digest).exists():
            raise DocumentRefused(
                _("This file is already among the meeting's documents."), code="document_repeated"
            )
        made = documents.document_write(current.pk, digest, extension, content)
        try:
            document = RatDocument.objects.create(
                meeting=current,
                title=clean_title,
                original_name=name,
                extension=extension,
                sha256=digest,
                size=len(content),
                uploaded_at=timezone.now(),
                uploaded_by_id=actor_id(actor),
            )
            audit_record(
                actor=actor,
                action="rat.document.add",
                obj=document,
                summary=f"{current.pk}: {clean_title}"[:500],
                data={"sha256": digest, "size": len(content), "name": name},
            )
        except Exception:
            if made:
                documents.document_remove(current.pk, digest, extension)
            raise
    return document


def rat_meeting_open(*, actor: Any, meeting: RatMeeting) -> RatMeeting:
    """Open the session: from now on members present may vote on the items put to a vote."""
    with transaction.atomic():
        current = _meeting_for_update(meeting)
        if current.status != MeetingStatus.DRAFT:
            raise MeetingInvalid(
                _("Only a meeting being prepared can be opened."), code="meeting_not_draft"
            )
        current.status = MeetingStatus.OPEN
        current.opened_at = timezone.now()
        current.save(update_fields=["status", "opened_at"])
        found = quorum(current)
        audit_record(
            actor=actor,
            action="rat.meeting.open",
            obj=current,
            summary=current.title,
            data={"present_eligible": found.present_eligible, "eligible": found.eligible},
        )
    return current


def rat_meeting_close(*, actor: Any, meeting: RatMeeting) -> RatMeeting:
    """Close the session; refused while an item is still being voted on."""
    with transaction.atomic():
        current = _meeting_for_update(meeting)
        if current.status != MeetingStatus.OPEN:
            raise MeetingInvalid(_("The meeting is not in session."), code="meeting_not_open")
        if current.items.filter(status=ItemStatus.VOTING).exists():
            raise MeetingInvalid(
                _("Close the vote on every item first."), code="meeting_votes_open"
            )
        current.status = MeetingStatus.CLOSED
        current.closed_at = timezone.now()
        current.save(update_fields=["status", "closed_at"])
        found = quorum(current)
        audit_record(
            actor=actor,
            action="rat.meeting.close",
            obj=current,
            summary=current.title,
            data={"present": found.present, "present_eligible": found.present_eligible},
        )
    return current


# ---- attendance ---------------------------------------------------------------------


def rat_attendance_record(
    *,
    actor: Any,
    meeting: RatMeeting,
    member_number: str | None = None,
    card_token: str | None = None,
) -> tuple[RatAttendance, bool]:
    """Register a member's arrival by their card (the signed QR token, checked as at the
    counter: another cooperative's or a forged card is refused) or their number. Any
    active member may attend; only anggota biasa count for the quorum. Returns the
    attendance and whether it is new (a second scan finds the first)."""
    require_cooperative()
    member, method = member_identify(member_number=member_number, card_token=card_token)
    if member.status != MemberStatus.ACTIVE:
        raise AttendanceRefused(
            _("Member %(number)s is not active (%(status)s).")
            % {"number": member.member_number, "status": member.get_status_display()},
            code="member_inactive",
        )
    with transaction.atomic():
        current = _meeting_for_update(meeting)
        if current.status == MeetingStatus.CLOSED:
            raise AttendanceRefused(_("The meeting is closed."), code="meeting_closed")
        existing = RatAttendance.objects.filter(meeting=current, member=member).first()
        if existing is not None:
            return existing, False
        attendance = RatAttendance.objects.create(
            meeting=current,
            member=member,
            method=method,
            recorded_at=timezone.now(),
            recorded_by_id=actor_id(actor),
        )
        audit_record(
            actor=actor,
            action="rat.attendance.record",
            obj=attendance,
            summary=f"{current.pk}: {member.member_number}",
            data={"method": method, "kind": member.kind},
        )
    return attendance, True


# ---- votes --------------------------------------------------------------------------


def rat_voting_open(*, actor: Any, item: RatAgendaItem) -> RatAgendaItem:
    """Start the vote on an item of a meeting in session, when the quorum is reached."""
    with transaction.atomic():
        meeting, current = _item_for_update(item)
        if meeting.status != MeetingStatus.OPEN:
            raise VoteRefused(_("The meeting is not in session."), code="meeting_not_open")
        if current.voting == VotingMode.NONE:
            raise VoteRefused(
                _("This item is decided by consensus, not by a vote."), code="item_no_vote"
            )
        if current.status != ItemStatus.PENDING:
            raise VoteRefused(
                _("This item has been put to the vote already."), code="item_not_pending"
            )
        found = quorum(meeting)
        if not found.reached:
            raise VoteRefused(
                _(
                    "No quorum: %(present)s of %(eligible)s eligible members are present, "
                    "%(needed)s are needed."
                )
                % {
                    "present": found.present_eligible,
                    "eligible": found.eligible,
                    "needed": found.needed,
                },
                code="no_quorum",
            )
        current.status = ItemStatus.VOTING
        current.voting_opened_at = timezone.now()
        current.save(update_fields=["status", "voting_opened_at"])
        audit_record(
            actor=actor,
            action="rat.item.voting_open",
            obj=current,
            summary=f"{meeting.pk} #{current.number}",
            data={"present_eligible": found.present_eligible, "eligible": found.eligible},
        )
    return current


def _lock_item_for_vote(item: RatAgendaItem) -> tuple[str, str, str]:
    """The item's row FOR SHARE (votes go in side by side; closing waits for them) and
    its meeting's status."""
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT i.status, i.voting, m.status FROM {RatAgendaItem._meta.db_table} i "
            f"JOIN {RatMeeting._meta.db_table} m ON m.id = i.meeting_id "
            "WHERE i.id = %s FOR SHARE OF i",
            [item.pk],
        )
        row = cur.fetchone()
    if row is None:
        raise VoteRefused(_("This agenda item does not exist."), code="item_unknown")
    return row[0], row[1], row[2]


def rat_vote_cast(
    *, actor: Any, item: RatAgendaItem, member: Member, choice: str, channel: str
) -> None:
    """One member, one vote. ``channel`` "phone": the member votes for themselves (the
    actor is the member's own login); "hall": a teller records it. Refused: an item not
    being voted on, a member not present, not active or an anggota luar biasa, a second
    vote (also when two arrive at once: the unique constraint decides), a bad choice.

    A secret vote writes a marker (the member voted) and a ballot into the item's box
    (the choice, under a random id, nothing else); the audit row names the member, never
    the choice. Returns nothing, so that a caller cannot echo a secret vote back."""
    require_cooperative()
    if choice not in Choice.values:
        raise VoteRefused(_("Choose agree, disagree or abstain."), code="choice_invalid")
    if channel not in VoteChannel.values:
        raise VoteRefused(_("Unknown way of voting."), code="channel_invalid")
    cooperative = access.current_cooperative()
    if channel == VoteChannel.PHONE and not can_vote_as(actor, cooperative, member.user_id):
        raise VoteRefused(_("Members vote for themselves only."), code="vote_not_own")
    if channel == VoteChannel.HALL and not can_record_in_hall(actor, cooperative):
        raise VoteRefused(
            _("Only the meeting's tellers record votes in the hall."), code="vote_not_teller"
        )
    try:
        with transaction.atomic():
            status, voting, meeting_status = _lock_item_for_vote(item)
            if meeting_status != MeetingStatus.OPEN:
                raise VoteRefused(_("The meeting is not in session."), code="meeting_not_open")
            if status != ItemStatus.VOTING:
                raise VoteRefused(_("Voting on this item is not open."), code="item_not_voting")
            row = Member.objects.filter(pk=member.pk, member_number=member.member_number).first()
            if row is None:
                raise VoteRefused(
                    _("There is no such member in this cooperative."), code="member_unknown"
                )
            if row.kind != MemberKind.BIASA:
                raise VoteRefused(
                    _("Anggota luar biasa may speak at the meeting but do not vote."),
                    code="member_not_voting",
                )
            if row.status != MemberStatus.ACTIVE:
                raise VoteRefused(_("Only active members vote."), code="member_inactive")
            if not RatAttendance.objects.filter(meeting_id=item.meeting_id, member=row).exists():
                raise VoteRefused(
                    _("Member %(number)s is not registered as present at the meeting.")
                    % {"number": row.member_number},
                    code="member_absent",
                )
            now = timezone.now()
            if voting == VotingMode.SECRET:
                marker = RatVoteMarker.objects.create(
                    item_id=item.pk,
                    member=row,
                    channel=channel,
                    recorded_at=now,
                    recorded_by_id=actor_id(actor),
                )
                RatBallotBox.objects.create(item_id=item.pk, choice=choice)
                audit_record(
                    actor=actor,
                    action="rat.vote.secret",
                    obj=marker,
                    summary=f"item {item.pk}: {row.member_number} voted",
                    data={"channel": channel},
                )
            else:
                vote = RatVote.objects.create(
                    item_id=item.pk,
                    member=row,
                    choice=choice,
                    channel=channel,
                    recorded_at=now,
                    recorded_by_id=actor_id(actor),
                )
                audit_record(
                    actor=actor,
                    action="rat.vote.open",
                    obj=vote,
                    summary=f"item {item.pk}: {row.member_number} {choice}",
                    data={"channel": channel, "choice": choice},
                )
    except IntegrityError:
        raise VoteRefused(
            _("Member %(number)s has already voted on this item.")
            % {"number": member.member_number},
            code="already_voted",
        ) from None


def _seal_ballots(item: RatAgendaItem) -> dict[str, int]:
    """Move the item's ballots from the box into the sealed ballots, in random order and
    under new random ids, and empty the box; returns the counts per choice."""
    box, sealed = RatBallotBox._meta.db_table, RatBallot._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {sealed} (id, item_id, choice) "
            f"SELECT gen_random_uuid(), item_id, choice FROM {box} WHERE item_id = %s "
            "ORDER BY random()",
            [item.pk],
        )
        cur.execute(f"DELETE FROM {box} WHERE item_id = %s", [item.pk])
    transaction.on_commit(_vacuum_box, robust=True)
    counts = dict(
        RatBallot.objects.filter(item_id=item.pk)
        .values("choice")
        .annotate(n=Count("id"))
        .values_list("choice", "n")
    )
    markers = RatVoteMarker.objects.filter(item_id=item.pk).count()
    if sum(counts.values()) != markers:  # a marker without its ballot, or the reverse
        raise RatError(
            _("The ballots do not match the members who voted; the vote cannot be closed."),
            code="ballots_mismatch",
        )
    return counts


def _vacuum_box() -> None:
    """Reclaim the emptied box's dead rows (they still carry the voters' transaction ids).
    Runs after the commit, outside any transaction; best effort."""
    if connection.in_atomic_block:
        return
    with connection.cursor() as cur:
        cur.execute(f"VACUUM {RatBallotBox._meta.db_table}")


def rat_item_close(*, actor: Any, item: RatAgendaItem, outcome: str | None = None) -> RatAgendaItem:
    """Decide an item; its result is locked from then on (a database trigger).

    A voted item: the votes are counted (secret ballots are sealed first); approved when
    more members agree than disagree (abstentions count for neither). An item decided by
    consensus: ``outcome`` (approved or rejected) as the chair declares it, with the
    quorum present. An approved item that puts an SHU split to the members approves that
    version (tenants.shu.splits.shu_split_approve), in the same transaction."""
    with transaction.atomic():
        meeting, current = _item_for_update(item)
        if meeting.status != MeetingStatus.OPEN:
            raise VoteRefused(_("The meeting is not in session."), code="meeting_not_open")
        if current.voting == VotingMode.NONE:
            if current.status != ItemStatus.PENDING:
                raise VoteRefused(_("This item is decided already."), code="item_closed")
            if outcome not in ItemOutcome.values:
                raise VoteRefused(
                    _("Say whether the meeting approved or rejected the item."),
                    code="outcome_invalid",
                )
            found = quorum(meeting)
            if not found.reached:
                raise VoteRefused(
                    _(
                        "No quorum: %(present)s of %(eligible)s eligible members are present, "
                        "%(needed)s are needed."
                    )
                    % {
                        "present": found.present_eligible,
                        "eligible": found.eligible,
                        "needed": found.needed,
                    },
                    code="no_quorum",
                )
            counts: dict[str, int] = {}
            decided = str(outcome)
        else:
            if current.status != ItemStatus.VOTING:
                raise VoteRefused(_("Voting on this item is not open."), code="item_not_voting")
            if current.voting == VotingMode.SECRET:
                counts = _seal_ballots(current)
            else:
                counts = dict(
                    RatVote.objects.filter(item=current)
                    .values("choice")
                    .annotate(n=Count("id"))
                    .values_list("choice", "n")
                )
            yes, no = counts.get(Choice.YES, 0), counts.get(Choice.NO, 0)
            decided = ItemOutcome.APPROVED if yes > no else ItemOutcome.REJECTED
            current.yes_count = yes
            current.no_count = no
            current.abstain_count = counts.get(Choice.ABSTAIN, 0)
        current.status = ItemStatus.CLOSED
        current.outcome = decided
        current.closed_at = timezone.now()
        current.save(
            update_fields=[
                "status",
                "outcome",
                "closed_at",
                "yes_count",
                "no_count",
                "abstain_count",
            ]
        )
        if current.split_version_id is not None and decided == ItemOutcome.APPROVED:
            assert current.split_version is not None
            shu_split_approve(actor=actor, version=current.split_version, meeting=meeting)
        audit_record(
            actor=actor,
            action="rat.item.close",
            obj=current,
            summary=f"{meeting.pk} #{current.number}: {decided}",
            data={"outcome": decided, "counts": counts},
        )
    return current
