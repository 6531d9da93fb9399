"""PPOB's API under /api/ppob/ on a cooperative's host."""

from django.urls import path

from ppob import api

app_name = "ppob_api"
urlpatterns = [
    path("catalogue/", api.CatalogueView.as_view(), name="catalogue"),
    path("number-check/", api.NumberCheckView.as_view(), name="number-check"),
    path("inquiries/", api.InquiryView.as_view(), name="inquiries"),
    path("purchases/", api.PurchaseListView.as_view(), name="purchases"),
    path("purchases/<str:reference>/", api.PurchaseDetailView.as_view(), name="purchase"),
]
