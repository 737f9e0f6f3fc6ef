from django.contrib.auth import views as auth_views
from django.urls import path

from . import people_views, views
from .forms import SignInForm

app_name = "accounts"

urlpatterns = [
    path(
        "sign-in/",
        auth_views.LoginView.as_view(
            template_name="accounts/sign_in.html",
            authentication_form=SignInForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("sign-in/code/", views.two_factor_verify, name="two_factor"),
    path("two-step-verification/", views.two_factor_set_up, name="two_factor_set_up"),
    path("two-step-verification/off/", views.two_factor_off, name="two_factor_off"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.account, name="account"),
    path("sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("operator/new-school/", people_views.NewSchoolView.as_view(), name="new_school"),
    path("invitations/<str:token>/", people_views.accept_invitation, name="invitation"),
]
