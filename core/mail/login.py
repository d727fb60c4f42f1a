"""The SMTP login from the secret store: `mail.oauth` (XOAUTH2: a refresh token traded for an access token at send
time, never stored) or `mail.password` (AUTH PLAIN/LOGIN), or none for a server that asks for no login."""

from __future__ import annotations

import json

import httpx

from core.config import MailSettings
from core.mail.errors import MailNotConfigured, MailRefused, MailUnavailable
from core.mail.smtp import Login, SmtpServer
from core.uow import UnitOfWork

PASSWORD_SECRET = "mail.password"
OAUTH_SECRET = "mail.oauth"
OAUTH_KEYS = ("token_url", "client_id", "client_secret", "refresh_token")


def smtp_server(mail: MailSettings) -> SmtpServer:
    if not mail.host or not mail.from_address:
        raise MailNotConfigured("Mail is not set up: [mail] host and from_address are needed to send.",
                                fix="Set them in the config file's [mail] section (or QAYD_MAIL_HOST, "
                                    "QAYD_MAIL_FROM_ADDRESS); `qayd config check` shows them.")
    return SmtpServer(mail.host, mail.port, mail.security, mail.username)


def read_login(uow: UnitOfWork, mail: MailSettings, *, http: httpx.Client | None = None) -> Login:
    """The login to use; reading the secret is audited (secret.used) by the unit of work's secret store.

    No [mail] username means the server takes mail without a login (a relay on the loopback, say)."""
    if not mail.username:
        return Login("none")
    if uow.secrets.exists(OAUTH_SECRET):
        return Login("xoauth2", access_token(_oauth(uow.secrets.get(OAUTH_SECRET)), http=http))
    if uow.secrets.exists(PASSWORD_SECRET):
        return Login("password", uow.secrets.get(PASSWORD_SECRET).decode("utf-8"))
    raise MailNotConfigured("[mail] username is set but the secret store holds no mail.password or mail.oauth.",
                            fix="`qayd secrets set mail.password` (or mail.oauth for XOAUTH2).")


def _oauth(raw: bytes) -> dict[str, str]:
    try:
        doc = json.loads(raw)
    except ValueError:
        doc = None
    if not isinstance(doc, dict) or any(not isinstance(doc.get(k), str) or not doc[k] for k in OAUTH_KEYS):
        raise MailNotConfigured("The secret mail.oauth is not a JSON object with token_url, client_id, "
                                "client_secret and refresh_token.",
                                fix="Set it again: `qayd secrets set mail.oauth` with that JSON.")
    return doc


def access_token(doc: dict[str, str], *, http: httpx.Client | None = None) -> str:
    """Trade the refresh token for an access token (RFC 6749 section 6), as Google and Microsoft document it."""
    form = {"grant_type": "refresh_token", **{k: doc[k] for k in OAUTH_KEYS[1:]}}
    if doc.get("scope"):
        form["scope"] = doc["scope"]
    client = http or httpx.Client(timeout=30.0)
    try:
        reply = client.post(doc["token_url"], data=form)
    except httpx.HTTPError as err:
        raise MailUnavailable(f"The OAuth2 token endpoint could not be reached ({type(err).__name__}).",
                              fix="Check the network; Qayd tries again later.") from None
    finally:
        if http is None:
            client.close()
    if reply.status_code >= 500 or reply.status_code == 429:
        raise MailUnavailable(f"The OAuth2 token endpoint answered {reply.status_code}.",
                              fix="Qayd tries again later.")
    token = _token(reply)
    if reply.status_code != 200 or not token:
        raise MailRefused(f"The OAuth2 token endpoint refused the refresh token (HTTP {reply.status_code}).",
                          fix="Sign in again with the mail provider and store the new refresh token: "
                              "`qayd secrets set mail.oauth`.")
    return token


def _token(reply: httpx.Response) -> str:
    try:
        doc = reply.json()
    except ValueError:
        return ""
    token = doc.get("access_token") if isinstance(doc, dict) else None
    return token if isinstance(token, str) else ""
