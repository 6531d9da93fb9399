"""A member's PPOB pages, mounted at anggota/ppob/ (tenants.memberweb.urls)."""

from django.urls import path

from ppob import views_member as views

app_name = "ppob"
urlpatterns = [
    path("", views.index, name="index"),
    path("kategori/<str:category>/", views.category, name="category"),
    path("beli/<str:sku>/", views.product, name="product"),
    path("beli/<str:sku>/bayar/", views.pay, name="pay"),
    path("tagihan/<str:reference>/", views.bill, name="bill"),
    path("tagihan/<str:reference>/bayar/", views.bill_pay, name="bill_pay"),
    path("struk/<str:reference>/", views.receipt, name="receipt"),
    path("riwayat/", views.history, name="history"),
]
