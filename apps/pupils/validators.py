"""The Unique Pupil Number, checked with python-stdnum (check letter included)."""

from django.core.exceptions import ValidationError
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.gb import upn as stdnum_upn


def normalise_upn(value: str) -> str:
    return stdnum_upn.compact(value or "")


def validate_upn(value: str) -> None:
    """Raise a ValidationError that names what is wrong with the UPN."""
    number = normalise_upn(value)
    try:
        stdnum_upn.validate(number)
    except InvalidLength:
        raise ValidationError(
            "Enter a UPN of 13 characters; this one has %(length)s.",
            code="upn_length",
            params={"length": len(number)},
        ) from None
    except InvalidFormat:
        raise ValidationError(
            "Enter a UPN as a check letter, 11 digits, then a digit (or a letter for a "
            "temporary UPN), for example B801200005001.",
            code="upn_format",
        ) from None
    except InvalidComponent:
        raise ValidationError(
            "The local authority number in this UPN (characters 2 to 4, %(la)s) is not an "
            "English local authority.",
            code="upn_la",
            params={"la": number[1:4]},
        ) from None
    except InvalidChecksum:
        raise ValidationError(
            "The check letter (the first character, %(letter)s) does not match the rest of "
            "the UPN. Check the UPN has been copied correctly.",
            code="upn_check_letter",
            params={"letter": number[:1]},
        ) from None
