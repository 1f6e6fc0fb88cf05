from django.urls import path

from . import views

app_name = "invitations"

urlpatterns = [
    path("invitations/<str:token>/", views.answer, name="answer"),
]
