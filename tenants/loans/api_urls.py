"""A member's loans in the API, mounted at /api/anggota/pinjaman/ (memberweb's api_urls)."""

from django.urls import path

from tenants.loans import api

app_name = "loans"
urlpatterns = [
    path("", api.LoansView.as_view(), name="loans"),
    path("produk/", api.ProductsView.as_view(), name="products"),
    path("<int:pk>/jadwal/", api.ScheduleView.as_view(), name="schedule"),
]
