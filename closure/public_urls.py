"""Signing pages without a staff session: /sign/<token>/ (the visitor's phone) and /kiosk/."""

from django.urls import path

from . import public_views

app_name = "signing"

urlpatterns = [
    path("sign/<str:token>/", public_views.phone_sign, name="phone"),
    path("kiosk/", public_views.kiosk_wait, name="kiosk"),
    path("kiosk/start/", public_views.kiosk_start, name="kiosk_start"),
    path("kiosk/poll/", public_views.kiosk_poll, name="kiosk_poll"),
    path("kiosk/sign/", public_views.kiosk_sign, name="kiosk_sign"),
]
