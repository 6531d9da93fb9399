"""A member's meeting page under /anggota/rat/: the meeting in session, whether they are
registered as present, the items being voted on (one vote each, on the phone) and the
meeting's documents."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from identity.decorators import member_required

from tenants.memberweb.selectors import member_of_user
from tenants.models import Member, RatDocument
from tenants.rat import selectors
from tenants.rat.forms import MemberVoteForm
from tenants.rat.services import rat_vote_cast
from tenants.rat.views import document_response


def _member(request: HttpRequest) -> Member:
    member = member_of_user(request.user)
    if member is None:
        raise Http404("No member record is linked to this login.")
    return member


def _page(request: HttpRequest, member: Member, *, status: int = 200) -> HttpResponse:
    meeting = selectors.member_open_meeting()
    context: dict[str, object] = {"meeting": meeting}
    if meeting is not None:
        present, lines = selectors.member_ballot(meeting, member)
        context.update(
            present=present,
            lines=lines,
            documents=selectors.meeting_documents(meeting),
            can_vote=member.kind == "biasa",
        )
    return render(request, "rat/member.html", context, status=status)


@member_required()
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return _page(request, _member(request))


@member_required()
@require_POST
def vote(request: HttpRequest, item_pk: int) -> HttpResponse:
    member = _member(request)
    meeting = selectors.member_open_meeting()
    item = selectors.item_get(meeting, item_pk) if meeting is not None else None
    if item is None:
        raise Http404
    form = MemberVoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose agree, disagree or abstain."))
        return _page(request, member, status=400)
    try:
        rat_vote_cast(
            actor=request.user,
            item=item,
            member=member,
            choice=form.cleaned_data["choice"],
            channel="phone",
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _page(request, member, status=400)
    messages.success(request, _("Your vote is recorded. Thank you."))
    return redirect("tenants:memberweb:rat:index")


@member_required()
@require_GET
def document(request: HttpRequest, doc_pk: int) -> HttpResponse:
    _member(request)
    # a meeting's documents are the members' once it is in session (not while prepared)
    found = RatDocument.objects.filter(pk=doc_pk).exclude(meeting__status="draft").first()
    if found is None:
        raise Http404
    return document_response(found)
