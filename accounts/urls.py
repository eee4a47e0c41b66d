from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
from accounts.middleware import two_factor_step

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/digest/", views.digest_preference, name="digest_preference"),
    path("profile/sessions/end-others/", views.sessions_end_others, name="sessions_end_others"),
    path("sign-in/code/", views.two_factor_code, name="two_factor_code"),
    path("sign-in/recovery-code/", views.two_factor_recovery, name="two_factor_recovery"),
    path("two-factor/set-up/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password/reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]

# Sign-in and sign-out keep Django's own names ("login", "logout") outside the namespace,
# because LOGIN_URL and the admin refer to them.
auth_urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    # Signing out is allowed half-way through signing in ("sign in as someone else").
    path("sign-out/", two_factor_step(auth_views.LogoutView.as_view()), name="logout"),
]
