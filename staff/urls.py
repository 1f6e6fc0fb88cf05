from django.urls import path

from . import passkeys, views

app_name = "staff"

urlpatterns = [
    # Signing in, after the password.
    path("two-factor/verify/", views.verify, name="verify"),
    path("two-factor/recovery-code/", views.use_recovery_code, name="recovery"),
    path("two-factor/enrol/", views.enrol, name="enrol"),
    path("two-factor/passkey/begin/", passkeys.PasskeySignInBegin.as_view(), name="passkey-begin"),
    path(
        "two-factor/passkey/complete/",
        passkeys.PasskeySignInComplete.as_view(),
        name="passkey-complete",
    ),
    path(
        "two-factor/passkey/register/begin/",
        passkeys.PasskeyRegistrationBegin.as_view(),
        name="passkey-register-begin",
    ),
    path(
        "two-factor/passkey/register/complete/",
        passkeys.PasskeyRegistrationComplete.as_view(),
        name="passkey-register-complete",
    ),
    # A staff member's own page: second factors, sessions, sign-ins.
    path("security/", views.security, name="security"),
    path("security/confirm/", views.confirm_password, name="confirm-password"),
    path("security/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("security/sessions/end/", views.end_sessions, name="end-sessions"),
    path("security/<slug:kind>/<int:pk>/rename/", views.rename, name="rename"),
    path("security/<slug:kind>/<int:pk>/remove/", views.remove, name="remove"),
]
