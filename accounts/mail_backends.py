"""The embedded default's e-mail backend: each message is written to a file under EMAIL_FILE_PATH
(var/mail/ by default, git-ignored) and printed, so `make run` needs no mail server and a developer can
click the link in the terminal or open the file."""

import sys

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class FolderAndConsoleBackend(FileBackend):
    def write_message(self, message):
        super().write_message(message)
        text = message.message().as_bytes().decode(errors="replace")
        sys.stdout.write(f"{text}\n{'-' * 79}\n")
        sys.stdout.flush()
