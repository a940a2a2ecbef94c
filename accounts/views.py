"""Server-rendered sign-in, sign-out, owner sign-up and e-mail verification pages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services, verification
from accounts.forms import LoginForm, OwnerSignupForm, VerifyEmailForm
from accounts.models import UserRole
from accounts.services import user_register
from foodsys.common.exceptions import ApplicationError, RateLimitedError

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
    status, retry_after = 200, None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_register(email=data["email"], password=data["password1"], name=data["name"],
                                 phone=data["phone"], role=UserRole.RESTAURANT_OWNER, request=request)
        except RateLimitedError as exc:
            form.add_error(None, exc.message)
            status, retry_after = 429, exc.retry_after
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            login(request, user, backend=PASSWORD_BACKEND)
            messages.info(request, f"We sent a link to {user.email}: open it to verify your address "
                                   "before you add a restaurant.")
            return redirect(settings.LOGIN_REDIRECT_URL)
    response = render(request, "accounts/signup.html", {"form": form}, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@csrf_protect
@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def verify_email(request):
    """The link in the verification e-mail. GET shows a confirm button and writes nothing (mail scanners
    and link previews fetch links); its POST verifies. The account's password is asked for unless the
    visitor is signed in as that account (services.email_verification_needs_password)."""
    posted = request.method == "POST"
    form = VerifyEmailForm(request.POST if posted else request.GET)
    token_user = verified_user = None
    status, retry_after = 200, None
    if form.is_valid():
        try:
            token_user = verification.email_verification_user(token=form.cleaned_data["token"])
        except ApplicationError as exc:
            form.add_service_error(exc)
    if posted and token_user is not None:
        try:
            verified_user = services.user_email_verify(token=form.cleaned_data["token"], request=request,
                                                       actor=request.user, password=form.cleaned_data["password"])
        except RateLimitedError as exc:
            form.add_error(None, exc.message)
            status, retry_after = 429, exc.retry_after
        except ApplicationError as exc:
            form.add_service_error(exc)
    if posted and verified_user is None and status == 200:
        status = 400
    needs_password = token_user is not None and services.email_verification_needs_password(
        user=token_user, actor=request.user)
    response = render(request, "accounts/verify_email.html", {
        "form": form, "token_user": token_user, "verified_user": verified_user, "needs_password": needs_password,
    }, status=status)
    response["Referrer-Policy"] = "no-referrer"  # the token is in this page's URL
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@login_required
@require_POST
@csrf_protect
def verify_email_resend(request):
    """The dashboard's "send the link again" button, for the signed-in user."""
    try:
        services.email_verification_resend(user=request.user, request=request)
    except RateLimitedError as exc:
        messages.error(request, f"{exc.message} Try again in {exc.retry_after} seconds.")
    except ApplicationError as exc:
        messages.info(request, exc.message)
    else:
        messages.success(request, f"We sent a new verification link to {request.user.email}.")
    return redirect(settings.LOGIN_REDIRECT_URL)


# --- password reset pages ------------------------------------------------------------------------
class PasswordResetView(auth_views.PasswordResetView):
    """Asks for the e-mail; the shared service throttles, looks up and sends (the same path as the API).
    The next page says the same whether or not the address has an account."""

    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form):
        try:
            services.user_password_reset_request(request=self.request, email=form.cleaned_data["email"])
        except RateLimitedError as exc:
            form.add_error(None, exc.message)
            response = self.form_invalid(form)
            response.status_code = 429
            response["Retry-After"] = str(exc.retry_after)
            return response
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's link check (the token moves to the session, off the URL); the new password is set by
    the service, which revokes every token and session of the account."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        try:
            services.user_password_reset_complete(user=self.user, new_password=form.cleaned_data["new_password1"],
                                                  field="new_password1")
        except ApplicationError as exc:  # the form ran the same validators; kept for any later rule
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
