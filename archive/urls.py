from django.urls import path

from . import views

app_name = "archive"

urlpatterns = [
    path("", views.archive_list, name="list"),
    path("export/", views.export_list, name="export"),
    path("export/<int:job_id>/", views.export_detail, name="export_detail"),
    path("export/<int:job_id>/progress/", views.export_progress, name="export_progress"),
    path("export/<int:job_id>/download/", views.export_download, name="export_download"),
    path("cases/<str:number>/archive/", views.archive_now, name="archive_now"),
    path("<str:number>.pdf", views.archive_pdf, name="pdf"),
]
