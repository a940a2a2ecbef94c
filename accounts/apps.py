from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from django.contrib.auth.signals import user_login_failed

        from accounts.throttling import login_failure_from_signal

        # Every failed password check by authenticate() counts against the login throttle.
        user_login_failed.connect(login_failure_from_signal, dispatch_uid="accounts.login_throttle")
