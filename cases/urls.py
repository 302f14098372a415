from django.urls import path

from . import notes_views, views, visitor_views

app_name = "cases"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("cases/", views.case_list, name="list"),
    path("cases/new/", views.case_new, name="new"),
    path("cases/visitor-lookup/", views.visitor_lookup, name="visitor_lookup"),
    path("cases/department-card/", views.department_card, name="department_card"),
    # Before cases/<number>/: "visitors" is not a case number.
    path("cases/visitors/duplicates/", visitor_views.visitor_duplicates, name="visitor_duplicates"),
    path("cases/visitors/merge/", visitor_views.visitor_merge, name="visitor_merge"),
    path(
        "cases/visitors/merges/<int:pk>/undo/",
        visitor_views.visitor_merge_undo,
        name="visitor_merge_undo",
    ),
    path("cases/visitors/<int:pk>/", visitor_views.visitor_detail, name="visitor"),
    path("cases/visitors/<int:pk>/rename/", visitor_views.visitor_rename, name="visitor_rename"),
    path("cases/<str:number>/", views.case_detail, name="detail"),
    path("cases/<str:number>/receipt/", views.case_receipt, name="receipt"),
    path(
        "cases/<str:number>/attachments/<int:pk>/",
        views.case_attachment,
        name="attachment",
    ),
    path("cases/<str:number>/extend/", views.case_extend, name="extend"),
    path("cases/<str:number>/reassign/", views.case_reassign, name="reassign"),
    path("cases/<str:number>/personal-data/", views.case_reveal, name="reveal"),
    path("cases/<str:number>/visitor/export/", views.visitor_export, name="visitor_export"),
    path("cases/<str:number>/visitor/correct/", views.visitor_correct, name="visitor_correct"),
    path("cases/<str:number>/notes/", notes_views.note_add, name="note_add"),
    path("cases/<str:number>/links/", notes_views.link_add, name="link_add"),
    path("cases/<str:number>/messages/stop/", notes_views.messages_stop, name="messages_stop"),
    path("status/", views.status_lookup, name="status"),
    path("status/t/<str:token>/", views.status_token, name="status_token"),
]
