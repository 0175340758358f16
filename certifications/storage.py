"""Private file storage for evidence: under MEDIA_ROOT/private, never served by a public URL."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Reads MEDIA_ROOT at each use, so tests and deployments can move it; has no public URL."""

    @property
    def base_location(self):
        return Path(settings.MEDIA_ROOT) / "private"

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise NotImplementedError("Evidence files are downloaded through a permission-checked view.")


_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    return _storage
