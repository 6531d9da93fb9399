"""A cooperative's own pages. Everything here lives in the cooperative's own schema."""

from django.urls import include, path

from tenants import views

app_name = "tenants"
urlpatterns = [
    path("", views.home, name="home"),
    path("staf/", views.staff_home, name="staff_home"),
    path("staf/audit/", views.staff_audit, name="staff_audit"),
    path("staf/modal/", views.staff_capital, name="staff_capital"),
    path("staf/modal/ubah/", views.staff_capital_set, name="staff_capital_set"),
    path("staf/pengurus/", views.staff_roles, name="staff_roles"),
    path("staf/pengurus/undang/", views.staff_invite_view, name="staff_invite"),
    path("staf/pengurus/<int:pk>/cabut/", views.staff_revoke_view, name="staff_revoke"),
    path("anggota/", views.member_home, name="member_home"),
    path("anggota/", include("tenants.memberweb.urls")),
    path("staf/kasir/", include("tenants.teller.urls")),
    path("staf/kartu/", include("tenants.cards.urls")),
    path("staf/laporan/", include("tenants.reports.urls")),
    path("staf/impor/", include("tenants.importer.urls")),
    path("staf/anggota/", include("tenants.members.urls")),
    path("staf/shu/", include("tenants.shu.urls")),
    path("staf/rat/", include("tenants.rat.urls")),
    path("staf/pinjaman/", include("tenants.loans.urls")),
]
