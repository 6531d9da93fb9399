"""The head office's console on the bare domain. Views check input, call one service, render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from identity import access
from identity.decorators import head_office_admin_required, head_office_required
from identity.links import invitation_url
from identity.services import head_office_role_set, role_grant, role_revoke, user_invite
from registry.models import Cooperative
from registry.schema_template import SchemaError
from registry.services import (
    cooperative_archive,
    cooperative_reactivate,
    cooperative_suspend,
    cooperative_url,
)

from headoffice import selectors
from headoffice.forms import (
    CooperativeCreateForm,
    CooperativeFilterForm,
    HeadOfficeInviteForm,
    HeadOfficeRoleForm,
    ReasonForm,
    RoleGrantForm,
    UserSearchForm,
)
from headoffice.services import cooperative_register

PER_PAGE = 50


def home(request: HttpRequest) -> HttpResponse:
    """Head-office staff get the console; anyone else the cooperatives where they hold roles."""
    if request.user.is_authenticated and access.is_head_office(request.user):
        return dashboard(request)
    return landing(request)


@head_office_required()
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "headoffice/dashboard.html",
        {
            "counts": selectors.cooperative_counts(),
            "can_write": access.can_manage_head_office(request.user),
            "can_admin": access.can_administer_users(request.user),
        },
    )


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    places = selectors.roles_by_cooperative(request.user)
    for place in places:
        place["url"] = cooperative_url(place["cooperative"])
    return render(request, "headoffice/landing.html", {"places": places})


@head_office_required()
def cooperative_list(request: HttpRequest) -> HttpResponse:
    form = CooperativeFilterForm(request.GET or None)
    query = status = ""
    if form.is_valid():
        query, status = form.cleaned_data["q"].strip(), form.cleaned_data["status"]
    page = Paginator(selectors.cooperative_search(query=query, status=status), PER_PAGE)
    return render(
        request,
        "headoffice/cooperative_list.html",
        {
            "form": form,
            "page_obj": page.get_page(request.GET.get("page")),
            "can_write": access.can_manage_head_office(request.user),
        },
    )


@head_office_required(write=True)
def cooperative_new(request: HttpRequest) -> HttpResponse:
    form = CooperativeCreateForm(request.POST or None, platform_domain=settings.PLATFORM_DOMAIN)
    if request.method == "POST" and form.is_valid():
        try:
            cooperative = cooperative_register(actor=request.user, **form.service_arguments())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(name)s is registered; an invitation went to %(email)s.")
                % {"name": cooperative.name, "email": form.cleaned_data["board_email"]},
            )
            return redirect("headoffice:cooperative_detail", slug=cooperative.slug)
    status = 400 if form.is_bound else 200
    return render(request, "headoffice/cooperative_form.html", {"form": form}, status=status)


def _detail(
    request: HttpRequest,
    cooperative: Cooperative,
    *,
    suspend_form: ReasonForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "headoffice/cooperative_detail.html",
        {
            "cooperative": cooperative,
            "url": None if cooperative.status == "archived" else cooperative_url(cooperative),
            "staff": selectors.cooperative_staff(cooperative),
            "entries": selectors.cooperative_audit(cooperative),
            "suspend_form": suspend_form or ReasonForm(),
            "can_write": access.can_manage_head_office(request.user),
        },
        status=status,
    )


@head_office_required()
def cooperative_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _detail(request, selectors.cooperative_get(slug))


@head_office_required(write=True)
@require_POST
def cooperative_suspend_view(request: HttpRequest, slug: str) -> HttpResponse:
    cooperative = selectors.cooperative_get(slug)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            cooperative_suspend(
                actor=request.user, cooperative=cooperative, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(name)s is suspended.") % {"name": cooperative.name})
            return redirect("headoffice:cooperative_detail", slug=slug)
    return _detail(request, cooperative, suspend_form=form, status=400)


@head_office_required(write=True)
@require_POST
def cooperative_reactivate_view(request: HttpRequest, slug: str) -> HttpResponse:
    cooperative = selectors.cooperative_get(slug)
    try:
        cooperative_reactivate(actor=request.user, cooperative=cooperative)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _detail(request, cooperative, status=400)
    messages.success(request, _("%(name)s is active again.") % {"name": cooperative.name})
    return redirect("headoffice:cooperative_detail", slug=slug)


@head_office_required(write=True)
def cooperative_archive_view(request: HttpRequest, slug: str) -> HttpResponse:
    cooperative = selectors.cooperative_get(slug)
    form = ReasonForm(request.POST or None)
    status = 400 if form.is_bound else 200
    if request.method == "POST" and form.is_valid():
        try:
            archived = cooperative_archive(
                actor=request.user, cooperative=cooperative, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except SchemaError:
            form.add_error(None, _("The export failed, so nothing was archived. Try again."))
            status = 503
        else:
            messages.success(
                request,
                _("%(name)s is archived. Its export is in %(folder)s")
                % {"name": archived.name, "folder": archived.archive_path},
            )
            return redirect("headoffice:cooperative_detail", slug=slug)
    return render(
        request,
        "headoffice/cooperative_archive.html",
        {"cooperative": cooperative, "form": form},
        status=status,
    )


def _users_page(
    request: HttpRequest, *, invite_form: HeadOfficeInviteForm | None = None, status: int = 200
) -> HttpResponse:
    search = UserSearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    page = Paginator(selectors.users(query=query), PER_PAGE)
    return render(
        request,
        "headoffice/user_list.html",
        {
            "search": search,
            "page_obj": page.get_page(request.GET.get("page")),
            "invite_form": invite_form or HeadOfficeInviteForm(),
        },
        status=status,
    )


@head_office_admin_required()
def user_list(request: HttpRequest) -> HttpResponse:
    return _users_page(request)


@head_office_admin_required()
@require_POST
def user_invite_view(request: HttpRequest) -> HttpResponse:
    form = HeadOfficeInviteForm(request.POST)
    if form.is_valid():
        try:
            user_invite(
                actor=request.user,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                cooperative=None,
                invite_url=invitation_url(request.tenant),  # type: ignore[attr-defined]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("An invitation went to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("headoffice:user_list")
    return _users_page(request, invite_form=form, status=400)


def _user_page(
    request: HttpRequest,
    pk: int,
    *,
    role_form: HeadOfficeRoleForm | None = None,
    grant_form: RoleGrantForm | None = None,
    status: int = 200,
) -> HttpResponse:
    person = selectors.user_get(pk)
    context: dict[str, Any] = {
        "person": person,
        "role_form": role_form or HeadOfficeRoleForm(initial={"role": person.head_office_role}),
        "grant_form": grant_form or RoleGrantForm(),
    }
    return render(request, "headoffice/user_detail.html", context, status=status)


@head_office_admin_required()
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _user_page(request, pk)


@head_office_admin_required()
@require_POST
def user_head_office_role(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.user_get(pk)
    form = HeadOfficeRoleForm(request.POST)
    if form.is_valid():
        try:
            head_office_role_set(actor=request.user, user=person, role=form.cleaned_data["role"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The head-office role is changed."))
            return redirect("headoffice:user_detail", pk=pk)
    return _user_page(request, pk, role_form=form, status=400)


@head_office_admin_required()
@require_POST
def user_role_grant(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.user_get(pk)
    form = RoleGrantForm(request.POST)
    if form.is_valid():
        try:
            role_grant(
                actor=request.user,
                user=person,
                cooperative=form.cleaned_data["cooperative"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The role is granted."))
            return redirect("headoffice:user_detail", pk=pk)
    return _user_page(request, pk, grant_form=form, status=400)


@head_office_admin_required()
@require_POST
def user_role_revoke(request: HttpRequest, pk: int, role_pk: int) -> HttpResponse:
    person = selectors.user_get(pk)
    grant = selectors.cooperative_role_get(user=person, pk=role_pk)
    role_revoke(actor=request.user, user=person, cooperative=grant.cooperative, role=grant.role)
    messages.success(request, _("The role is revoked."))
    return redirect("headoffice:user_detail", pk=pk)


@head_office_required()
def audit_log(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.audit_entries(), PER_PAGE)
    return render(
        request, "headoffice/audit_list.html", {"page_obj": page.get_page(request.GET.get("page"))}
    )
