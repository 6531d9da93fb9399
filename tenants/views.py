"""A cooperative's own pages on its host: staff pages and the member's home."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from identity import access
from identity.decorators import member_required, staff_required
from registry.services import platform_url

from tenants import selectors
from tenants.forms import StaffInviteForm
from tenants.services import staff_invite, staff_role_revoke

PER_PAGE = 50


def home(request: HttpRequest) -> HttpResponse:
    """Staff to their desk, members to their page; anyone else is told why not."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('identity:login')}?next={request.get_full_path()}")
    cooperative = access.current_cooperative()
    if access.is_staff_of(request.user, cooperative):
        return redirect("tenants:staff_home")
    if access.is_member_of(request.user, cooperative):
        return redirect("tenants:member_home")
    return render(request, "tenants/no_role.html", {"platform_home": platform_url()}, status=403)


@staff_required()
def staff_home(request: HttpRequest) -> HttpResponse:
    cooperative = access.current_cooperative()
    return render(
        request,
        "tenants/staff_home.html",
        {
            "cooperative": cooperative,
            "my_roles": selectors.roles_of(request.user, cooperative),
            "role_counts": selectors.role_counts(cooperative),
            "entries": selectors.audit_entries()[:10],
            "is_member": access.is_member_of(request.user, cooperative),
        },
    )


@staff_required()
def staff_audit(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.audit_entries(), PER_PAGE)
    return render(
        request, "tenants/staff_audit.html", {"page_obj": page.get_page(request.GET.get("page"))}
    )


def _roles_page(
    request: HttpRequest, *, form: StaffInviteForm | None = None, status: int = 200
) -> HttpResponse:
    cooperative = access.current_cooperative()
    context: dict[str, Any] = {
        "staff": selectors.staff_roles(cooperative),
        "can_manage": access.can_manage_staff(request.user, cooperative),
        "form": form or StaffInviteForm(),
    }
    return render(request, "tenants/staff_roles.html", context, status=status)


@staff_required()
def staff_roles(request: HttpRequest) -> HttpResponse:
    return _roles_page(request)


@staff_required(board=True)
@require_POST
def staff_invite_view(request: HttpRequest) -> HttpResponse:
    form = StaffInviteForm(request.POST)
    if form.is_valid():
        try:
            staff_invite(
                actor=request.user,
                cooperative=access.current_cooperative(),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("An invitation went to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("tenants:staff_roles")
    return _roles_page(request, form=form, status=400)


@staff_required(board=True)
@require_POST
def staff_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    cooperative = access.current_cooperative()
    grant = selectors.staff_role_get(cooperative, pk)
    try:
        staff_role_revoke(actor=request.user, cooperative=cooperative, grant=grant)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _roles_page(request, status=400)
    messages.success(
        request,
        _("%(name)s no longer has the role %(role)s.")
        % {"name": grant.user.get_full_name(), "role": grant.get_role_display()},
    )
    return redirect("tenants:staff_roles")


@member_required()
def member_home(request: HttpRequest) -> HttpResponse:
    from tenants.memberweb.views import home

    return home(request)


def _capital_page(request: HttpRequest, status: int = 200) -> HttpResponse:
    from tenants.savings.classification import EQUITY, member_capital_classification

    current = member_capital_classification()
    can_change = access.can_manage_staff(request.user, access.current_cooperative())
    return render(
        request,
        "tenants/staff_capital.html",
        {"current": current, "is_equity": current.placement == EQUITY, "can_change": can_change},
        status=status,
    )


@staff_required()
def staff_capital(request: HttpRequest) -> HttpResponse:
    """Where simpanan pokok and wajib sit on the balance sheet."""
    return _capital_page(request)


@staff_required(board=True)
@require_POST
def staff_capital_set(request: HttpRequest) -> HttpResponse:
    """The board moves simpanan pokok and wajib to equity or to liabilities."""
    from tenants.savings.classification import member_capital_classify

    try:
        member_capital_classify(actor=request.user, placement=request.POST.get("placement", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _capital_page(request, status=400)
    messages.success(request, _("The setting is saved and the balances were moved."))
    return redirect("tenants:staff_capital")
