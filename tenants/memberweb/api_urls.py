"""A member's own API under /api/anggota/."""

from django.urls import include, path

from tenants.memberweb import api

app_name = "memberweb_api"
urlpatterns = [
    path("saldo/", api.BalancesView.as_view(), name="balances"),
    path("riwayat/", api.HistoryView.as_view(), name="history"),
    path("tunggakan-wajib/", api.ArrearsView.as_view(), name="arrears"),
    path("jasa/", api.JasaView.as_view(), name="jasa"),
    path("laporan/", api.StatementView.as_view(), name="statement"),
    path("bukti/<int:entry_id>/", api.ProofView.as_view(), name="proof"),
    path("pinjaman/", include("tenants.loans.api_urls")),
]
