"""Server-rendered sign-in, sign-out and owner sign-up pages."""

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from accounts.forms import LoginForm, OwnerSignupForm
from accounts.models import UserRole
from accounts.services import user_register
from foodsys.common.exceptions import ApplicationError

PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.rate_limited is not None:
            response.status_code = 429
            response["Retry-After"] = str(form.rate_limited.retry_after)
        return response


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5); then back to the sign-in page."""


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
def signup(request):
    """Creates a restaurant owner and signs them in; the restaurant is created later from the dashboard."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = OwnerSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_register(email=data["email"], password=data["password1"], name=data["name"],
                                 phone=data["phone"], role=UserRole.RESTAURANT_OWNER)
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            login(request, user, backend=PASSWORD_BACKEND)
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/signup.html", {"form": form})
