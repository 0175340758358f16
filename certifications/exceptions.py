"""Domain errors of certifications, answered by the project's one exception handler."""

from typing import Any

from rest_framework import status

from greenfactory.core.exceptions import DomainError


class FileTooLarge(DomainError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    code = "file_too_large"


class UnsupportedFileType(DomainError):
    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    code = "unsupported_file_type"


class ImportRejected(DomainError):
    """An import file had problems; ``problems`` lists each with its line or cell."""

    code = "import_rejected"

    def __init__(self, message: str, *, problems: list) -> None:
        super().__init__(message)
        self.problems = problems


class EditConflict(DomainError):
    """Someone changed the record since the version the change was made on; nothing was saved."""

    status_code = status.HTTP_409_CONFLICT
    code = "edit_conflict"

    def __init__(self, message: str, *, current_version: int) -> None:
        super().__init__(message, field="version")
        self.current_version = current_version

    def extra(self) -> dict[str, Any]:
        return {"current_version": self.current_version}


class AuditCannotClose(DomainError):
    """The audit may not close yet; ``blocking`` names the findings that hold it open."""

    status_code = status.HTTP_409_CONFLICT
    code = "audit_cannot_close"

    def __init__(self, message: str, *, blocking: list[str]) -> None:
        super().__init__(message)
        self.blocking = blocking

    def extra(self) -> dict[str, Any]:
        return {"blocking": self.blocking}
