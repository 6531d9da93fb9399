app_name = "headoffice"
urlpatterns: list = []
