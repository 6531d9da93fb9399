"""Concurrent attempts, committed for real (transactional tests in their own cooperative,
"ratkonkur"): one member, one vote when two arrive at once; and in committed data no
sealed ballot shares a transaction id with any voter's marker."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from tenants.models import RatBallot, RatBallotBox, RatVoteMarker
from tenants.rat.exceptions import VoteRefused
from tenants.rat.services import rat_item_close, rat_vote_cast, rat_voting_open
from tests.factories import cooperative_ensure, user_make
from tests.rat.conftest import item_make, meeting_make, members_make, present

pytestmark = pytest.mark.django_db(transaction=True)
SLUG = "ratkonkur"


def in_threads(cooperative: Any, work: Callable[[int], Any], count: int) -> list[Any]:
    """Run work(n) in ``count`` threads at once, each on its own connection in the
    cooperative's schema; returns what each returned or raised."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(n: int) -> None:
        try:
            connection.set_tenant(cooperative)
            barrier.wait(timeout=10)
            results[n] = work(n)
        except Exception as exc:  # the test inspects it
            results[n] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def hall() -> dict[str, Any]:
    cooperative = cooperative_ensure(SLUG)
    teller = user_make("konkur-teller", roles={cooperative: ["kasir"]})
    connection.set_tenant(cooperative)
    meeting = meeting_make(open_=True)
    members = members_make(3)
    present(meeting, *members)
    connection.set_schema_to_public()
    return {"cooperative": cooperative, "teller": teller, "meeting": meeting, "members": members}


@pytest.mark.parametrize("voting", ["secret", "open"])
def test_two_votes_of_one_member_at_once_count_once(hall, voting):
    cooperative, teller, member = hall["cooperative"], hall["teller"], hall["members"][0]
    connection.set_tenant(cooperative)
    item = item_make(hall["meeting"], voting=voting)
    rat_voting_open(actor=None, item=item)

    def vote(n: int) -> str:
        rat_vote_cast(
            actor=teller, item=item, member=member, choice=("yes", "no")[n % 2], channel="hall"
        )
        return "ok"

    results = in_threads(cooperative, vote, 2)
    connection.set_tenant(cooperative)
    assert results.count("ok") == 1
    refused = [r for r in results if isinstance(r, VoteRefused)]
    assert len(refused) == 1 and refused[0].code == "already_voted"
    if voting == "secret":
        assert RatVoteMarker.objects.filter(item=item).count() == 1
        assert RatBallotBox.objects.filter(item=item).count() == 1
    closed = rat_item_close(actor=None, item=item)
    assert closed.yes_count + closed.no_count == 1


def xmins(table: str, item_id: int) -> set[str]:
    with connection.cursor() as cur:
        cur.execute(f"SELECT xmin::text FROM {table} WHERE item_id = %s", [item_id])
        return {row[0] for row in cur.fetchall()}


def test_committed_ballots_share_no_transaction_id_with_the_voters(hall):
    cooperative, teller = hall["cooperative"], hall["teller"]
    connection.set_tenant(cooperative)
    item = item_make(hall["meeting"], voting="secret")
    rat_voting_open(actor=None, item=item)
    for member, choice in zip(hall["members"], ["yes", "no", "yes"], strict=True):
        rat_vote_cast(actor=teller, item=item, member=member, choice=choice, channel="hall")
    rat_item_close(actor=None, item=item)
    markers, ballots = xmins("rat_vote_marker", item.pk), xmins("rat_ballot", item.pk)
    assert len(markers) == 3 and len(ballots) == 1
    assert not markers & ballots
    assert RatBallot.objects.filter(item=item).count() == 3
    assert RatBallotBox.objects.filter(item=item).count() == 0
