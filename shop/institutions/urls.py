from django.urls import path

from shop.institutions import bureau_views, views

app_name = "institutions"

urlpatterns = [
    path("", views.OrganisationListView.as_view(), name="list"),
    path("checkout/", views.CheckoutTaggingView.as_view(), name="checkout-tagging"),
    path("<int:pk>/", views.OrganisationDetailView.as_view(), name="detail"),
    path("<int:pk>/orders/<str:number>/", views.OrderDetailView.as_view(), name="order"),
    path("<int:pk>/report/", views.ReportView.as_view(), name="report"),
    path("<int:pk>/report.csv", views.ReportExportView.as_view(), {"fmt": "csv"}, name="report-csv"),
    path("<int:pk>/report.xlsx", views.ReportExportView.as_view(), {"fmt": "xlsx"}, name="report-xlsx"),
    path("<int:pk>/statement/", views.StatementView.as_view(), name="statement"),
    path(
        "<int:pk>/statement.<export_format:fmt>",
        views.StatementExportView.as_view(),
        name="statement-export",
    ),
    path("<int:pk>/approvals/", views.ApprovalListView.as_view(), name="approvals"),
    path(
        "<int:pk>/approvals/<str:number>/approve/",
        views.DecideView.as_view(decision="approve"),
        name="approve",
    ),
    path(
        "<int:pk>/approvals/<str:number>/reject/", views.DecideView.as_view(decision="reject"), name="reject"
    ),
    path("<int:pk>/members/", views.MembersView.as_view(), name="members"),
    path("<int:pk>/members/<int:member>/", views.MemberUpdateView.as_view(), name="member-update"),
    path("<int:pk>/declaration/", views.DeclarationView.as_view(), name="declaration"),
    path("bureaus/<int:bureau>/", bureau_views.BureauWorkspaceView.as_view(), name="bureau"),
    path(
        "bureaus/<int:bureau>/statistics.<export_format:fmt>",
        bureau_views.BureauExportView.as_view(),
        name="bureau-export",
    ),
    path(
        "bureaus/<int:bureau>/statistics/job/",
        bureau_views.BureauExportJobView.as_view(),
        name="bureau-export-job",
    ),
]
