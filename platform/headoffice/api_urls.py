"""The head office's API under /api/ on the bare domain."""

from rest_framework.routers import SimpleRouter

from headoffice.api import CooperativeViewSet, UserViewSet

app_name = "headoffice_api"
router = SimpleRouter(use_regex_path=False)
router.register("cooperatives", CooperativeViewSet, basename="cooperative")
router.register("users", UserViewSet, basename="user")
urlpatterns = router.urls
