"""RAT (rapat anggota tahunan): the members' meeting, its agenda, documents, attendance and
votes.

Secret ballots (docs/rat.md, "Secret ballots"): who voted is a RatVoteMarker (member, item);
what was voted is a RatBallot (item, choice) with a random UUID for its id and nothing else:
no member, no time, no sequence, so no column of one table joins or orders it against the
other; while the vote is open the ballots wait in RatBallotBox, sealed into RatBallot by
the transaction that closes the item (so not even PostgreSQL's transaction ids link a
sealed ballot to its voter's marker). Open votes are RatVote rows that name the member.
Votes, markers and ballots are never changed or deleted, and are accepted only while
their item is being voted on; a closed item's result never changes (database triggers,
migration 0015).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tenants.models.members import Member


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", _("In session")
    CLOSED = "closed", _("Closed")


class RatMeeting(models.Model):
    """One members' meeting (usually the annual one, on the book year ``book_year``)."""

    title = models.CharField(_("title"), max_length=200)
    book_year = models.PositiveSmallIntegerField(_("book year"))
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    # Quorum: present eligible members x 100 > eligible members x quorum_percent.
    quorum_percent = models.DecimalField(
        _("quorum (percent of eligible members, more than)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("50.00"),
    )
    status = models.CharField(
        _("status"), max_length=6, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    created_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        db_table = "rat_meeting"
        ordering = ["-held_on", "-id"]
        verbose_name = _("members' meeting")
        verbose_name_plural = _("members' meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MeetingStatus.values), name="rat_meeting_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(quorum_percent__gte=0, quorum_percent__lt=100),
                name="rat_meeting_quorum_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on})"


class VotingMode(models.TextChoices):
    NONE = "none", _("No vote (decided by consensus)")
    OPEN = "open", _("Open vote")
    SECRET = "secret", _("Secret ballot")


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("Not yet discussed")
    VOTING = "voting", _("Voting")
    CLOSED = "closed", _("Decided")


class ItemOutcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Choice(models.TextChoices):
    YES = "yes", _("Agree")
    NO = "no", _("Disagree")
    ABSTAIN = "abstain", _("Abstain")


class RatAgendaItem(models.Model):
    """One item of a meeting's agenda; ``split_version`` when the item approves an SHU
    split. The counts and outcome are written once, when the item is closed."""

    meeting = models.ForeignKey(
        RatMeeting, on_delete=models.PROTECT, related_name="items", verbose_name=_("meeting")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    voting = models.CharField(_("decided by"), max_length=6, choices=VotingMode.choices)
    split_version = models.ForeignKey(
        "tenants.ShuSplitVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("SHU split to approve"),
    )
    status = models.CharField(
        _("status"), max_length=7, choices=ItemStatus.choices, default=ItemStatus.PENDING
    )
    yes_count = models.PositiveIntegerField(_("agree"), null=True, blank=True)
    no_count = models.PositiveIntegerField(_("disagree"), null=True, blank=True)
    abstain_count = models.PositiveIntegerField(_("abstain"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=ItemOutcome.choices, blank=True)
    voting_opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        db_table = "rat_agenda_item"
        ordering = ["meeting_id", "number"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="rat_item_number_unique"),
            models.CheckConstraint(
                condition=Q(voting__in=VotingMode.values) & Q(status__in=ItemStatus.values),
                name="rat_item_choices_valid",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=ItemStatus.CLOSED) & ~Q(outcome="") & Q(closed_at__isnull=False)
                )
                | (~Q(status=ItemStatus.CLOSED) & Q(outcome="") & Q(closed_at__isnull=True)),
                name="rat_item_outcome_iff_closed",
            ),
            models.CheckConstraint(
                condition=~Q(voting=VotingMode.NONE, status=ItemStatus.VOTING),
                name="rat_item_no_vote_without_voting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class RatDocument(models.Model):
    """A document of a meeting (LPJ, supervisors' report, RAPB...), kept as a file under
    the cooperative's own media folder: MEDIA_ROOT/<schema>/rat/<meeting>/<sha256>.<ext>."""

    meeting = models.ForeignKey(
        RatMeeting, on_delete=models.PROTECT, related_name="documents", verbose_name=_("meeting")
    )
    title = models.CharField(_("title"), max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    extension = models.CharField(max_length=5)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded at"))
    uploaded_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        db_table = "rat_document"
        ordering = ["meeting_id", "id"]
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "sha256"], name="rat_document_once"),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="rat_document_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def stored_name(self) -> str:
        return f"{self.sha256}.{self.extension}"


class AttendanceMethod(models.TextChoices):
    CARD = "card", _("Member card scanned")
    NUMBER = "number", _("Member number entered")


class RatAttendance(models.Model):
    """A member present at a meeting (once). Whether they count for the quorum is decided
    live from the member's kind and status (anggota luar biasa never count)."""

    meeting = models.ForeignKey(
        RatMeeting, on_delete=models.PROTECT, related_name="attendance", verbose_name=_("meeting")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="rat_attendance", verbose_name=_("member")
    )
    method = models.CharField(_("recorded by"), max_length=6, choices=AttendanceMethod.choices)
    recorded_at = models.DateTimeField(_("arrived at"))
    recorded_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        db_table = "rat_attendance"
        ordering = ["meeting_id", "id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="rat_attendance_once"),
            models.CheckConstraint(
                condition=Q(method__in=AttendanceMethod.values), name="rat_attendance_method_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.member_id}"


class VoteChannel(models.TextChoices):
    HALL = "hall", _("Recorded in the hall by a teller")
    PHONE = "phone", _("Cast by the member on the phone")


class RatVote(models.Model):
    """An open vote: who voted what."""

    item = models.ForeignKey(
        RatAgendaItem, on_delete=models.PROTECT, related_name="votes", verbose_name=_("item")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="rat_votes", verbose_name=_("member")
    )
    choice = models.CharField(_("vote"), max_length=7, choices=Choice.choices)
    channel = models.CharField(_("channel"), max_length=5, choices=VoteChannel.choices)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        db_table = "rat_vote"
        ordering = ["item_id", "id"]
        verbose_name = _("open vote")
        verbose_name_plural = _("open votes")
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="rat_vote_once"),
            models.CheckConstraint(
                condition=Q(choice__in=Choice.values) & Q(channel__in=VoteChannel.values),
                name="rat_vote_choices_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.member_id} {self.choice}"


class RatVoteMarker(models.Model):
    """That a member has voted on a secret item: one per member and item, and nothing about
    the vote itself."""

    item = models.ForeignKey(
        RatAgendaItem, on_delete=models.PROTECT, related_name="markers", verbose_name=_("item")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="rat_markers", verbose_name=_("member")
    )
    channel = models.CharField(_("channel"), max_length=5, choices=VoteChannel.choices)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        db_table = "rat_vote_marker"
        ordering = ["item_id", "id"]
        verbose_name = _("voted marker")
        verbose_name_plural = _("voted markers")
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="rat_marker_once"),
            models.CheckConstraint(
                condition=Q(channel__in=VoteChannel.values), name="rat_marker_channel_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.member_id} voted"


class RatBallotBox(models.Model):
    """A secret ballot while its item is being voted on. It is written in the voter's
    transaction (so the vote and the voter's marker stand or fall together) and so shares
    that transaction's id (xmin) with the marker; closing the item seals the box: its
    ballots move, in random order and under new random ids, into RatBallot in one
    transaction, the box is emptied and vacuumed (docs/rat.md). Results come only from
    the sealed ballots."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(
        RatAgendaItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    choice = models.CharField(_("vote"), max_length=7, choices=Choice.choices)

    class Meta:
        db_table = "rat_ballot_box"
        verbose_name = _("ballot in the box")
        verbose_name_plural = _("ballots in the box")
        constraints = [
            models.CheckConstraint(
                condition=Q(choice__in=Choice.values), name="rat_ballot_box_choice_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: sealed until the vote closes"


class RatBallot(models.Model):
    """One anonymous, sealed secret ballot: a random id, the item and the choice. Nothing
    else; all ballots of an item are written by the one transaction that closes it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(
        RatAgendaItem, on_delete=models.PROTECT, related_name="ballots", verbose_name=_("item")
    )
    choice = models.CharField(_("vote"), max_length=7, choices=Choice.choices)

    class Meta:
        db_table = "rat_ballot"
        ordering = ["item_id", "id"]
        verbose_name = _("secret ballot")
        verbose_name_plural = _("secret ballots")
        constraints = [
            models.CheckConstraint(
                condition=Q(choice__in=Choice.values), name="rat_ballot_choice_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.choice}"


__all__ = [
    "AttendanceMethod",
    "Choice",
    "ItemOutcome",
    "ItemStatus",
    "MeetingStatus",
    "RatAgendaItem",
    "RatAttendance",
    "RatBallot",
    "RatBallotBox",
    "RatDocument",
    "RatMeeting",
    "RatVote",
    "RatVoteMarker",
    "VoteChannel",
    "VotingMode",
]
