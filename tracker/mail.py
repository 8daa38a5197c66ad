"""Build digest messages with the standard library's email package and deliver them over SMTP."""
from __future__ import annotations

import re
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

from tracker.digest import Digest
from tracker.errors import BadValue, DeliveryFailed

_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*"
                     r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


def check_address(address: str) -> str:
    """A bare mailbox address ('a@example.org'), or BadValue naming it; CR, LF and display names
    are refused so nothing can be smuggled into a header."""
    if any(ch in address for ch in "\r\n\x00"):
        raise BadValue(f"{address!r} is not a valid email address: it contains a line break")
    value = address.strip()
    local, _, domain = value.rpartition("@")
    domain_ascii = domain
    try:
        domain_ascii = domain.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    if (not local or len(value) > 320 or ".." in local or local.startswith(".") or local.endswith(".")
            or not _LOCAL.match(local) or not _DOMAIN.match(domain_ascii) or "." not in domain_ascii
            and domain_ascii != "localhost"):
        raise BadValue(f"{address!r} is not a valid email address")
    return value


@dataclass(frozen=True)
class SmtpTarget:
    """Where and how to deliver: host, port, security (plain, starttls, tls), user."""

    host: str
    port: int
    security: str
    user: str | None

    def describe(self) -> str:
        """The server as a message may name it: never the password."""
        who = f"{self.user}@" if self.user else ""
        return f"{self.security} {who}{self.host}:{self.port}"


def parse_smtp_url(url: str) -> SmtpTarget:
    """smtp://host:port, smtp+starttls://host:port or smtps://host:port, with an optional user@."""
    if any(ch in url for ch in "\r\n"):
        raise BadValue("the SMTP URL contains a line break")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise BadValue("the SMTP URL is not a URL (smtp://host:port, smtp+starttls://… or smtps://…)") from None
    schemes = {"smtp": ("plain", 25), "smtp+starttls": ("starttls", 587), "smtps": ("tls", 465)}
    if parts.scheme not in schemes or not parts.hostname:
        raise BadValue(f"unsupported SMTP URL scheme {parts.scheme!r}: use smtp://, smtp+starttls:// or smtps://")
    if parts.password:
        raise BadValue("put the SMTP password in TRACKER_SMTP_PASSWORD, not in the URL")
    security, default_port = schemes[parts.scheme]
    return SmtpTarget(host=parts.hostname, port=port or default_port, security=security,
                      user=unquote(parts.username) if parts.username else None)


def check_unsubscribe_url(url: str) -> str:
    """A mailto: or http(s) link (or link template, {address} standing for the recipient) fit for a
    List-Unsubscribe header, or BadValue naming it: no whitespace, control character or angle
    bracket can break out of the header."""
    value = url.strip()
    try:
        parts = urlsplit(value.replace("{address}", "x@example.org"))
    except ValueError:
        parts = urlsplit("")
    if (parts.scheme not in ("mailto", "https", "http") or not (parts.netloc or parts.path)
            or re.search(r"[\s<>\x00-\x1f\x7f]", value) or len(value) > 900 or "{" in parts.geturl()):
        raise BadValue(f"{url!r} is not a usable unsubscribe link: give a mailto: or https:// URL without spaces")
    return value


def build_message(digest: Digest, *, sender: str, recipient: str, unsubscribe: str | None = None) -> EmailMessage:
    """A multipart/alternative message (text first, then HTML) with UTF-8 headers, Date, Message-ID
    and, given a link, List-Unsubscribe (RFC 2369)."""
    sender, recipient = check_address(sender), check_address(recipient)
    msg = EmailMessage()
    msg["Subject"] = digest.subject
    msg["From"] = Address(addr_spec=sender)
    msg["To"] = Address(addr_spec=recipient)
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg["Auto-Submitted"] = "auto-generated"
    if unsubscribe:
        msg["List-Unsubscribe"] = f"<{check_unsubscribe_url(unsubscribe)}>"
    msg.set_content(digest.text, subtype="plain", charset="utf-8")
    msg.add_alternative(digest.html, subtype="html", charset="utf-8")
    return msg


class Mailer:
    """An SMTP session for a run of messages; each message accepted or refused on its own. A
    message whose connection failed (dropped, timed out) costs only itself: the next one is sent
    on a new connection. Once the server cannot be reached again, the rest fail without waiting."""

    def __init__(self, target: SmtpTarget, password: str | None, *, timeout: float = 30.0,
                 cafile: str | None = None) -> None:
        self.target = target
        self._password = password
        self.timeout = timeout
        self.cafile = cafile
        self._smtp: smtplib.SMTP | None = None
        self._unreachable: str | None = None  # why the server could not be reached again

    def __enter__(self) -> "Mailer":
        self._connect()
        return self

    def _connect(self) -> None:
        t = self.target
        context = ssl.create_default_context(cafile=self.cafile)
        try:
            if t.security == "tls":
                self._smtp = smtplib.SMTP_SSL(t.host, t.port, timeout=self.timeout, context=context)
            else:
                self._smtp = smtplib.SMTP(t.host, t.port, timeout=self.timeout)
                if t.security == "starttls":
                    self._smtp.starttls(context=context)
            if t.user:
                self._smtp.login(t.user, self._password or "")
        except smtplib.SMTPAuthenticationError:
            self._close()
            raise DeliveryFailed(f"the SMTP server {t.describe()} refused the login for {t.user!r}") from None
        except (OSError, smtplib.SMTPException) as exc:
            self._close()
            raise DeliveryFailed(f"cannot reach the SMTP server {t.describe()}: {_reason(exc)}") from None

    def send(self, msg: EmailMessage) -> None:
        """Hand one message to the server; DeliveryFailed when it does not accept it."""
        if self._unreachable:
            raise DeliveryFailed(f"not sent to {msg['To']}: {self._unreachable}")
        if self._smtp is None:  # the previous message's connection failed
            try:
                self._connect()
            except DeliveryFailed as exc:
                self._unreachable = str(exc)
                raise DeliveryFailed(f"not sent to {msg['To']}: {exc}") from None
        assert self._smtp is not None
        try:
            refused = self._smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:  # the session itself is fine: smtplib reset it
            codes = "; ".join(f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
                              for code, text in exc.recipients.values())
            raise DeliveryFailed(f"the SMTP server refused {msg['To']}: {codes}") from None
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()  # whatever state the session is in, the next message starts afresh
            raise DeliveryFailed(f"the SMTP server {self.target.describe()} did not accept the message for "
                                 f"{msg['To']}: {_reason(exc)}") from None
        if refused:
            raise DeliveryFailed(f"the SMTP server refused {', '.join(refused)}")

    def _drop(self) -> None:
        """Close the connection without a goodbye: after a timeout or a drop, QUIT could hang too."""
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None

    def _close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None

    def __exit__(self, *exc) -> None:
        self._close()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        msg = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {msg}".strip()
    if isinstance(exc, socket.timeout) or str(exc).endswith(": timed out"):  # smtplib words a timeout as a drop
        return "timed out"
    return (str(exc) or type(exc).__name__).splitlines()[0]
