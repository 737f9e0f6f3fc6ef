"""Rules about who belongs to a school, with the Code paragraph behind each."""

from apps.schools.roles import Role

# Sign-in refused from an address where this many accounts failed to sign in within the
# lockout's cool-off (password spraying, OWASP Authentication Cheat Sheet): above what one
# school's staff mistype behind one shared address, far below what a spray tries.
SPRAY_ACCOUNTS = 20


def leaves_school_without_senco(*, role_before: str, role_after: str | None,
                                other_sencos: int) -> bool:
    """Would this change leave the school with no SENCO? Code 6.84: a mainstream school
    must have a qualified teacher designated as its SENCO; someone must run the register.
    ``role_after`` is None for a leaver."""
    return role_before == Role.SENCO and role_after != Role.SENCO and other_sencos == 0
