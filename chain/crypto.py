"""Secrets we must read back (partner API keys, webhook secrets): Fernet-encrypted at rest.

The key is `CHAIN_KEY_ENCRYPTION_KEY` (a Fernet key), or one derived from `SECRET_KEY` when
unset, so a copied database alone does not give away the keys partners trust us with.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    key = settings.CHAIN_KEY_ENCRYPTION_KEY
    if not key:
        digest = hashlib.sha256(f"softpark.chain:{settings.SECRET_KEY}".encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key)


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:  # encrypted under another key: treat as unset, the manager re-enters it
        return ""
