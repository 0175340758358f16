from django.db import models


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The (translated) label of a stored code, or the code itself when the choices no longer have it."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value
