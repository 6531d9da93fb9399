"""The staff pages of the member registry, mounted at staf/anggota/ on a cooperative's host:
the list and search, registration, a member's page, the lifecycle (admit, resign with the
return of pokok and wajib, death, expulsion), contact and heirs.

Views validate, call one service, render. A refusal is shown on the field it is about, with
status 400, and nothing is written. The NIK is shown masked everywhere and searched only
through its keyed hash; a NIK typed into the search box is posted, never put in a URL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from identity import access
from identity.decorators import staff_required
from money.rupiah import format_rupiah

from tenants.interest.resignation import LEFT_STATUSES, resignation_settle
from tenants.members import selectors
from tenants.members.forms import (
    ContactForm,
    DeathForm,
    ExpelForm,
    LifecycleForm,
    MemberRegisterForm,
    MemberSearchForm,
    RefusalForm,
    SettleForm,
    heir_formset,
    heir_inputs,
    heir_placeholders,
)
from tenants.members.nik import nik_compact, nik_mask
from tenants.members.services import (
    HeirInput,
    member_activate,
    member_expel,
    member_heirs_check,
    member_heirs_set,
    member_record_death,
    member_register,
    member_resign,
    member_update_contact,
)
from tenants.models import Member
from tenants.savings.selectors import savings_accounts_of

PER_PAGE = 25
GET_OR_POST = ["GET", "HEAD", "POST"]


def _member(pk: int) -> Member:
    member = selectors.member_get(pk)
    if member is None:
        raise Http404(_("No such member."))
    return member


def _detail_url(member: Member) -> str:
    return reverse("tenants:members:detail", args=[member.pk])


# The list ----------------------------------------------------------------------------


@staff_required()
@require_http_methods(GET_OR_POST)
def member_list(request: HttpRequest) -> HttpResponse:
    """The search box is posted: a NIK is looked up at once (and never echoed back); a name
    or number is redirected to a plain GET address that pages. A NIK in a GET address is
    answered with a redirect to the member's page, so the page does not repeat it."""
    form = MemberSearchForm(request.POST if request.method == "POST" else (request.GET or None))
    query = status = ""
    if form.is_bound and form.is_valid():
        query, status = form.cleaned_data["q"].strip(), form.cleaned_data["status"]
        if request.method == "POST" and not selectors.query_is_nik(query):
            params = {name: value for name, value in (("q", query), ("status", status)) if value}
            target = reverse("tenants:members:list")
            return redirect(f"{target}?{urlencode(params)}" if params else target)
    nik_searched = ""
    if selectors.query_is_nik(query):
        if request.method != "POST":
            # A NIK typed into the address: answered with an address that does not hold it.
            found = selectors.member_find_by_nik(query)
            if found is not None:
                return redirect(_detail_url(found))
            messages.error(request, _("No member has this NIK."))
            return redirect("tenants:members:list")
        nik_searched = nik_mask(nik_compact(query))
        form = MemberSearchForm(initial={"status": status})
    page = Paginator(selectors.member_list(query, status=status), PER_PAGE).get_page(
        request.GET.get("page")
    )
    cooperative = access.current_cooperative()
    return render(
        request,
        "members/list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": [(member, selectors.member_nik_masked(member)) for member in page],
            "searched": bool(query or status),
            "nik_searched": nik_searched,
            "can_write": access.can_write_in(request.user, cooperative),
            # Posted, a NIK stays out of addresses and access logs; but a suspended
            # cooperative refuses every POST (registry.middleware), so it searches by GET.
            "search_method": "post" if getattr(cooperative, "status", "") == "active" else "get",
        },
        status=400 if form.errors else 200,
    )


# Registration ------------------------------------------------------------------------


class _Refused(Exception):
    """A refusal and the step that gave it ("member" or "heirs")."""

    def __init__(self, stage: str, error: ValidationError) -> None:
        super().__init__(stage)
        self.stage = stage
        self.error = error


def _register(actor: Any, form: MemberRegisterForm, heirs: list[HeirInput]) -> Member:
    """The heirs are checked first (so a refusal points at the heirs block), then one
    service registers the member with them in one transaction."""
    try:
        member_heirs_check(heirs)
    except ValidationError as error:
        raise _Refused("heirs", error) from error
    try:
        return member_register(actor=actor, heirs=heirs, **form.service_arguments())
    except ValidationError as error:
        raise _Refused("member", error) from error


@staff_required(write=True)
@require_http_methods(GET_OR_POST)
def member_new(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = MemberRegisterForm(data)
    heirs = heir_formset(data)
    heirs_errors: list[str] = []
    if data is not None:
        form_ok, heirs_ok = form.is_valid(), heirs.is_valid()
        if form_ok and heirs_ok:
            try:
                member = _register(request.user, form, heir_inputs(heirs))
            except _Refused as refused:
                if refused.stage == "heirs":
                    heirs_errors = list(refused.error.messages)
                else:
                    form.add_refusal(refused.error)
            else:
                messages.success(
                    request,
                    _("%(name)s is registered as member number %(number)s.")
                    % {"name": member.full_name, "number": member.member_number},
                )
                return redirect(_detail_url(member))
    context = {"form": form, "heirs": heirs, "heirs_errors": heirs_errors}
    return render(
        request, "members/register.html", context, status=400 if data is not None else 200
    )


# A member's page ---------------------------------------------------------------------


def _detail_context(request: HttpRequest, member: Member) -> dict[str, Any]:
    cooperative = access.current_cooperative()
    heirs = list(selectors.member_heirs(member))
    settlement = selectors.resignation_settlement_of(member)
    show_preview = member.status in LEFT_STATUSES
    return {
        "member": member,
        "nik_masked": selectors.member_nik_masked(member),
        "kk_masked": selectors.member_kk_masked(member),
        "phone_masked": selectors.member_phone_masked(member),
        "history": list(selectors.member_status_history(member)),
        "heirs": [(heir, selectors.heir_nik_masked(heir)) for heir in heirs],
        "accounts": list(
            savings_accounts_of(member).order_by(
                F("closed_at").asc(nulls_first=True), "product_id", "id"
            )
        ),
        "settlement": settlement,
        "preview": selectors.resignation_preview(member)
        if show_preview and settlement is None
        else None,
        "settle_form": SettleForm(),
        "can_write": access.can_write_in(request.user, cooperative),
        "can_board": access.can_manage_staff(request.user, cooperative),
        "teller_url": (
            f"{reverse('tenants:teller:member_lookup')}?"
            f"{urlencode({'nomor': member.member_number})}"
        ),
    }


@staff_required()
@require_http_methods(["GET", "HEAD"])
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "members/detail.html", _detail_context(request, _member(pk)))


@staff_required(board=True)
@require_POST
def member_settle(request: HttpRequest, pk: int) -> HttpResponse:
    """Return a resigned member's pokok and wajib (tenants.interest.resignation)."""
    member = _member(pk)
    form = SettleForm(request.POST)
    if form.is_valid():
        try:
            settlement = resignation_settle(
                actor=request.user, member=member, payout_to=form.cleaned_data["payout_to"]
            )
        except ValidationError as error:
            form.add_refusal(error)
        else:
            messages.success(
                request,
                _("Simpanan pokok and wajib returned: %(total)s.")
                % {"total": format_rupiah(settlement.total)},
            )
            return redirect(_detail_url(member))
    context = _detail_context(request, member)
    context["settle_form"] = form
    return render(request, "members/detail.html", context, status=400)


# The lifecycle -----------------------------------------------------------------------


def _lifecycle(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type[RefusalForm],
    call: Callable[[Member, dict[str, Any]], Member],
    title: str,
    button: str,
    done: str,
    explain: str = "",
    danger: bool = False,
    preview: bool = False,
) -> HttpResponse:
    member = _member(pk)
    data = request.POST if request.method == "POST" else None
    form = form_class(data)
    if data is not None and form.is_valid():
        try:
            member = call(member, form.cleaned_data)
        except _HeirUnknown as unknown:
            form.add_error("heir_number", unknown.message)
        except ValidationError as error:
            form.add_refusal(error)
        else:
            messages.success(request, done % {"number": member.member_number})
            return redirect(_detail_url(member))
    context = {
        "member": member,
        "nik_masked": selectors.member_nik_masked(member),
        "form": form,
        "title": title,
        "button": button,
        "explain": explain,
        "danger": danger,
        "preview": selectors.resignation_preview(member) if preview else None,
    }
    return render(request, "members/action.html", context, status=400 if data is not None else 200)


class _HeirUnknown(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@staff_required(board=True)
@require_http_methods(GET_OR_POST)
def member_admit(request: HttpRequest, pk: int) -> HttpResponse:
    return _lifecycle(
        request,
        pk,
        form_class=LifecycleForm,
        call=lambda member, data: member_activate(
            actor=request.user,
            member=member,
            effective_date=data["effective_date"],
            reason=data["reason"],
        ),
        title=_("Admit as a member"),
        button=_("Admit"),
        done=_("Member %(number)s is now an active member."),
        explain=_("The applicant becomes an active member from the date given."),
    )


@staff_required(board=True)
@require_http_methods(GET_OR_POST)
def member_resign_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _lifecycle(
        request,
        pk,
        form_class=LifecycleForm,
        call=lambda member, data: member_resign(
            actor=request.user,
            member=member,
            effective_date=data["effective_date"],
            reason=data["reason"],
        ),
        title=_("Resignation"),
        button=_("Record the resignation"),
        done=_(
            "Member %(number)s has resigned. Return their simpanan pokok and wajib on this page."
        ),
        explain=_(
            "The member leaves of their own will. Their simpanan pokok and wajib are returned "
            "in a second step, on the member's page, once nothing holds them back."
        ),
        danger=True,
        preview=True,
    )


@staff_required(board=True)
@require_http_methods(GET_OR_POST)
def member_death(request: HttpRequest, pk: int) -> HttpResponse:
    def call(member: Member, data: dict[str, Any]) -> Member:
        heir = None
        number = data["heir_number"].strip()
        if number:
            heir = selectors.member_find_by_number(number)
            if heir is None:
                raise _HeirUnknown(_("No member has this number."))
        return member_record_death(
            actor=request.user,
            member=member,
            date_of_death=data["effective_date"],
            heir_member=heir,
            reason=data["reason"],
        )

    return _lifecycle(
        request,
        pk,
        form_class=DeathForm,
        call=call,
        title=_("Record a death"),
        button=_("Record the death"),
        done=_("The death of member %(number)s is recorded."),
        explain=_("Membership cannot be transferred, but an heir who is a member may continue it."),
        danger=True,
    )


@staff_required(board=True)
@require_http_methods(GET_OR_POST)
def member_expel_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _lifecycle(
        request,
        pk,
        form_class=ExpelForm,
        call=lambda member, data: member_expel(
            actor=request.user,
            member=member,
            effective_date=data["effective_date"],
            reason=data["reason"],
        ),
        title=_("Expel the member"),
        button=_("Expel"),
        done=_("Member %(number)s is expelled."),
        explain=_("Expulsion follows a decision of the board; give it as the reason."),
        danger=True,
    )


# Contact and heirs -------------------------------------------------------------------


@staff_required(write=True)
@require_http_methods(GET_OR_POST)
def member_contact(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(pk)
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if data["phone_remove"]:
                phone = ""
            else:  # left empty: the number stays as it is
                phone = data["phone"].strip() or selectors.member_phone(member)
            try:
                member_update_contact(
                    actor=request.user, member=member, phone=phone, address=form.address()
                )
            except ValidationError as error:
                form.add_refusal(error)
            else:
                messages.success(request, _("The contact details are saved."))
                return redirect(_detail_url(member))
        status = 400
    else:
        form = ContactForm(initial={name: getattr(member, name) for name in ContactForm.ADDRESS})
        status = 200
    context = {
        "member": member,
        "nik_masked": selectors.member_nik_masked(member),
        "phone_masked": selectors.member_phone_masked(member),
        "form": form,
    }
    return render(request, "members/contact.html", context, status=status)


@staff_required(board=True)
@require_http_methods(GET_OR_POST)
def member_heirs(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(pk)
    current = list(selectors.member_heirs(member))
    heirs_errors: list[str] = []
    if request.method == "POST":
        formset = heir_formset(request.POST)
        if formset.is_valid():
            kept = {heir.pk: selectors.heir_nik(heir) for heir in current}
            try:
                member_heirs_set(
                    actor=request.user, member=member, heirs=heir_inputs(formset, kept)
                )
            except ValidationError as error:
                heirs_errors = list(error.messages)
            else:
                messages.success(request, _("The heirs are saved."))
                return redirect(_detail_url(member))
        status = 400
    else:
        initial = [
            {
                "full_name": heir.full_name,
                "relation": heir.relation,
                "share_percent": f"{heir.share_percent.normalize():f}",
                "existing": heir.pk,
            }
            for heir in current
        ]
        formset = heir_formset(initial=initial, extra=2 if initial else 3)
        status = 200
    heir_placeholders(
        formset,
        {heir.pk: masked for heir in current if (masked := selectors.heir_nik_masked(heir))},
    )
    context = {
        "member": member,
        "nik_masked": selectors.member_nik_masked(member),
        "heirs": formset,
        "heirs_errors": heirs_errors,
    }
    return render(request, "members/heirs.html", context, status=status)
