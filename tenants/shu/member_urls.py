"""A member's SHU pages, mounted at /anggota/shu/ (tenants.memberweb.urls)."""

from django.urls import path

from tenants.shu import member_views

app_name = "shu"
urlpatterns = [
    path("", member_views.index, name="index"),
    path("<int:year>/", member_views.statement, name="statement"),
]
