from django.urls import path

from .views import assignments, handoff_forms, pages, referrals

app_name = "handoffs"

urlpatterns = [
    path("", pages.desk, name="desk"),
    path("inbox/", pages.inbox, name="inbox"),
    path("directory/", pages.directory, name="directory"),
    path("directory/<int:pk>/slip/", pages.slip, name="slip"),
    path("cases/<str:number>/refer/", referrals.refer, name="refer"),
    path("cases/<str:number>/handoff/", handoff_forms.new, name="handoff_new"),
    path("referrals/<int:pk>/accept/", referrals.accept, name="referral_accept"),
    path("referrals/<int:pk>/return/", referrals.return_, name="referral_return"),
    path("referrals/<int:pk>/answer/", referrals.answer, name="referral_answer"),
    path("referrals/<int:pk>/review/", referrals.review, name="referral_review"),
    path("referrals/<int:pk>/give/", referrals.give, name="referral_give"),
    path("forms/<str:number>/", handoff_forms.printable, name="handoff_print"),
    path("forms/<str:number>/meeting/", handoff_forms.meeting, name="meeting"),
    path(
        "forms/<str:number>/meeting/schedule/",
        handoff_forms.meeting_schedule,
        name="meeting_schedule",
    ),
    path("forms/<str:number>/dispute/", handoff_forms.dispute_raise, name="dispute_raise"),
    path("disputes/<int:pk>/rule/", handoff_forms.dispute_rule, name="dispute_rule"),
    path("assignments/<int:pk>/answer/", assignments.answer, name="assignment_answer"),
    path("assignments/<int:pk>/review/", assignments.review, name="assignment_review"),
    path("assignments/<int:pk>/give/", assignments.give, name="assignment_give"),
    path("assignments/<int:pk>/deadline/", assignments.deadline, name="assignment_deadline"),
    path("answers/<int:pk>/attachment/", assignments.attachment, name="attachment"),
]
