from django.urls import path

from shop.docking import views

app_name = "docking"

urlpatterns = [
    path("", views.BoardView.as_view(), name="board"),
    path("demands/<int:pk>/", views.BoardDetailView.as_view(), name="board-detail"),
    path("mine/", views.MyDemandsView.as_view(), name="my-demands"),
    path("mine/new/", views.DemandCreateView.as_view(), name="demand-create"),
    path("mine/<int:pk>/", views.DemandDetailView.as_view(), name="demand"),
    path("mine/<int:pk>/edit/", views.DemandUpdateView.as_view(), name="demand-edit"),
    path("mine/<int:pk>/award/", views.AwardView.as_view(), name="award"),
    path("mine/<int:pk>/<slug:action>/", views.DemandActionView.as_view(), name="demand-action"),
    path("seller/", views.SellerDemandsView.as_view(), name="seller-demands"),
    path("seller/demands/<int:pk>/quote/", views.QuoteView.as_view(), name="quote"),
    path("seller/quotes/<int:pk>/withdraw/", views.QuoteWithdrawView.as_view(), name="quote-withdraw"),
    path("county/", views.CountyDemandsView.as_view(), name="county-demands"),
    path("county/demands/<int:pk>/push/", views.PushView.as_view(), name="county-push"),
    path("report/", views.ReportView.as_view(), name="report"),
    path("report.<export_format:fmt>", views.ReportExportView.as_view(), name="report-export"),
    path("fairs/<int:page_id>/intents/new/", views.IntentCreateView.as_view(), name="intent-create"),
]
