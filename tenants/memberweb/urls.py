"""A member's own pages under /anggota/ (the home page is tenants:member_home)."""

from django.urls import include, path

from tenants.memberweb import views

app_name = "memberweb"
urlpatterns = [
    path("aktivasi/", views.activate, name="activate"),
    path("riwayat/", views.history, name="history"),
    path("tunggakan-wajib/", views.arrears, name="arrears"),
    path("jasa/", views.jasa, name="jasa"),
    path("laporan/", views.statement, name="statement"),
    path("bukti/<int:entry_id>/", views.proof, name="proof"),
    path("shu/", include("tenants.shu.member_urls")),
    path("rat/", include("tenants.rat.member_urls")),
    path("ppob/", include("ppob.urls_member")),
    path("pinjaman/", include("tenants.loans.member_urls")),
]
