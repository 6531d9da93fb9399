"""The teller's PPOB counter, mounted at staf/kasir/ppob/ (tenants.teller.urls)."""

from django.urls import path

from ppob import views_teller as views

app_name = "ppob"
urlpatterns = [
    path("", views.index, name="index"),
    path("kategori/<str:category>/", views.category, name="category"),
    path("jual/<str:sku>/", views.sale, name="sale"),
    path("jual/<str:sku>/bayar/", views.sale_pay, name="sale_pay"),
    path("tagihan/<str:reference>/", views.bill, name="bill"),
    path("tagihan/<str:reference>/bayar/", views.bill_pay, name="bill_pay"),
    path("struk/<str:reference>/", views.receipt, name="receipt"),
    path("struk/<str:reference>/<str:layout>.pdf", views.receipt_pdf_view, name="receipt_pdf"),
    path("transaksi/", views.history, name="history"),
]
