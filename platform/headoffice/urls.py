from django.urls import path

app_name = "headoffice"
urlpatterns: list = []
