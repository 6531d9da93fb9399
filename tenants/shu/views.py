"""Staff pages of SHU under staf/shu/: split versions, the simulation (the full table, on
screen and in Excel), the final run and each year's distribution. Views validate, call
one service or selector, render; a refusal is shown with a 4xx status."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from identity import access
from identity.decorators import staff_required

from tenants.shu import selectors
from tenants.shu.access import can_decide_shu
from tenants.shu.calculation import ShuDistribution, shu_simulate
from tenants.shu.documents import distribution_xlsx, summary_rows
from tenants.shu.forms import FinalRunForm, SimulationForm, SplitForm
from tenants.shu.services import shu_run_final
from tenants.shu.splits import shu_split_create, shu_split_update

PER_PAGE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _can_decide(request: HttpRequest) -> bool:
    return can_decide_shu(request.user, access.current_cooperative())


def _index(request: HttpRequest, *, status: int = 200, **context: Any) -> HttpResponse:
    versions = list(selectors.split_versions())
    used = set(
        selectors.runs().values_list("split_version_id", flat=True).distinct()  # type: ignore[misc]
    )
    context.setdefault("form", SimulationForm())
    context.update(
        {
            "versions": [(v, v.pk in used) for v in versions],
            "runs": list(selectors.runs()),
            "can_decide": _can_decide(request),
        }
    )
    return render(request, "shu/index.html", context, status=status)


@staff_required()
@require_http_methods(["GET", "HEAD"])
def index(request: HttpRequest) -> HttpResponse:
    return _index(request)


@staff_required(board=True)
@require_http_methods(["GET", "HEAD", "POST"])
def split_new(request: HttpRequest) -> HttpResponse:
    form = SplitForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                version = shu_split_create(
                    actor=request.user,
                    percents=form.percents(),
                    other_label=form.cleaned_data["other_label"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, _("Split version %(number)s is saved.") % {"number": version.number}
                )
                return redirect("tenants:shu:index")
        status = 400
    return render(request, "shu/split_form.html", {"form": form, "version": None}, status=status)


@staff_required(board=True)
@require_http_methods(["GET", "HEAD", "POST"])
def split_edit(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.split_version_get(pk)
    if version is None:
        raise Http404
    status = 200
    if request.method == "POST":
        form = SplitForm(request.POST)
        if form.is_valid():
            try:
                shu_split_update(
                    actor=request.user,
                    version=version,
                    percents=form.percents(),
                    other_label=form.cleaned_data["other_label"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, _("Split version %(number)s is saved.") % {"number": version.number}
                )
                return redirect("tenants:shu:index")
        status = 400
    else:
        form = SplitForm.for_version(version)
    return render(request, "shu/split_form.html", {"form": form, "version": version}, status=status)


def _distribution_page(
    request: HttpRequest,
    dist: ShuDistribution,
    *,
    final: bool,
    final_form: FinalRunForm | None = None,
    status: int = 200,
) -> HttpResponse:
    cooperative = access.current_cooperative()
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            distribution_xlsx(dist, organisation=getattr(cooperative, "name", "")),
            content_type=XLSX,
        )
        kind = "pembagian" if final else "simulasi"
        response["Content-Disposition"] = f'attachment; filename="shu-{kind}-{dist.year}.xlsx"'
        return response
    page = Paginator(dist.rows, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "shu/distribution.html",
        {
            "dist": dist,
            "final": final,
            "summary": summary_rows(dist),
            "page_obj": page,
            "querystring": query.urlencode(),
            "final_form": final_form,
        },
        status=status,
    )


@staff_required()
@require_http_methods(["GET", "HEAD"])
def simulate(request: HttpRequest) -> HttpResponse:
    form = SimulationForm(request.GET)
    if not form.is_valid():
        return _index(request, status=400, form=form)
    try:
        dist = shu_simulate(**form.arguments())
    except ValidationError as exc:
        form.add_error(None, exc)
        return _index(request, status=400, form=form)
    final_form = None
    if _can_decide(request) and dist.split.is_approved:
        final_form = FinalRunForm(initial={**request.GET.dict(), "digest": dist.digest})
    return _distribution_page(request, dist, final=False, final_form=final_form)


@staff_required(board=True)
@require_POST
def final(request: HttpRequest) -> HttpResponse:
    form = FinalRunForm(request.POST)
    if not form.is_valid():
        return _index(request, status=400, form=form)
    try:
        run = shu_run_final(
            actor=request.user, expected_digest=form.cleaned_data["digest"], **form.arguments()
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _index(request, status=400, form=SimulationForm(request.POST))
    messages.success(
        request,
        _("The SHU of %(year)s is distributed to %(count)s members.")
        % {"year": run.year, "count": run.members_count},
    )
    return redirect("tenants:shu:run", year=run.year)


@staff_required()
@require_http_methods(["GET", "HEAD"])
def run_detail(request: HttpRequest, year: int) -> HttpResponse:
    run = selectors.run_get(year)
    if run is None:
        raise Http404
    return _distribution_page(request, selectors.run_distribution(run), final=True)
