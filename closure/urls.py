"""Included under /cases/ before the cases URLs: everything here is /cases/<number>/…"""

from django.urls import path

from . import public_views, views

app_name = "closure"

urlpatterns = [
    path("<str:number>/result/", views.result_record, name="result"),
    path("<str:number>/sign/start/", views.signing_start, name="sign_start"),
    path("<str:number>/sign/kiosk/", public_views.kiosk_hand, name="kiosk_hand"),
    path("<str:number>/sign/<str:token>/", views.sign, name="sign"),
    path("<str:number>/rounds/<int:round>/signed/", views.signed, name="signed"),
    path("<str:number>/rounds/<int:round>/decide/", views.decide, name="decide"),
    path("<str:number>/rounds/<int:round>/signature.png", views.signature, name="signature"),
    path("<str:number>/confirm-other/", views.confirm_other, name="confirm_other"),
    path("<str:number>/callback/", views.callback_log, name="callback"),
]
