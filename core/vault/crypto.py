"""Authenticated encryption (AES-256-GCM) of small values, with a format byte for later change."""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core.errors import SecretStoreError

FORMAT_V1 = b"\x01"
NONCE_LEN = 12


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """Encrypt; `aad` binds the ciphertext to its context (a secret's name, a subject) so it cannot be moved."""
    nonce = os.urandom(NONCE_LEN)
    return FORMAT_V1 + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def unseal(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    if sealed[:1] != FORMAT_V1 or len(sealed) < 1 + NONCE_LEN + 16:
        raise SecretStoreError("An encrypted value has an unknown format; it may be damaged.")
    nonce, body = sealed[1 : 1 + NONCE_LEN], sealed[1 + NONCE_LEN :]
    try:
        return AESGCM(key).decrypt(nonce, body, aad)
    except InvalidTag:
        raise SecretStoreError(
            "An encrypted value could not be decrypted: the master key is not the one it was sealed with, "
            "or the value was altered.",
            fix="Check that QAYD_MASTER_KEY_SOURCE points at this install's master key.",
        ) from None
