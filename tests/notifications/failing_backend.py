from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    """An SMTP server that refuses everything: a real transport failure, for the retry path."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("refused by the test mail server")
