"""Secret ballots cannot be traced back to the voter from the database rows alone: the
sealed ballots hold nothing but a random id, the item and the choice; no column, no id
order and no PostgreSQL transaction id (xmin) links one to a voter's marker."""

from __future__ import annotations

from django.db import connection

from tenants.models import RatBallot, RatBallotBox, RatVoteMarker
from tenants.rat.services import rat_item_close, rat_vote_cast, rat_voting_open
from tests.rat.conftest import item_make


def columns(table: str) -> set[str]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s",
            [table],
        )
        return {row[0] for row in cur.fetchall()}


def foreign_keys(table: str) -> set[str]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT ccu.table_name FROM information_schema.table_constraints tc "
            "JOIN information_schema.constraint_column_usage ccu "
            "ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema "
            "WHERE tc.table_schema = current_schema() AND tc.table_name = %s "
            "AND tc.constraint_type = 'FOREIGN KEY'",
            [table],
        )
        return {row[0] for row in cur.fetchall()}


def xmins(table: str, item_id: int) -> list[str]:
    with connection.cursor() as cur:
        cur.execute(f"SELECT xmin::text FROM {table} WHERE item_id = %s", [item_id])
        return [row[0] for row in cur.fetchall()]


def test_a_sealed_ballot_holds_nothing_that_names_or_orders_a_voter(session, teller):
    # given a secret vote by three members, in a known order
    item = item_make(session["meeting"], voting="secret", title="Pemilihan pengawas")
    rat_voting_open(actor=None, item=item)
    voters = session["regular"][:3]
    for member, choice in zip(voters, ["yes", "no", "yes"], strict=True):
        rat_vote_cast(actor=teller, item=item, member=member, choice=choice, channel="hall")
    # while the vote is open the ballots wait in the box; no result is readable
    assert RatBallot.objects.filter(item=item).count() == 0
    # when the vote closes
    closed = rat_item_close(actor=None, item=item)
    # then the count is right
    assert (closed.yes_count, closed.no_count, closed.abstain_count) == (2, 1, 0)
    # the box is empty and the sealed ballots have no column but a random id, the item
    # and the choice, and reference nothing but the agenda item
    assert RatBallotBox.objects.filter(item=item).count() == 0
    assert columns("rat_ballot") == {"id", "item_id", "choice"}
    assert foreign_keys("rat_ballot") == {"rat_agenda_item"}
    # the markers say who voted, and nothing about what
    assert columns("rat_vote_marker") == {
        "id",
        "item_id",
        "member_id",
        "channel",
        "recorded_at",
        "recorded_by_id",
    }
    assert "rat_ballot" not in foreign_keys("rat_vote_marker")
    markers = list(RatVoteMarker.objects.filter(item=item).order_by("id"))
    assert [m.member_id for m in markers] == [v.pk for v in voters]
    # no id is shared or sequential: the ballots' ids are random UUIDs
    ballots = list(RatBallot.objects.filter(item=item))
    assert sorted(b.choice for b in ballots) == ["no", "yes", "yes"]
    assert all(b.id.version == 4 for b in ballots)
    assert not {str(b.id) for b in ballots} & {str(m.pk) for m in markers}
    # and not even PostgreSQL's transaction ids link them: each vote was its own
    # (sub)transaction, and every sealed ballot was written by the one that closed the vote
    marker_xmins = set(xmins("rat_vote_marker", item.pk))
    ballot_xmins = set(xmins("rat_ballot", item.pk))
    assert len(marker_xmins) == 3
    assert len(ballot_xmins) == 1
    assert not ballot_xmins & marker_xmins
