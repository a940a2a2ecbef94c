"""The e-mails a test sent, read where they arrived.

    def test_x(mailbox):
        ...
        message = mailbox.wait_for("ann@example.com")     # an email.message.EmailMessage
        url = mailbox.link(message, "/accounts/verify-email/")

Services mode (`scripts/services.sh env` sets EMAIL_URL=smtp://127.0.0.1:28025 and SMTP_MAILDIR): the
fixture puts Django's SMTP backend back (pytest-django swaps in the local-memory one for every test), so
messages go over real SMTP to aiosmtpd, and are read from the maildir it writes. Only messages that
arrived after the fixture started count, and only those addressed to the given address (several test
runs may share the server: use addresses of your own). Embedded mode: Django's local-memory outbox.
"""

import email
import email.policy
import mailbox as maildir_lib
import os
import re
import time
from email.message import EmailMessage
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail

from accounts.models import canonical_email
from foodsys.settings.parts.email import SMTP_BACKEND, email_settings

_URL = re.compile(r"https?://[^\s\"'<>]+")


def _parse(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def _recipients(message: EmailMessage) -> set[str]:
    found = set()
    for header in ("To", "Cc", "X-RcptTo"):  # aiosmtpd adds X-RcptTo: the envelope recipients
        for value in message.get_all(header, []):
            found.update(canonical_email(address) for _name, address in email.utils.getaddresses([str(value)]))
    return found


class Mailbox:
    real_smtp = False

    def _all(self) -> list[EmailMessage]:
        raise NotImplementedError

    def messages_for(self, address: str) -> list[EmailMessage]:
        address = canonical_email(address)
        return [m for m in self._all() if address in _recipients(m)]

    def wait_for(self, address: str, *, count: int = 1, timeout: float = 10.0) -> EmailMessage:
        """The latest message to `address` once `count` have arrived; fails the test after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.messages_for(address)
            if len(found) >= count:
                return found[-1]
            if time.monotonic() > deadline:
                pytest.fail(f"{len(found)} e-mail(s) to {address} after {timeout}s, expected {count}")
            time.sleep(0.05)

    @staticmethod
    def text(message: EmailMessage) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    @staticmethod
    def html(message: EmailMessage) -> str:
        return message.get_body(preferencelist=("html",)).get_content()

    @classmethod
    def link(cls, message: EmailMessage, path_prefix: str) -> str:
        """The first link of the plain-text body whose path starts with `path_prefix`."""
        for url in _URL.findall(cls.text(message)):
            url = unescape(url)
            if re.match(rf"https?://[^/]+{re.escape(path_prefix)}", url):
                return url
        raise AssertionError(f"no link to {path_prefix} in: {cls.text(message)[:500]}")


class LocmemMailbox(Mailbox):
    def _all(self) -> list[EmailMessage]:
        return [_parse(m.message().as_bytes()) for m in mail.outbox]


class MaildirMailbox(Mailbox):
    real_smtp = True

    def __init__(self, path: Path):
        self.path = path
        self.box = maildir_lib.Maildir(path, create=False)
        self.seen = set(self.box.keys())

    def _all(self) -> list[EmailMessage]:
        self.box = maildir_lib.Maildir(self.path, create=False)  # re-read the folders
        arrived = []
        for key in self.box.keys():  # noqa: SIM118 - iterating a Maildir yields messages, not keys
            if key in self.seen:
                continue
            arrived.append((_delivery_order(key), _parse(self.box.get_bytes(key))))
        return [message for _order, message in sorted(arrived, key=lambda pair: pair[0])]


def _delivery_order(key: str) -> tuple[int, int, int]:
    """Maildir names start "<seconds>.M<microseconds>P<pid>Q<n>." (Python's mailbox.Maildir, used by aiosmtpd)."""
    match = re.match(r"(\d+)\.M(\d+)P\d+Q(\d+)", key)
    return tuple(int(part) for part in match.groups()) if match else (0, 0, 0)


def smtp_configured() -> bool:
    """EMAIL_URL names an SMTP server and SMTP_MAILDIR the folder it delivers to (services mode)."""
    return email_settings(settings.EMAIL_URL)["EMAIL_BACKEND"] == SMTP_BACKEND and bool(os.environ.get("SMTP_MAILDIR"))


@pytest.fixture
def mailbox(settings) -> Mailbox:
    if smtp_configured():
        settings.EMAIL_BACKEND = SMTP_BACKEND  # undo pytest-django's locmem for this test
        return MaildirMailbox(Path(os.environ["SMTP_MAILDIR"]))
    return LocmemMailbox()
