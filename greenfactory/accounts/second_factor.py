"""Who must sign in with a second factor: administrators always, anyone else when a requirement says so.

Other apps add requirements without accounts knowing them (certifications: "an invitation in force
asks for one"), so the policy stays in one place and the dependency points the allowed way::

    from greenfactory.accounts.second_factor import register_requirement

    register_requirement(invitation_requires_second_factor)  # (user) -> bool

A requirement is asked on every signed-in request of a user who is not yet verified: keep it to one
small query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .roles import Role, roles_of

Requirement = Callable[[Any], bool]

_requirements: list[Requirement] = []


def register_requirement(requirement: Requirement) -> Requirement:
    """Add a requirement (also usable as a decorator); registering the same one twice is harmless."""
    if requirement not in _requirements:
        _requirements.append(requirement)
    return requirement


def unregister_requirement(requirement: Requirement) -> None:
    """Remove a requirement (for tests and for apps that are switched off)."""
    if requirement in _requirements:
        _requirements.remove(requirement)


def second_factor_required(user) -> bool:
    """True when the user may use the product only after signing in with a second factor."""
    if user is None or not user.is_authenticated:
        return False
    if Role.ADMIN in roles_of(user):
        return True
    return any(requirement(user) for requirement in _requirements)
