from django.urls import path

from shop.payment import views

app_name = "payment"

urlpatterns = [
    path("orders/<str:number>/pay/", views.PayView.as_view(), name="pay"),
    path("orders/<str:number>/return/", views.ReturnView.as_view(), name="return"),
    path("orders/<str:number>/retry/", views.RetryView.as_view(), name="retry"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe-webhook"),
    path("dashboard/orders/<str:number>/refund/", views.RefundView.as_view(), name="refund"),
]
