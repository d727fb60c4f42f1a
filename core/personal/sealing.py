"""Sealed held records: what an erasure must keep (tax law) stays in the store only encrypted.

An erasure keeps a subject's issued invoices until their retention ends (`core.privacy.retention`), but their
personal data must not stay readable in the database file: the buyer snapshot (`invoice.buyer_json`), the signed
XML (`issued_document.xml`) and the cleared XML (`zatca_submission.cleared_xml`) are replaced, in the erasure's
transaction, by their *sealed* form:

    QAYD-HELD:1:<subject>:<base64 of format byte + nonce + AES-256-GCM ciphertext>

ASCII, so it fits the Text and the LargeBinary columns alike; self-describing (`is_held`, `held_subject`), so
every reader can tell a sealed value from a plain one; the AAD binds the ciphertext to its subject, its record
("invoice:<uuid>") and its column, so a sealed value cannot be moved to another document or column.

The key is the subject's *hold key*: 32 random bytes wrapped with the master key, in a `SubjectKey` row whose
subject is `hold:<subject>` (the same wrapping as the audit keys of `core.ledger.subject_keys`, which erasure destroys;
the hold key outlives them until the purge). When the subject's last hold ends, `purge_expired` replaces the
sealed values with the purge markers and destroys the hold key (`wrapped_key = NULL`).

Opening a sealed value is a read of a restricted record: admin and compliance users only (`roles.require_privileged`),
and always written to the access log (`restricted=True`). The one exception is the submission of a queued
document to ZATCA, a legal duty that runs whatever the role of the signed-in user (`legal_duty=True`, logged
with its purpose all the same).
"""

from __future__ import annotations

import base64
import binascii
import uuid
import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from core.errors import NotFoundError, SecretStoreError
from core.personal.roles import require_privileged
from core.store import models as m
from core.vault.crypto import new_key, seal, unseal

if TYPE_CHECKING:
    from core.uow import UnitOfWork

PREFIX = "QAYD-HELD:"
VERSION = "1"
HEAD = f"{PREFIX}{VERSION}:"
KEY_PREFIX = "hold:"
RESTRICTED_SUFFIX = " (restricted record)"  # as `roles.screen` names reads of restricted records

# The columns that hold a held invoice's personal data, as "table.column".
BUYER = "invoice.buyer_json"
XML = "issued_document.xml"
CLEARED = "zatca_submission.cleared_xml"
COLUMNS = (BUYER, XML, CLEARED)

_PREFIX_BYTES = PREFIX.encode("ascii")
_keys: weakref.WeakKeyDictionary[UnitOfWork, dict[str, bytes | None]] = weakref.WeakKeyDictionary()


def hold_key_subject(subject: str) -> str:
    """The `SubjectKey.subject` of a data subject's hold key."""
    return f"{KEY_PREFIX}{subject}"


def is_held(value: str | bytes | bytearray | memoryview | None) -> bool:
    """True for a sealed value (of any column type)."""
    if value is None:
        return False
    if isinstance(value, str):
        return value.startswith(PREFIX)
    return bytes(value[: len(_PREFIX_BYTES)]) == _PREFIX_BYTES


def _text(value: str | bytes | bytearray | memoryview) -> str:
    return value if isinstance(value, str) else bytes(value).decode("ascii")


def _parse(value: str | bytes | bytearray | memoryview) -> tuple[str, bytes]:
    try:
        text = _text(value)
        if not text.startswith(HEAD):
            raise ValueError("not a sealed value of a known version")
        subject, sep, body = text[len(HEAD):].rpartition(":")
        if not sep or not subject:
            raise ValueError("no subject")
        return subject, base64.b64decode(body, validate=True)
    except (UnicodeDecodeError, ValueError, binascii.Error):
        raise SecretStoreError("A held record's sealed value has an unknown format; it may be damaged.",
                               fix="Restore the company from a backup, then run `qayd audit verify`.") from None


def held_subject(value: str | bytes | bytearray | memoryview) -> str:
    """The data subject a sealed value belongs to (no key needed: the subject is part of the format)."""
    return _parse(value)[0]


def record_of(invoice_id: uuid.UUID) -> str:
    return f"invoice:{invoice_id}"


def _aad(subject: str, record: str, column: str) -> bytes:
    return f"qayd-held:{VERSION}:{subject}:{record}:{column}".encode()


def _wrap_aad(key_subject: str) -> bytes:
    return f"qayd-subject:{key_subject}".encode()  # as core.ledger.subject_keys wraps every SubjectKey


def _hold_key(uow: UnitOfWork, subject: str, *, create: bool) -> bytes | None:
    """The subject's hold key: made (wrapped with the master key) on first use when `create`; None once destroyed."""
    cache = _keys.setdefault(uow, {})
    name = hold_key_subject(subject)
    if name in cache:
        return cache[name]
    master = uow.ctx.master_key
    with uow.session.no_autoflush:
        found = uow.session.execute(select(m.SubjectKey.wrapped_key).where(m.SubjectKey.subject == name)).first()
    key: bytes | None
    if found is None:
        if not create:
            return None
        key = new_key()
        uow.session.add(m.SubjectKey(id=uuid.uuid4(), subject=name, created_at=uow.now(), device_id=uow.ctx.device_id,
                                     wrapped_key=seal(master, key, _wrap_aad(name))))
    else:
        key = None if found[0] is None else unseal(master, found[0], _wrap_aad(name))
    cache[name] = key
    return key


def seal_held(uow: UnitOfWork, subject: str, data: bytes, *, record: str, column: str) -> bytes:
    """`data` sealed with the subject's hold key, bound to `record` and `column` ("table.column"): ASCII bytes."""
    key = _hold_key(uow, subject, create=True)
    if key is None:
        raise NotFoundError(f"The held records of {subject} were purged; nothing may be sealed for them again.",
                            fix="Nothing to do: the retention of this subject's records has ended.")
    body = base64.b64encode(seal(key, data, _aad(subject, record, column))).decode("ascii")
    return f"{HEAD}{subject}:{body}".encode("ascii")


def seal_held_text(uow: UnitOfWork, subject: str, data: str, *, record: str, column: str) -> str:
    """As `seal_held`, for a Text column."""
    return seal_held(uow, subject, data.encode("utf-8"), record=record, column=column).decode("ascii")


def open_held(uow: UnitOfWork, value: str | bytes | bytearray | memoryview, *, record: str, column: str,
              purpose: str, channel: str | None = None, fields: Sequence[str] | None = None,
              legal_duty: bool = False, logged: bool = True) -> bytes:
    """The plaintext of a sealed value, for an admin or compliance user; the read goes to the access log.

    `legal_duty=True` lets anyone's session open it, for a duty the law imposes whoever is signed in (the
    submission of a queued document to ZATCA); the read is logged all the same. `logged=False` is for a
    caller that records the same read itself (the access export).
    """
    subject, body = _parse(value)
    if not legal_duty:
        require_privileged(uow, "open a record kept for tax retention after an erasure")
    if logged:
        uow.record_access(subject, list(fields or (column,)), purpose + RESTRICTED_SUFFIX, channel, restricted=True)
    key = _hold_key(uow, subject, create=False)
    if key is None:
        raise NotFoundError(f"The held record {record} can no longer be opened: its key was destroyed when its "
                            "retention ended.", fix="Nothing to recover: the law no longer requires this record.")
    return unseal(key, body, _aad(subject, record, column))


def open_held_text(uow: UnitOfWork, value: str, *, record: str, column: str, purpose: str,
                   channel: str | None = None, legal_duty: bool = False, logged: bool = True) -> str:
    return open_held(uow, value, record=record, column=column, purpose=purpose, channel=channel,
                     legal_duty=legal_duty, logged=logged).decode("utf-8")


def maybe_open_text(uow: UnitOfWork, value: str | None, *, record: str, column: str, purpose: str,
                    legal_duty: bool = False) -> str | None:
    """`value` itself when it is not sealed, else its plaintext (see `open_held`)."""
    if value is None or not is_held(value):
        return value
    return open_held_text(uow, value, record=record, column=column, purpose=purpose, legal_duty=legal_duty)


def maybe_open_bytes(uow: UnitOfWork, value: bytes | None, *, record: str, column: str, purpose: str,
                     legal_duty: bool = False) -> bytes | None:
    if value is None or not is_held(value):
        return None if value is None else bytes(value)
    return open_held(uow, value, record=record, column=column, purpose=purpose, legal_duty=legal_duty)


def running_hold_subject(uow: UnitOfWork, invoice_id: uuid.UUID) -> str | None:
    """The subject whose running (unpurged) hold keeps this invoice, if any."""
    return uow.session.scalars(select(m.RetentionHold.subject).where(
        m.RetentionHold.record == record_of(invoice_id), m.RetentionHold.purged_at.is_(None))).first()


def destroy_hold_key(uow: UnitOfWork, subject: str) -> bool:
    """Crypto-shred the subject's hold key (its held records were purged); True when a live key was destroyed."""
    name = hold_key_subject(subject)
    done = uow.session.execute(update(m.SubjectKey).where(m.SubjectKey.subject == name,
                                                          m.SubjectKey.wrapped_key.is_not(None))
                               .values(wrapped_key=None, destroyed_at=uow.now()))
    _keys.setdefault(uow, {})[name] = None
    return bool(getattr(done, "rowcount", 0))
