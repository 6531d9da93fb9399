"""Member cards, mounted at staf/kartu/ on a cooperative's host."""

from django.urls import path

from tenants.cards import views

app_name = "cards"
urlpatterns = [
    path("", views.index, name="index"),
    path("anggota/<str:number>/kartu.pdf", views.card_pdf_view, name="card_pdf"),
    path("lembar.pdf", views.sheet_pdf_view, name="sheet_pdf"),
    path("pindai/", views.scan, name="scan"),
    path("aktivasi/", views.activation, name="activation"),
]
