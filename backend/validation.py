"""Shared by every service: a row's own rules, as field-level messages."""

from django.core.exceptions import ValidationError


def row_errors(instance, exclude=("school",)) -> dict[str, list[str]]:
    """Field validators and choices of one row, as {field: [messages]}. Uniqueness and
    constraints across rows are the service's to check, with messages of its own."""
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False,
                            validate_constraints=False)
    except ValidationError as error:
        return dict(error.message_dict)
    return {}


class Conflict(ValidationError):
    """Someone else's change to the same record won: this one changed nothing. The API
    answers 409; a page shows the message like any other refusal."""

    def __init__(self, message):
        super().__init__(message, code="conflict")
