"""The one way an account e-mail leaves the process.

    send_account_email(user=user, kind="verify_email", context={"verify_url": url}, request=request)

renders `templates/emails/<kind>.subject.txt` (optional; one line), `<kind>.txt` (the plain-text body)
and `<kind>.html` (the HTML alternative), and sends them through Django's e-mail framework (configured
by EMAIL_URL, foodsys/settings/parts/email.py) after the current transaction commits, so a rolled-back
registration sends nothing. Outside a transaction it is sent at once.

Every template gets `user`, `site_name`, `site_url` (the request's scheme and host, else SITE_URL) on top
of `context`; no context processors run (the request is only used for the origin). Links you put in
`context` should be absolute: build them with `site_url(request)`. The message goes to `user.email`,
from DEFAULT_FROM_EMAIL. A failure to send is logged, never raised into the request that asked for it:
the user can ask again (resend endpoints).
"""

import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import HttpRequest
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# Every kind has templates/emails/<kind>.txt and <kind>.html; the subject is the first one found.
SUBJECTS = {
    "verify_email": "Confirm your e-mail address",
    "password_reset": "Reset your password",
}


def site_url(request: HttpRequest | None) -> str:
    """The absolute origin links in e-mails point at: the request's, else SITE_URL."""
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    return settings.SITE_URL.rstrip("/")


def build_account_email(*, user, kind: str, context: Mapping[str, Any] | None = None,
                        request: HttpRequest | None = None) -> EmailMultiAlternatives:
    """The message, rendered but not sent (for tests and previews)."""
    ctx = {"user": user, "site_name": settings.SITE_NAME, "site_url": site_url(request), **(context or {})}
    try:
        subject = render_to_string(f"emails/{kind}.subject.txt", ctx)
    except TemplateDoesNotExist:
        subject = SUBJECTS.get(kind, settings.SITE_NAME)
    subject = " ".join(subject.split())  # one line: a header cannot carry a newline
    text = render_to_string(f"emails/{kind}.txt", ctx)
    html = render_to_string(f"emails/{kind}.html", ctx)
    message = EmailMultiAlternatives(subject=f"[{settings.SITE_NAME}] {subject}", body=text,
                                     from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email])
    message.attach_alternative(html, "text/html")
    return message


def send_account_email(*, user, kind: str, context: Mapping[str, Any] | None = None,
                       request: HttpRequest | None = None) -> None:
    """Renders now (so a template error shows up in the caller), sends after commit."""
    message = build_account_email(user=user, kind=kind, context=context, request=request)
    transaction.on_commit(lambda: _deliver(message, kind=kind, user_id=user.pk), robust=True)


def _deliver(message: EmailMultiAlternatives, *, kind: str, user_id) -> None:
    try:
        message.send(fail_silently=False)
    except Exception:  # SMTP down, refused, TLS failure: logged; the user can ask again
        logger.exception("Account e-mail %r to user %s could not be sent", kind, user_id)
    else:
        logger.info("Account e-mail %r sent to user %s", kind, user_id)
