"""Domain errors of certifications, answered by the project's one exception handler."""

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
