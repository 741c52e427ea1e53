"""Email channel: one multipart (text + HTML) message per alert, sent with smtplib.

Named ``smtp`` rather than ``email`` so it never shadows the standard library package.
Reply codes are classified per RFC 5321 section 4.2.1: 4yz transient (retry), 5yz permanent.
"""

from __future__ import annotations

import logging
import smtplib
import socket
import ssl
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from alerts import _format
from alerts.base import Alert
from alerts.config import EmailChannelConfig, SmtpTarget
from alerts.errors import DeliveryError

__all__ = ["SmtpChannel", "build_message"]

logger = logging.getLogger(__name__)


def build_message(alert: Alert, cfg: EmailChannelConfig) -> EmailMessage:
    """The message for ``alert``: text and HTML alternatives, headers safe from injection."""
    msg = EmailMessage(policy=SMTP)
    msg["Subject"] = _format.subject(alert)
    msg["From"] = cfg.from_
    msg["To"] = ", ".join(cfg.to)
    msg["Date"] = format_datetime(datetime.now(UTC))
    # Stable across retries, so a receiver that already has the message can drop a resend.
    msg["Message-ID"] = f"<{alert.alert_id}@defwatch>"
    msg["X-Defwatch-Alert-Id"] = alert.alert_id
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies
    msg.set_content(_format.render(alert, "txt"))
    msg.add_alternative(_format.render(alert, "html"), subtype="html")
    return msg


class SmtpChannel:
    """Sends alerts to ``cfg.to`` through the server in ``cfg.smtp_url``.

    Every socket operation (connect, banner, each command) times out after ``cfg.timeout``
    seconds. TLS (``smtps://`` or ``?starttls=true``) verifies the certificate and host name.
    """

    def __init__(self, cfg: EmailChannelConfig, *, ssl_context: ssl.SSLContext | None = None):
        self.cfg = cfg
        self.name = cfg.name
        self._ssl = ssl_context or ssl.create_default_context()

    def __repr__(self) -> str:
        return f"SmtpChannel({self.name!r}, {self.cfg.smtp_url.redacted()!r})"

    def send(self, alert: Alert) -> None:
        """Deliver ``alert``.

        Raises:
            DeliveryError: retryable for 4xx replies, timeouts and connection failures;
                permanent for 5xx replies (code and text in the reason) and TLS failures.
        """
        msg = build_message(alert, self.cfg)
        target = self.cfg.smtp()
        try:
            refused = self._transmit(target, msg)
        except (smtplib.SMTPException, OSError) as exc:
            raise self._classify(exc, target) from None
        if refused:
            # The server took the message for the other recipients; retrying would send
            # them a duplicate, so the refusal is reported and the alert counts as sent.
            logger.warning(
                "channel=%s alert=%s: some recipients refused: %s",
                self.name,
                alert.alert_id,
                "; ".join(f"{rcpt} {code} {_text(err)}" for rcpt, (code, err) in refused.items()),
            )
        logger.info(
            "channel=%s alert=%s: sent to %d recipients",
            self.name,
            alert.alert_id,
            len(self.cfg.to) - len(refused),
        )

    def _transmit(self, target: SmtpTarget, msg: EmailMessage) -> dict[str, tuple[int, bytes]]:
        timeout = self.cfg.timeout
        smtp: smtplib.SMTP
        if target.implicit_tls:
            smtp = smtplib.SMTP_SSL(target.host, target.port, timeout=timeout, context=self._ssl)
        else:
            smtp = smtplib.SMTP(target.host, target.port, timeout=timeout)
        try:
            if target.starttls:
                smtp.starttls(context=self._ssl)
            if target.username is not None and target.password is not None:
                smtp.login(target.username, target.password.get_secret_value())
            # An explicit envelope: recipients come from config only, never from headers.
            return smtp.send_message(msg, from_addr=self.cfg.from_, to_addrs=list(self.cfg.to))
        finally:
            _close(smtp)

    def _classify(self, exc: BaseException, target: SmtpTarget) -> DeliveryError:
        where = f"{target.host}:{target.port}"
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            replies = list(exc.recipients.values())
            transient = any(400 <= code < 500 for code, _ in replies)
            code, text = next(
                ((c, t) for c, t in replies if (400 <= c < 500) == transient), replies[0]
            )
            return DeliveryError(
                self.name,
                f"smtp server {where} refused all recipients: {code} {_text(text)}",
                retryable=transient,
            )
        if isinstance(exc, smtplib.SMTPResponseException):
            code, text = exc.smtp_code, _text(exc.smtp_error)
            transient = 400 <= code < 500
            verdict = "temporarily refused" if transient else "rejected"
            return DeliveryError(
                self.name,
                f"smtp server {where} {verdict} the message: {code} {text}",
                retryable=code < 500,
            )
        if _timed_out(exc):
            return DeliveryError(
                self.name,
                f"timeout talking to smtp server {where} (after {self.cfg.timeout:g} s)",
                retryable=True,
            )
        if isinstance(exc, ssl.SSLCertVerificationError):
            return DeliveryError(
                self.name,
                f"TLS certificate of smtp server {where} failed verification: {exc.verify_message}",
                retryable=False,
            )
        if isinstance(exc, smtplib.SMTPNotSupportedError):
            return DeliveryError(self.name, f"smtp server {where}: {exc}", retryable=False)
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            return DeliveryError(
                self.name, f"smtp server {where} closed the connection", retryable=True
            )
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        return DeliveryError(
            self.name, f"cannot reach smtp server {where}: {reason}", retryable=True
        )


def _close(smtp: smtplib.SMTP) -> None:
    # Not ``with smtp``: its __exit__ raises when QUIT gets an odd reply, which would turn
    # a delivered message into a failure and so into a duplicate on retry.
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _timed_out(exc: BaseException) -> bool:
    # smtplib turns a read timeout into SMTPServerDisconnected; the timeout is its context.
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (TimeoutError, socket.timeout)):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _text(reply: bytes | str) -> str:
    raw = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return _format.one_line(raw, 300)
