from django.urls import path

from . import views

app_name = "answers"

urlpatterns = [
    path("", views.answer_list, name="list"),
    path("new/", views.answer_new, name="new"),
    path("search/", views.answer_search, name="search"),
    path("<int:pk>/edit/", views.answer_edit, name="edit"),
    path("<int:pk>/use/", views.answer_use, name="use"),
]
