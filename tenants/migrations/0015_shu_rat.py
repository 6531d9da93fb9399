# SHU split versions, final runs and shares; RAT meetings, agenda, documents, attendance,
# open votes, voted markers, the ballot box and sealed anonymous ballots; their guards.

import uuid
from decimal import Decimal

import django.db.models.deletion
import django.db.models.expressions
from django.db import migrations, models

# Database guards (docs/decisions/0011-shu.md, docs/rat.md). The functions live in public,
# shared by every cooperative's schema like the ledger's (0002), and name tables through
# TG_TABLE_SCHEMA. Reversing drops the triggers; the functions stay for other schemas.

SPLIT_GUARD = """
CREATE OR REPLACE FUNCTION public.shu_split_guard() RETURNS trigger AS $$
DECLARE
    used boolean;
    approval CONSTANT text[] := ARRAY['approved_meeting_id', 'approved_at'];
BEGIN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.shu_run WHERE split_version_id = $1)',
                   TG_TABLE_SCHEMA) INTO used USING OLD.id;
    IF TG_OP = 'DELETE' THEN
        IF used OR OLD.approved_meeting_id IS NOT NULL THEN
            RAISE EXCEPTION 'shu: split version % is approved or used and is never deleted',
                OLD.number;
        END IF;
        RETURN OLD;
    END IF;
    IF to_jsonb(NEW) = to_jsonb(OLD) THEN
        RETURN NEW;
    END IF;
    IF OLD.approved_meeting_id IS NOT NULL THEN
        RAISE EXCEPTION 'shu: split version % is approved and never changes; make a new version',
            OLD.number;
    END IF;
    IF used AND (to_jsonb(NEW) - approval) <> (to_jsonb(OLD) - approval) THEN
        RAISE EXCEPTION 'shu: split version % is used by a final run and never changes',
            OLD.number;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

IMMUTABLE = """
CREATE OR REPLACE FUNCTION public.shu_rat_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '%: row % is never changed or deleted', TG_TABLE_NAME, OLD.id;
END;
$$ LANGUAGE plpgsql;
"""

VOTE_INSERT_CHECK = """
CREATE OR REPLACE FUNCTION public.rat_vote_insert_check() RETURNS trigger AS $$
DECLARE
    item_status text;
    item_voting text;
BEGIN
    EXECUTE format('SELECT status, voting FROM %I.rat_agenda_item WHERE id = $1',
                   TG_TABLE_SCHEMA) INTO item_status, item_voting USING NEW.item_id;
    IF item_status IS DISTINCT FROM 'voting' THEN
        RAISE EXCEPTION 'rat: agenda item % is not being voted on', NEW.item_id;
    END IF;
    IF (TG_TABLE_NAME = 'rat_vote') <> (item_voting = 'open') THEN
        RAISE EXCEPTION 'rat: agenda item % is decided by a % vote', NEW.item_id, item_voting;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

ITEM_GUARD = """
CREATE OR REPLACE FUNCTION public.rat_item_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'pending' THEN
            RAISE EXCEPTION 'rat: agenda item % has been voted on and is never deleted', OLD.id;
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'closed' AND to_jsonb(NEW) <> to_jsonb(OLD) THEN
        RAISE EXCEPTION 'rat: agenda item % is decided; its result is locked', OLD.id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

BOX_DELETE_CHECK = """
CREATE OR REPLACE FUNCTION public.rat_box_delete_check() RETURNS trigger AS $$
DECLARE
    item_status text;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'rat: a ballot in the box is never changed';
    END IF;
    EXECUTE format('SELECT status FROM %I.rat_agenda_item WHERE id = $1', TG_TABLE_SCHEMA)
        INTO item_status USING OLD.item_id;
    IF item_status IS DISTINCT FROM 'voting' THEN
        RAISE EXCEPTION 'rat: the ballot box of item % is emptied only when its vote closes',
            OLD.item_id;
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
"""


def _trigger(name: str, when: str, table: str, function: str) -> tuple[str, str]:
    return (
        f"CREATE TRIGGER {name} {when} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION public.{function}();",
        f"DROP TRIGGER IF EXISTS {name} ON {table};",
    )


TRIGGERS = [
    _trigger("shu_split_guard", "BEFORE UPDATE OR DELETE", "shu_split_version", "shu_split_guard"),
    _trigger("shu_run_immutable", "BEFORE UPDATE OR DELETE", "shu_run", "shu_rat_immutable"),
    _trigger("shu_share_immutable", "BEFORE UPDATE OR DELETE", "shu_share", "shu_rat_immutable"),
    _trigger("rat_item_guard", "BEFORE UPDATE OR DELETE", "rat_agenda_item", "rat_item_guard"),
    _trigger(
        "rat_ballot_box_guard", "BEFORE UPDATE OR DELETE", "rat_ballot_box", "rat_box_delete_check"
    ),
    _trigger(
        "rat_ballot_box_insert_check", "BEFORE INSERT", "rat_ballot_box", "rat_vote_insert_check"
    ),
    *[
        trigger
        for table in ("rat_vote", "rat_vote_marker", "rat_ballot")
        for trigger in (
            _trigger(f"{table}_immutable", "BEFORE UPDATE OR DELETE", table, "shu_rat_immutable"),
            _trigger(f"{table}_insert_check", "BEFORE INSERT", table, "rat_vote_insert_check"),
        )
    ],
]


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0014_default_loan_products"),
    ]

    operations = [
        migrations.CreateModel(
            name="RatMeeting",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("book_year", models.PositiveSmallIntegerField(verbose_name="book year")),
                ("held_on", models.DateField(verbose_name="date")),
                ("place", models.CharField(blank=True, max_length=200, verbose_name="place")),
                (
                    "quorum_percent",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("50.00"),
                        max_digits=5,
                        verbose_name="quorum (percent of eligible members, more than)",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Being prepared"),
                            ("open", "In session"),
                            ("closed", "Closed"),
                        ],
                        default="draft",
                        max_length=6,
                        verbose_name="status",
                    ),
                ),
                (
                    "opened_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="opened at"),
                ),
                (
                    "closed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="closed at"),
                ),
                ("created_at", models.DateTimeField(verbose_name="created at")),
                ("created_by_id", models.BigIntegerField(blank=True, null=True)),
            ],
            options={
                "verbose_name": "members' meeting",
                "verbose_name_plural": "members' meetings",
                "db_table": "rat_meeting",
                "ordering": ["-held_on", "-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["draft", "open", "closed"])),
                        name="rat_meeting_status_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("quorum_percent__gte", 0), ("quorum_percent__lt", 100)),
                        name="rat_meeting_quorum_range",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="ShuSplitVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField(unique=True, verbose_name="version")),
                (
                    "reserves_percent",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=5,
                        verbose_name="reserves (cadangan)",
                    ),
                ),
                (
                    "jasa_usaha_percent",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=5,
                        verbose_name="jasa usaha (members' business)",
                    ),
                ),
                (
                    "jasa_modal_percent",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=5,
                        verbose_name="jasa modal (members' capital)",
                    ),
                ),
                (
                    "board_percent",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=5,
                        verbose_name="board and supervisors' fund",
                    ),
                ),
                (
                    "staff_percent",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=5,
                        verbose_name="staff fund",
                    ),
                ),
                (
                    "education_percent",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=5,
                        verbose_name="education fund",
                    ),
                ),
                (
                    "social_percent",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=5,
                        verbose_name="social fund",
                    ),
                ),
                (
                    "other_percent",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=5,
                        verbose_name="other fund",
                    ),
                ),
                (
                    "other_label",
                    models.CharField(
                        blank=True, max_length=100, verbose_name="name of the other fund"
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=500, verbose_name="note")),
                ("created_at", models.DateTimeField(verbose_name="created at")),
                ("created_by_id", models.BigIntegerField(blank=True, null=True)),
                (
                    "approved_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="approved at"),
                ),
                (
                    "approved_meeting",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="approved_splits",
                        to="tenants.ratmeeting",
                        verbose_name="approved at the meeting",
                    ),
                ),
            ],
            options={
                "verbose_name": "SHU split version",
                "verbose_name_plural": "SHU split versions",
                "db_table": "shu_split_version",
                "ordering": ["-number"],
            },
        ),
        migrations.CreateModel(
            name="ShuRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(unique=True, verbose_name="book year")),
                (
                    "capital_basis",
                    models.CharField(
                        choices=[
                            ("year_end", "Balance at the end of the year"),
                            ("average", "Average daily balance over the year"),
                        ],
                        max_length=10,
                        verbose_name="jasa modal basis",
                    ),
                ),
                (
                    "payout",
                    models.CharField(
                        choices=[
                            ("sukarela", "Into the member's simpanan sukarela"),
                            ("payable", "Kept as SHU payable (2104), paid out later"),
                        ],
                        max_length=10,
                        verbose_name="paid",
                    ),
                ),
                (
                    "total_income",
                    models.DecimalField(decimal_places=2, max_digits=18, verbose_name="income"),
                ),
                (
                    "total_expense",
                    models.DecimalField(decimal_places=2, max_digits=18, verbose_name="expenses"),
                ),
                ("shu", models.DecimalField(decimal_places=2, max_digits=18, verbose_name="SHU")),
                (
                    "non_member_income",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=18,
                        verbose_name="income from business with non-members",
                    ),
                ),
                (
                    "non_member_part",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=18,
                        verbose_name="SHU from business with non-members",
                    ),
                ),
                (
                    "member_part",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=18,
                        verbose_name="SHU from business with members",
                    ),
                ),
                (
                    "reserves",
                    models.DecimalField(decimal_places=2, max_digits=18, verbose_name="reserves"),
                ),
                (
                    "board",
                    models.DecimalField(decimal_places=2, max_digits=18, verbose_name="board fund"),
                ),
                (
                    "staff",
                    models.DecimalField(decimal_places=2, max_digits=18, verbose_name="staff fund"),
                ),
                (
                    "education",
                    models.DecimalField(
                        decimal_places=2, max_digits=18, verbose_name="education fund"
                    ),
                ),
                (
                    "social",
                    models.DecimalField(
                        decimal_places=2, max_digits=18, verbose_name="social fund"
                    ),
                ),
                (
                    "other",
                    models.DecimalField(decimal_places=2, max_digits=18, verbose_name="other fund"),
                ),
                (
                    "jasa_usaha_pool",
                    models.DecimalField(
                        decimal_places=2, max_digits=18, verbose_name="jasa usaha pool"
                    ),
                ),
                (
                    "jasa_modal_pool",
                    models.DecimalField(
                        decimal_places=2, max_digits=18, verbose_name="jasa modal pool"
                    ),
                ),
                (
                    "business_total",
                    models.DecimalField(
                        decimal_places=2, max_digits=18, verbose_name="all members' business"
                    ),
                ),
                (
                    "capital_total",
                    models.DecimalField(
                        decimal_places=2, max_digits=18, verbose_name="all members' capital"
                    ),
                ),
                (
                    "jasa_usaha_paid",
                    models.DecimalField(
                        decimal_places=2, max_digits=18, verbose_name="jasa usaha paid"
                    ),
                ),
                (
                    "jasa_modal_paid",
                    models.DecimalField(
                        decimal_places=2, max_digits=18, verbose_name="jasa modal paid"
                    ),
                ),
                (
                    "remainder_usaha",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=18,
                        verbose_name="jasa usaha rounding remainder",
                    ),
                ),
                (
                    "remainder_modal",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=18,
                        verbose_name="jasa modal rounding remainder",
                    ),
                ),
                (
                    "to_sukarela",
                    models.DecimalField(
                        decimal_places=2, max_digits=18, verbose_name="paid into simpanan sukarela"
                    ),
                ),
                (
                    "to_payable",
                    models.DecimalField(
                        decimal_places=2, max_digits=18, verbose_name="kept as SHU payable"
                    ),
                ),
                ("members_count", models.PositiveIntegerField(verbose_name="members with a share")),
                ("digest", models.CharField(max_length=64)),
                ("payout_key", models.CharField(blank=True, max_length=60)),
                ("created_at", models.DateTimeField(verbose_name="created at")),
                ("created_by_id", models.BigIntegerField(blank=True, null=True)),
                (
                    "journal_entry",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="tenants.journalentry",
                        verbose_name="journal entry",
                    ),
                ),
                (
                    "split_version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="runs",
                        to="tenants.shusplitversion",
                        verbose_name="split version",
                    ),
                ),
            ],
            options={
                "verbose_name": "SHU distribution",
                "verbose_name_plural": "SHU distributions",
                "db_table": "shu_run",
                "ordering": ["-year"],
            },
        ),
        migrations.CreateModel(
            name="RatAgendaItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveSmallIntegerField(verbose_name="number")),
                ("title", models.CharField(max_length=300, verbose_name="title")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                (
                    "voting",
                    models.CharField(
                        choices=[
                            ("none", "No vote (decided by consensus)"),
                            ("open", "Open vote"),
                            ("secret", "Secret ballot"),
                        ],
                        max_length=6,
                        verbose_name="decided by",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Not yet discussed"),
                            ("voting", "Voting"),
                            ("closed", "Decided"),
                        ],
                        default="pending",
                        max_length=7,
                        verbose_name="status",
                    ),
                ),
                (
                    "yes_count",
                    models.PositiveIntegerField(blank=True, null=True, verbose_name="agree"),
                ),
                (
                    "no_count",
                    models.PositiveIntegerField(blank=True, null=True, verbose_name="disagree"),
                ),
                (
                    "abstain_count",
                    models.PositiveIntegerField(blank=True, null=True, verbose_name="abstain"),
                ),
                (
                    "outcome",
                    models.CharField(
                        blank=True,
                        choices=[("approved", "Approved"), ("rejected", "Rejected")],
                        max_length=8,
                        verbose_name="outcome",
                    ),
                ),
                ("voting_opened_at", models.DateTimeField(blank=True, null=True)),
                (
                    "closed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
                ),
                (
                    "meeting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="items",
                        to="tenants.ratmeeting",
                        verbose_name="meeting",
                    ),
                ),
                (
                    "split_version",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="agenda_items",
                        to="tenants.shusplitversion",
                        verbose_name="SHU split to approve",
                    ),
                ),
            ],
            options={
                "verbose_name": "agenda item",
                "verbose_name_plural": "agenda items",
                "db_table": "rat_agenda_item",
                "ordering": ["meeting_id", "number"],
            },
        ),
        migrations.CreateModel(
            name="RatBallot",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                (
                    "choice",
                    models.CharField(
                        choices=[("yes", "Agree"), ("no", "Disagree"), ("abstain", "Abstain")],
                        max_length=7,
                        verbose_name="vote",
                    ),
                ),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ballots",
                        to="tenants.ratagendaitem",
                        verbose_name="item",
                    ),
                ),
            ],
            options={
                "verbose_name": "secret ballot",
                "verbose_name_plural": "secret ballots",
                "db_table": "rat_ballot",
                "ordering": ["item_id", "id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("choice__in", ["yes", "no", "abstain"])),
                        name="rat_ballot_choice_valid",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="RatBallotBox",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                (
                    "choice",
                    models.CharField(
                        choices=[("yes", "Agree"), ("no", "Disagree"), ("abstain", "Abstain")],
                        max_length=7,
                        verbose_name="vote",
                    ),
                ),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="tenants.ratagendaitem",
                        verbose_name="item",
                    ),
                ),
            ],
            options={
                "verbose_name": "ballot in the box",
                "verbose_name_plural": "ballots in the box",
                "db_table": "rat_ballot_box",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("choice__in", ["yes", "no", "abstain"])),
                        name="rat_ballot_box_choice_valid",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="RatDocument",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("original_name", models.CharField(max_length=200, verbose_name="file name")),
                ("extension", models.CharField(max_length=5)),
                ("sha256", models.CharField(max_length=64)),
                ("size", models.PositiveIntegerField(verbose_name="size (bytes)")),
                ("uploaded_at", models.DateTimeField(verbose_name="uploaded at")),
                ("uploaded_by_id", models.BigIntegerField(blank=True, null=True)),
                (
                    "meeting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="documents",
                        to="tenants.ratmeeting",
                        verbose_name="meeting",
                    ),
                ),
            ],
            options={
                "verbose_name": "meeting document",
                "verbose_name_plural": "meeting documents",
                "db_table": "rat_document",
                "ordering": ["meeting_id", "id"],
                "constraints": [
                    models.UniqueConstraint(fields=("meeting", "sha256"), name="rat_document_once"),
                    models.CheckConstraint(
                        condition=models.Q(("sha256__regex", "^[0-9a-f]{64}$")),
                        name="rat_document_sha256_hex",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="RatAttendance",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "method",
                    models.CharField(
                        choices=[
                            ("card", "Member card scanned"),
                            ("number", "Member number entered"),
                        ],
                        max_length=6,
                        verbose_name="recorded by",
                    ),
                ),
                ("recorded_at", models.DateTimeField(verbose_name="arrived at")),
                ("recorded_by_id", models.BigIntegerField(blank=True, null=True)),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="rat_attendance",
                        to="tenants.member",
                        verbose_name="member",
                    ),
                ),
                (
                    "meeting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="attendance",
                        to="tenants.ratmeeting",
                        verbose_name="meeting",
                    ),
                ),
            ],
            options={
                "verbose_name": "attendance",
                "verbose_name_plural": "attendance",
                "db_table": "rat_attendance",
                "ordering": ["meeting_id", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("meeting", "member"), name="rat_attendance_once"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("method__in", ["card", "number"])),
                        name="rat_attendance_method_valid",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="RatVote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "choice",
                    models.CharField(
                        choices=[("yes", "Agree"), ("no", "Disagree"), ("abstain", "Abstain")],
                        max_length=7,
                        verbose_name="vote",
                    ),
                ),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("hall", "Recorded in the hall by a teller"),
                            ("phone", "Cast by the member on the phone"),
                        ],
                        max_length=5,
                        verbose_name="channel",
                    ),
                ),
                ("recorded_at", models.DateTimeField(verbose_name="recorded at")),
                ("recorded_by_id", models.BigIntegerField(blank=True, null=True)),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="votes",
                        to="tenants.ratagendaitem",
                        verbose_name="item",
                    ),
                ),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="rat_votes",
                        to="tenants.member",
                        verbose_name="member",
                    ),
                ),
            ],
            options={
                "verbose_name": "open vote",
                "verbose_name_plural": "open votes",
                "db_table": "rat_vote",
                "ordering": ["item_id", "id"],
                "constraints": [
                    models.UniqueConstraint(fields=("item", "member"), name="rat_vote_once"),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("choice__in", ["yes", "no", "abstain"]),
                            ("channel__in", ["hall", "phone"]),
                        ),
                        name="rat_vote_choices_valid",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="RatVoteMarker",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("hall", "Recorded in the hall by a teller"),
                            ("phone", "Cast by the member on the phone"),
                        ],
                        max_length=5,
                        verbose_name="channel",
                    ),
                ),
                ("recorded_at", models.DateTimeField(verbose_name="recorded at")),
                ("recorded_by_id", models.BigIntegerField(blank=True, null=True)),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="markers",
                        to="tenants.ratagendaitem",
                        verbose_name="item",
                    ),
                ),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="rat_markers",
                        to="tenants.member",
                        verbose_name="member",
                    ),
                ),
            ],
            options={
                "verbose_name": "voted marker",
                "verbose_name_plural": "voted markers",
                "db_table": "rat_vote_marker",
                "ordering": ["item_id", "id"],
                "constraints": [
                    models.UniqueConstraint(fields=("item", "member"), name="rat_marker_once"),
                    models.CheckConstraint(
                        condition=models.Q(("channel__in", ["hall", "phone"])),
                        name="rat_marker_channel_valid",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="ShuShare",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "business",
                    models.DecimalField(
                        decimal_places=2, max_digits=18, verbose_name="member's business"
                    ),
                ),
                (
                    "capital",
                    models.DecimalField(
                        decimal_places=2, max_digits=18, verbose_name="member's pokok and wajib"
                    ),
                ),
                (
                    "jasa_usaha",
                    models.DecimalField(decimal_places=2, max_digits=18, verbose_name="jasa usaha"),
                ),
                (
                    "jasa_modal",
                    models.DecimalField(decimal_places=2, max_digits=18, verbose_name="jasa modal"),
                ),
                (
                    "total",
                    models.DecimalField(decimal_places=2, max_digits=18, verbose_name="total"),
                ),
                (
                    "paid_to",
                    models.CharField(
                        choices=[
                            ("sukarela", "Into the member's simpanan sukarela"),
                            ("payable", "Kept as SHU payable (2104), paid out later"),
                        ],
                        max_length=10,
                        verbose_name="paid",
                    ),
                ),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="shu_shares",
                        to="tenants.member",
                        verbose_name="member",
                    ),
                ),
                (
                    "run",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="shares",
                        to="tenants.shurun",
                        verbose_name="distribution",
                    ),
                ),
            ],
            options={
                "verbose_name": "SHU share",
                "verbose_name_plural": "SHU shares",
                "db_table": "shu_share",
                "ordering": ["run_id", "member_id"],
                "indexes": [models.Index(fields=["member", "run"], name="shu_share_member_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("run", "member"), name="shu_share_once_per_run"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "total",
                                django.db.models.expressions.CombinedExpression(
                                    models.F("jasa_usaha"), "+", models.F("jasa_modal")
                                ),
                            )
                        ),
                        name="shu_share_total",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("business__gte", 0),
                            ("capital__gte", 0),
                            ("jasa_modal__gte", 0),
                            ("jasa_usaha__gte", 0),
                        ),
                        name="shu_share_not_negative",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("paid_to__in", ["sukarela", "payable"])),
                        name="shu_share_paid_to_valid",
                    ),
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="shusplitversion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("board_percent__gte", 0),
                    ("board_percent__lte", 100),
                    ("education_percent__gte", 0),
                    ("education_percent__lte", 100),
                    ("jasa_modal_percent__gte", 0),
                    ("jasa_modal_percent__lte", 100),
                    ("jasa_usaha_percent__gte", 0),
                    ("jasa_usaha_percent__lte", 100),
                    ("other_percent__gte", 0),
                    ("other_percent__lte", 100),
                    ("reserves_percent__gte", 0),
                    ("reserves_percent__lte", 100),
                    ("social_percent__gte", 0),
                    ("social_percent__lte", 100),
                    ("staff_percent__gte", 0),
                    ("staff_percent__lte", 100),
                ),
                name="shu_split_percent_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="shusplitversion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "reserves_percent",
                        django.db.models.expressions.CombinedExpression(
                            django.db.models.expressions.CombinedExpression(
                                django.db.models.expressions.CombinedExpression(
                                    django.db.models.expressions.CombinedExpression(
                                        django.db.models.expressions.CombinedExpression(
                                            django.db.models.expressions.CombinedExpression(
                                                django.db.models.expressions.CombinedExpression(
                                                    models.Value(Decimal("100")),
                                                    "-",
                                                    models.F("jasa_usaha_percent"),
                                                ),
                                                "-",
                                                models.F("jasa_modal_percent"),
                                            ),
                                            "-",
                                            models.F("board_percent"),
                                        ),
                                        "-",
                                        models.F("staff_percent"),
                                    ),
                                    "-",
                                    models.F("education_percent"),
                                ),
                                "-",
                                models.F("social_percent"),
                            ),
                            "-",
                            models.F("other_percent"),
                        ),
                    )
                ),
                name="shu_split_adds_to_100",
            ),
        ),
        migrations.AddConstraint(
            model_name="shusplitversion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("approved_at__isnull", True), ("approved_meeting__isnull", True)),
                    models.Q(("approved_at__isnull", False), ("approved_meeting__isnull", False)),
                    _connector="OR",
                ),
                name="shu_split_approval_complete",
            ),
        ),
        migrations.AddConstraint(
            model_name="shurun",
            constraint=models.CheckConstraint(
                condition=models.Q(("shu__gt", 0)), name="shu_run_shu_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="shurun",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "shu",
                        django.db.models.expressions.CombinedExpression(
                            models.F("member_part"), "+", models.F("non_member_part")
                        ),
                    )
                ),
                name="shu_run_parts_add_up",
            ),
        ),
        migrations.AddConstraint(
            model_name="shurun",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "shu",
                        django.db.models.expressions.CombinedExpression(
                            django.db.models.expressions.CombinedExpression(
                                django.db.models.expressions.CombinedExpression(
                                    django.db.models.expressions.CombinedExpression(
                                        django.db.models.expressions.CombinedExpression(
                                            django.db.models.expressions.CombinedExpression(
                                                django.db.models.expressions.CombinedExpression(
                                                    models.F("reserves"), "+", models.F("board")
                                                ),
                                                "+",
                                                models.F("staff"),
                                            ),
                                            "+",
                                            models.F("education"),
                                        ),
                                        "+",
                                        models.F("social"),
                                    ),
                                    "+",
                                    models.F("other"),
                                ),
                                "+",
                                models.F("jasa_usaha_pool"),
                            ),
                            "+",
                            models.F("jasa_modal_pool"),
                        ),
                    )
                ),
                name="shu_run_split_adds_up",
            ),
        ),
        migrations.AddConstraint(
            model_name="shurun",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "jasa_usaha_pool",
                        django.db.models.expressions.CombinedExpression(
                            models.F("jasa_usaha_paid"), "+", models.F("remainder_usaha")
                        ),
                    ),
                    (
                        "jasa_modal_pool",
                        django.db.models.expressions.CombinedExpression(
                            models.F("jasa_modal_paid"), "+", models.F("remainder_modal")
                        ),
                    ),
                ),
                name="shu_run_pools_add_up",
            ),
        ),
        migrations.AddConstraint(
            model_name="shurun",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "to_sukarela",
                        django.db.models.expressions.CombinedExpression(
                            django.db.models.expressions.CombinedExpression(
                                models.F("jasa_usaha_paid"), "+", models.F("jasa_modal_paid")
                            ),
                            "-",
                            models.F("to_payable"),
                        ),
                    )
                ),
                name="shu_run_payout_adds_up",
            ),
        ),
        migrations.AddConstraint(
            model_name="shurun",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("board__gte", 0),
                    ("education__gte", 0),
                    ("non_member_part__gte", 0),
                    ("other__gte", 0),
                    ("remainder_modal__gte", 0),
                    ("remainder_usaha__gte", 0),
                    ("reserves__gte", 0),
                    ("social__gte", 0),
                    ("staff__gte", 0),
                    ("to_payable__gte", 0),
                    ("to_sukarela__gte", 0),
                ),
                name="shu_run_amounts_not_negative",
            ),
        ),
        migrations.AddConstraint(
            model_name="shurun",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("capital_basis__in", ["year_end", "average"]),
                    ("payout__in", ["sukarela", "payable"]),
                ),
                name="shu_run_choices_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="shurun",
            constraint=models.CheckConstraint(
                condition=models.Q(("digest__regex", "^[0-9a-f]{64}$")), name="shu_run_digest_hex"
            ),
        ),
        migrations.AddConstraint(
            model_name="ratagendaitem",
            constraint=models.UniqueConstraint(
                fields=("meeting", "number"), name="rat_item_number_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="ratagendaitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("voting__in", ["none", "open", "secret"]),
                    ("status__in", ["pending", "voting", "closed"]),
                ),
                name="rat_item_choices_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="ratagendaitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("status", "closed"),
                        models.Q(("outcome", ""), _negated=True),
                        ("closed_at__isnull", False),
                    ),
                    models.Q(
                        models.Q(("status", "closed"), _negated=True),
                        ("outcome", ""),
                        ("closed_at__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="rat_item_outcome_iff_closed",
            ),
        ),
        migrations.AddConstraint(
            model_name="ratagendaitem",
            constraint=models.CheckConstraint(
                condition=models.Q(("status", "voting"), ("voting", "none"), _negated=True),
                name="rat_item_no_vote_without_voting",
            ),
        ),
        migrations.RunSQL(SPLIT_GUARD, migrations.RunSQL.noop),
        migrations.RunSQL(IMMUTABLE, migrations.RunSQL.noop),
        migrations.RunSQL(VOTE_INSERT_CHECK, migrations.RunSQL.noop),
        migrations.RunSQL(ITEM_GUARD, migrations.RunSQL.noop),
        migrations.RunSQL(BOX_DELETE_CHECK, migrations.RunSQL.noop),
        *[migrations.RunSQL(forward, backward) for forward, backward in TRIGGERS],
    ]
