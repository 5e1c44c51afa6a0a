"""Calendar feed tokens: shown again on every GET (the contract), so kept Fernet-encrypted at
rest under a key derived from SECRET_KEY, and found by their SHA-256 hash.

A copied database alone gives neither the tokens nor a way to find a user by guessing: the
hash is of a 256-bit random token.
"""

import base64
import hashlib
import secrets

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    digest = hashlib.sha256(f"softpark.bookings.calendar:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def encrypt(token: str) -> str:
    return _fernet().encrypt(token.encode()).decode()


def decrypt(encrypted: str) -> str | None:
    """The token, or None when it was encrypted under another SECRET_KEY."""
    try:
        return _fernet().decrypt(encrypted.encode()).decode()
    except InvalidToken:
        return None
