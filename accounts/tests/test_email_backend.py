"""EMAIL_URL -> Django's e-mail settings; the embedded folder+console backend; account e-mails (plain text
+ HTML, after commit); and, in the services pass, delivery over real SMTP to aiosmtpd."""

import email
import email.policy
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import get_connection
from django.db import transaction

from accounts.emails import build_account_email, send_account_email
from foodsys.env import BASE_DIR
from foodsys.settings.parts.email import (
    DEFAULT_MAIL_DIR,
    FOLDER_AND_CONSOLE_BACKEND,
    SMTP_BACKEND,
    email_config,
    email_settings,
)
from foodsys.testing.factories import UserFactory
from foodsys.testing.mailbox import mailbox, smtp_configured  # noqa: F401 - the fixture


def _address() -> str:
    return f"mail-{uuid.uuid4().hex[:12]}@example.com"


# --- EMAIL_URL ---------------------------------------------------------------------------------
def test_unset_email_url_writes_to_the_project_mail_folder_and_prints():
    config = email_config("")

    assert config == {"EMAIL_BACKEND": FOLDER_AND_CONSOLE_BACKEND, "EMAIL_FILE_PATH": str(DEFAULT_MAIL_DIR)}
    assert DEFAULT_MAIL_DIR == BASE_DIR / "var" / "mail"


@pytest.mark.parametrize(("url", "expected"), [
    ("smtp://user:p%40ss@mail.example.com:587/?tls=1",
     {"EMAIL_HOST": "mail.example.com", "EMAIL_PORT": 587, "EMAIL_HOST_USER": "user", "EMAIL_HOST_PASSWORD": "p@ss",
      "EMAIL_USE_TLS": True, "EMAIL_USE_SSL": False}),
    ("smtp+tls://mail.example.com", {"EMAIL_PORT": 587, "EMAIL_USE_TLS": True, "EMAIL_USE_SSL": False}),
    ("smtps://u:p@mail.example.com", {"EMAIL_PORT": 465, "EMAIL_USE_TLS": False, "EMAIL_USE_SSL": True}),
    ("smtp+ssl://mail.example.com:2465", {"EMAIL_PORT": 2465, "EMAIL_USE_SSL": True}),
    ("smtp://127.0.0.1:28025", {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": 28025, "EMAIL_USE_TLS": False,
                                "EMAIL_USE_SSL": False, "EMAIL_TIMEOUT": 10}),
    ("smtp://mail.example.com/?ssl=1&timeout=3", {"EMAIL_USE_SSL": True, "EMAIL_TIMEOUT": 3}),
])
def test_smtp_urls(url, expected):
    config = email_config(url)

    assert config["EMAIL_BACKEND"] == SMTP_BACKEND
    assert {key: config[key] for key in expected} == expected


def test_file_urls_are_relative_to_the_project_with_three_slashes_and_absolute_with_four():
    assert email_config("file:///var/outbox")["EMAIL_FILE_PATH"] == str(BASE_DIR / "var" / "outbox")
    assert email_config("file:////tmp/outbox")["EMAIL_FILE_PATH"] == "/tmp/outbox"
    assert email_config("console://")["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


@pytest.mark.parametrize("url", ["http://mail.example.com", "smtp://", "smtp://h/?timeout=soon"])
def test_bad_email_urls_stop_start_up_naming_the_variable(url):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        email_config(url)


@pytest.mark.parametrize("url", ["file:///var/mail", "console://", "smtp://mail.example.com:25"])
def test_production_refuses_folder_console_and_plain_remote_smtp(url):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        email_settings(url, production=True)


@pytest.mark.parametrize(("url", "host"), [("", "localhost"), ("smtp://127.0.0.1:25", "127.0.0.1"),
                                           ("smtps://u:p@mail.example.com", "mail.example.com"),
                                           ("smtp://smtp:1025/?tls=0", "smtp")])
def test_production_accepts_tls_loopback_or_an_explicitly_plain_relay(url, host):
    config = email_settings(url, production=True)

    assert config["EMAIL_BACKEND"] == SMTP_BACKEND and config["EMAIL_HOST"] == host


# --- the embedded backend ------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_embedded_backend_writes_each_message_to_the_folder_and_prints_it(tmp_path, capsys):
    # given an account e-mail
    message = build_account_email(user=UserFactory(email="folder@example.com"), kind="verify_email",
                                  context={"verify_url": "http://testserver/accounts/verify-email/?token=t",
                                           "valid_days": 3})

    # when the embedded default sends it
    get_connection(FOLDER_AND_CONSOLE_BACKEND, file_path=str(tmp_path)).send_messages([message])

    # then it is in a file of the folder and on stdout
    files = list(tmp_path.iterdir())
    assert len(files) == 1 and b"To: folder@example.com" in files[0].read_bytes()
    assert "To: folder@example.com" in capsys.readouterr().out


# --- account e-mails -----------------------------------------------------------------------------
@pytest.mark.django_db
def test_an_account_email_has_a_plain_text_body_and_an_html_alternative():
    user = UserFactory(email="parts@example.com", name="Ann <b>Lee</b>")

    message = build_account_email(user=user, kind="verify_email",
                                  context={"verify_url": "http://testserver/v/?token=a&b", "valid_days": 3})

    parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    text = parsed.get_body(preferencelist=("plain",)).get_content()
    html = parsed.get_body(preferencelist=("html",)).get_content()
    assert parsed["Subject"] == "[FoodSys] Confirm your e-mail address" and parsed["To"] == "parts@example.com"
    assert "http://testserver/v/?token=a&b" in text and "Ann <b>Lee</b>" in text
    assert 'href="http://testserver/v/?token=a&amp;b"' in html and "Ann &lt;b&gt;Lee&lt;/b&gt;" in html


@pytest.mark.django_db(transaction=True)
def test_an_account_email_leaves_only_when_the_transaction_commits(mailbox):  # noqa: F811
    user = UserFactory(email=_address())
    context = {"verify_url": "http://testserver/x", "valid_days": 3}

    # when one e-mail is queued in a transaction that rolls back, and one in a transaction that commits
    with pytest.raises(RuntimeError), transaction.atomic():
        send_account_email(user=user, kind="verify_email", context=context)
        raise RuntimeError("rolled back")
    with transaction.atomic():
        send_account_email(user=user, kind="verify_email", context=context)

    # then exactly one arrives
    mailbox.wait_for(user.email)
    assert len(mailbox.messages_for(user.email)) == 1


@pytest.mark.django_db(transaction=True)
def test_an_smtp_failure_is_logged_not_raised(settings, caplog):
    settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        SMTP_BACKEND, "127.0.0.1", 9, 2)  # nothing listens on the discard port

    send_account_email(user=UserFactory(), kind="verify_email", context={"verify_url": "http://x", "valid_days": 1})

    assert "could not be sent" in caplog.text


# --- real SMTP (services pass) --------------------------------------------------------------------
@pytest.mark.smtp
@pytest.mark.django_db(transaction=True)
def test_account_emails_travel_over_real_smtp_to_the_test_server(mailbox):  # noqa: F811
    # given the services' SMTP server (scripts/services.sh) as EMAIL_URL
    assert mailbox.real_smtp and smtp_configured()
    user = UserFactory(email=_address(), name="Smtp Person")

    # when an account e-mail is sent (outside a transaction: at once)
    send_account_email(user=user, kind="verify_email",
                       context={"verify_url": "http://testserver/accounts/verify-email/?token=abc", "valid_days": 3})

    # then aiosmtpd received it over SMTP, both parts intact
    message = mailbox.wait_for(user.email)
    assert message["X-RcptTo"] == user.email and message["X-Peer"]
    assert mailbox.link(message, "/accounts/verify-email/") == "http://testserver/accounts/verify-email/?token=abc"
    assert "Smtp Person" in mailbox.html(message)
