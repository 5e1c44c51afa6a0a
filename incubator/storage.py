"""Where pitch decks live: outside the public media URL, served only through a checked view."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Files outside MEDIA_ROOT's public URL: served only through a checked view.

    The location is read from settings on every use, so tests can point it elsewhere.
    """

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL.")


_private_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    return _private_storage
