"""A member's loan pages, mounted at /anggota/pinjaman/ (tenants.memberweb.urls)."""

from django.urls import path

from tenants.loans import member_views

app_name = "loans"
urlpatterns = [
    path("", member_views.index, name="index"),
    path("ajukan/", member_views.apply, name="apply"),
    path("<int:pk>/", member_views.detail, name="detail"),
]
