"""A cooperative's API under /api/ on its own host."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from tenants.api import AuditListView, CooperativeProfileView, StaffViewSet

app_name = "tenants_api"
router = SimpleRouter(use_regex_path=False)
router.register("staff", StaffViewSet, basename="staff")
urlpatterns = [
    path("cooperative/", CooperativeProfileView.as_view(), name="cooperative"),
    path("audit/", AuditListView.as_view(), name="audit"),
    path("anggota/", include("tenants.memberweb.api_urls")),
    *router.urls,
]
