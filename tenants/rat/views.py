"""Staff pages of the members' meeting under staf/rat/: set-up (board), the attendance
desk and hall votes (tellers), the live quorum, the RAT pack and the ODS export. Views
validate, call one service or selector, render; a refusal is shown with a 4xx status."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from identity import access
from identity.decorators import staff_required

from tenants.models import RatDocument, RatMeeting
from tenants.rat import selectors, services
from tenants.rat.access import can_record_in_hall, can_run_meetings
from tenants.rat.documents import CONTENT_TYPES, document_read
from tenants.rat.forms import (
    AttendanceForm,
    CloseItemForm,
    DocumentForm,
    HallVoteForm,
    ItemForm,
    MeetingForm,
)
from tenants.rat.ods import ods_xlsx
from tenants.rat.pack import rat_pack_pdf

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _meeting(pk: int) -> RatMeeting:
    meeting = selectors.meeting_get(pk)
    if meeting is None:
        raise Http404
    return meeting


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@staff_required()
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    cooperative = access.current_cooperative()
    return render(
        request,
        "rat/index.html",
        {
            "meetings": list(selectors.meetings()),
            "can_run": can_run_meetings(request.user, cooperative),
        },
    )


@staff_required(board=True)
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                meeting = services.rat_meeting_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("tenants:rat:meeting", pk=meeting.pk)
        status = 400
    return render(request, "rat/meeting_form.html", {"form": form}, status=status)


def _meeting_page(
    request: HttpRequest, meeting: RatMeeting, *, status: int = 200, **context: Any
) -> HttpResponse:
    cooperative = access.current_cooperative()
    items = selectors.meeting_items(meeting)
    context.setdefault("item_form", ItemForm())
    context.setdefault("document_form", DocumentForm())
    context.update(
        {
            "meeting": meeting,
            "quorum": selectors.quorum(meeting),
            "items": [(item, selectors.votes_cast(item)) for item in items],
            "documents": selectors.meeting_documents(meeting),
            "can_run": can_run_meetings(request.user, cooperative),
            "can_record": can_record_in_hall(request.user, cooperative),
            "close_form": CloseItemForm(),
        }
    )
    return render(request, "rat/meeting.html", context, status=status)


@staff_required()
@require_GET
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_page(request, _meeting(pk))


@staff_required(board=True)
@require_POST
def meeting_state(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    meeting = _meeting(pk)
    try:
        if action == "buka":
            services.rat_meeting_open(actor=request.user, meeting=meeting)
        elif action == "tutup":
            services.rat_meeting_close(actor=request.user, meeting=meeting)
        else:
            raise Http404
    except ValidationError as exc:
        _errors(request, exc)
        return _meeting_page(request, _meeting(pk), status=400)
    return redirect("tenants:rat:meeting", pk=meeting.pk)


@staff_required(board=True)
@require_POST
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(pk)
    form = ItemForm(request.POST)
    if form.is_valid():
        try:
            services.rat_item_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("tenants:rat:meeting", pk=meeting.pk)
    return _meeting_page(request, meeting, status=400, item_form=form)


@staff_required(board=True)
@require_POST
def item_state(request: HttpRequest, pk: int, item_pk: int, action: str) -> HttpResponse:
    meeting = _meeting(pk)
    item = selectors.item_get(meeting, item_pk)
    if item is None:
        raise Http404
    try:
        if action == "mulai":
            services.rat_voting_open(actor=request.user, item=item)
        elif action == "putuskan":
            form = CloseItemForm(request.POST)
            outcome = form.cleaned_data["outcome"] if form.is_valid() else None
            services.rat_item_close(actor=request.user, item=item, outcome=outcome or None)
        else:
            raise Http404
    except ValidationError as exc:
        _errors(request, exc)
        return _meeting_page(request, _meeting(pk), status=400)
    return redirect("tenants:rat:meeting", pk=meeting.pk)


@staff_required(board=True)
@require_POST
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.rat_document_add(
                actor=request.user,
                meeting=meeting,
                title=form.cleaned_data["title"],
                file_name=upload.name,
                content=upload.read(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("tenants:rat:meeting", pk=meeting.pk)
    return _meeting_page(request, meeting, status=400, document_form=form)


def document_response(document: RatDocument) -> HttpResponse:
    content = document_read(document.meeting_id, document.sha256, document.extension)
    if content is None:
        raise Http404
    response = HttpResponse(content, content_type=CONTENT_TYPES[document.extension])
    filename = f"rat-{document.meeting_id}-{document.pk}.{document.extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_required()
@require_GET
def document(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    found = RatDocument.objects.filter(meeting_id=pk, pk=doc_pk).first()
    if found is None:
        raise Http404
    return document_response(found)


def _desk(
    request: HttpRequest,
    meeting: RatMeeting,
    form: AttendanceForm,
    *,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    context = {
        "meeting": meeting,
        "form": form,
        "quorum": selectors.quorum(meeting),
        "recent": list(selectors.attendance_list(meeting)[:15]),
        **extra,
    }
    return render(request, "rat/attendance.html", context, status=status)


@never_cache
@staff_required(write=True)
@require_http_methods(["GET", "HEAD", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(pk)
    if request.method != "POST":
        return _desk(request, meeting, AttendanceForm())
    form = AttendanceForm(request.POST)
    if form.is_valid():
        try:
            found, created = services.rat_attendance_record(
                actor=request.user,
                meeting=meeting,
                card_token=form.cleaned_data["token"] or None,
                member_number=form.cleaned_data["nomor"] or None,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _desk(request, meeting, AttendanceForm(), arrived=found.member, created=created)
    return _desk(request, meeting, form, status=400)


@never_cache
@staff_required()
@require_GET
def quorum_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(pk)
    return render(
        request, "rat/quorum.html", {"meeting": meeting, "quorum": selectors.quorum(meeting)}
    )


@never_cache
@staff_required(write=True)
@require_http_methods(["GET", "HEAD", "POST"])
def hall_vote(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = _meeting(pk)
    item = selectors.item_get(meeting, item_pk)
    if item is None:
        raise Http404
    context: dict[str, Any] = {"meeting": meeting, "item": item}
    if request.method != "POST":
        context.update(form=HallVoteForm(), cast=selectors.votes_cast(item))
        return render(request, "rat/hall_vote.html", context)
    form = HallVoteForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            member, _how = selectors.member_identify(
                card_token=form.cleaned_data["token"] or None,
                member_number=form.cleaned_data["nomor"] or None,
            )
            services.rat_vote_cast(
                actor=request.user,
                item=item,
                member=member,
                choice=form.cleaned_data["choice"],
                channel="hall",
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            context["recorded"] = member
            form = HallVoteForm()
            status = 200
    context.update(form=form, cast=selectors.votes_cast(item))
    return render(request, "rat/hall_vote.html", context, status=status)


@staff_required()
@require_GET
def pack(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(pk)
    pdf = rat_pack_pdf(cooperative=access.current_cooperative(), meeting=meeting)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="rat-{meeting.book_year}.pdf"'
    return response


@staff_required()
@require_GET
def ods(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(pk)
    content = ods_xlsx(cooperative=access.current_cooperative(), meeting=meeting)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ods-rat-{meeting.book_year}.xlsx"'
    return response
