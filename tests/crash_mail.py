"""E-mail backends for the crash tests (tests/test_crash.py)."""

import os
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

sent: list = []


class DiesAfterOne(BaseEmailBackend):
    """The first message goes; the process dies while the second is being sent."""

    def send_messages(self, messages):
        for message in messages:
            sent.append(message)
            if len(sent) > 1:
                raise SystemExit("killed while sending")
        return len(messages)


class Refuses(BaseEmailBackend):
    """The mail server cannot be reached."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server refused the connection")


class FileThenHangs(BaseEmailBackend):
    """Each message is written to a file of its own in CRASH_OUTBOX (its recipient on the
    first line); after the second, the server holds the connection, long enough for the
    test to kill the worker."""

    def send_messages(self, messages):
        outbox = Path(os.environ["CRASH_OUTBOX"])
        for message in messages:
            number = len(list(outbox.iterdir())) + 1
            (outbox / f"{number}.txt").write_text(f"{message.to[0]}\n{message.subject}\n")
            if number > 1:
                time.sleep(600)
        return len(messages)
