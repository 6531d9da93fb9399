"""A member's own SHU pages under /anggota/shu/: the years they had a share, and each
year's statement with every input and the formula with their numbers (and as a PDF)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from identity import access
from identity.decorators import member_required

from tenants.memberweb.selectors import member_of_user
from tenants.models import Member
from tenants.shu import selectors
from tenants.shu.documents import statement_pdf


def _member(request: HttpRequest) -> Member:
    member = member_of_user(request.user)
    if member is None:
        raise Http404("No member record is linked to this login.")
    return member


@member_required()
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    return render(request, "shu/member_index.html", {"shares": selectors.member_shares(member)})


@member_required()
@require_GET
def statement(request: HttpRequest, year: int) -> HttpResponse:
    member = _member(request)
    found = selectors.member_shu_statement(member, year)
    if found is None:
        return render(request, "shu/member_none.html", {"year": year}, status=404)
    if request.GET.get("unduh") == "pdf":
        pdf = statement_pdf(cooperative=access.current_cooperative(), statement=found)
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = f"shu-{member.member_number}-{year}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return render(request, "shu/member_statement.html", {"s": found})
