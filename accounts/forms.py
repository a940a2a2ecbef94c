from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from accounts.services import user_authenticate
from accounts.validators import PASSWORD_MAX_LENGTH, phone_validator
from foodsys.common.exceptions import ApplicationError, RateLimitedError
from foodsys.common.forms import ServiceErrorsMixin


class LoginForm(AuthenticationForm):
    """Email + password, checked by `user_authenticate`, so the page shares the API's login throttle."""

    username = forms.EmailField(label="Email", max_length=254,
                                widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}))
    error_messages = {**AuthenticationForm.error_messages, "invalid_login": "Invalid email or password."}

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.rate_limited: RateLimitedError | None = None

    def clean(self):
        email, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if email and password:
            try:
                self.user_cache = user_authenticate(request=self.request, email=email, password=password)
            except RateLimitedError as exc:
                self.rate_limited = exc
                raise ValidationError(exc.message, code="rate_limited")
            except ApplicationError:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class OwnerSignupForm(ServiceErrorsMixin, forms.Form):
    field_aliases = {"password": "password1"}

    """Input of the owner sign-up page; the account itself is made by `user_register`."""

    name = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = forms.CharField(max_length=32, required=False, validators=[phone_validator],
                            widget=forms.TextInput(attrs={"autocomplete": "tel"}))
    password1 = forms.CharField(label="Password", max_length=PASSWORD_MAX_LENGTH, strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label="Confirm password", max_length=PASSWORD_MAX_LENGTH, strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password2") and cleaned["password1"] != cleaned["password2"]:
            self.add_error("password2", "The two passwords differ.")
        return cleaned


class VerifyEmailForm(ServiceErrorsMixin, forms.Form):
    """The token of a verification link, carried from the link's query string to the confirm POST."""

    token = forms.CharField(max_length=512, widget=forms.HiddenInput)
    password = forms.CharField(label="Password of this account", max_length=PASSWORD_MAX_LENGTH, strip=False,
                               required=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
