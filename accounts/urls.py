"""Server-rendered pages of this app."""

from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/verify-email/", views.verify_email, name="verify-email"),
    path("accounts/verify-email/resend/", views.verify_email_resend, name="verify-email-resend"),
    path("accounts/password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("accounts/password-reset/done/", views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path("accounts/password-reset/complete/", views.PasswordResetCompleteView.as_view(),
         name="password-reset-complete"),
    path("accounts/password-reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(),
         name="password-reset-confirm"),
]
