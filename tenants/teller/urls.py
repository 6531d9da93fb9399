"""The teller's desk, mounted at staf/kasir/ on a cooperative's host."""

from django.urls import include, path

from tenants.teller import views

app_name = "teller"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("laci/buka/", views.drawer_open_view, name="drawer_open"),
    path("laci/tutup/", views.drawer_close_view, name="drawer_close"),
    path("laci/", views.drawers_view, name="drawers"),
    path("laci/<int:pk>/tutup/", views.drawer_close_for_view, name="drawer_close_for"),
    path("anggota/", views.member_lookup, name="member_lookup"),
    path("anggota/<str:number>/setor/", views.deposit_view, name="deposit"),
    path("anggota/<str:number>/tarik/", views.withdraw_view, name="withdraw"),
    path("kwitansi/<int:pk>/", views.receipt_view, name="receipt"),
    path("kwitansi/<int:pk>/<str:layout>.pdf", views.receipt_pdf_view, name="receipt_pdf"),
    path("ppob/", include("ppob.urls_teller")),
]
