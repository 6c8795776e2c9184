"""The roles a user may hold (several at once) and what each is for."""

from __future__ import annotations

from collections.abc import Iterable

from disclosure.auth import Principal
from disclosure.errors import PermissionDenied
from disclosure.workflow import Labelled


class Role(Labelled):
    ADMINISTRATOR = "administrator"
    DATA_ADMINISTRATOR = "data_administrator"
    RESEARCHER = "researcher"
    PANEL_MEMBER = "panel_member"
    PANEL_CHAIR = "panel_chair"
    DISCLOSING_OFFICER = "disclosing_officer"
    URGENT_AUTHORISER = "urgent_authoriser", "Urgent disclosure authoriser"
    AUDITOR = "auditor"
    RECORDS_REVIEWER = "records_reviewer", "Records reviewer"
    INFORMATION_RIGHTS = "information_rights", "Information rights officer"
    PARTNER = "partner", "Partner agency user"

    @property
    def description(self) -> str:
        return ROLE_DESCRIPTIONS[self]


ROLE_DESCRIPTIONS = {
    Role.ADMINISTRATOR: "Manages users, API tokens and settings. Cannot read case content.",
    Role.DATA_ADMINISTRATOR: (
        "Logs requests, verifies identity, triages risk, coordinates missing-person data."
    ),
    Role.RESEARCHER: "Compiles evidence packages from police checks and partner-agency returns.",
    Role.PANEL_MEMBER: "Takes part in multi-agency disclosure decisions.",
    Role.PANEL_CHAIR: "Chairs decision panels and signs decisions off.",
    Role.DISCLOSING_OFFICER: "Generates letters and records the in-person disclosure.",
    Role.URGENT_AUTHORISER: (
        "Authorises a disclosure at first contact when immediate protection needs it (typically an "
        "inspector); the next panel ratifies it."
    ),
    Role.AUDITOR: "Reads the audit trail. Cannot change anything.",
    Role.RECORDS_REVIEWER: (
        "Reviews records due under the retention schedule (MoPI): retains them with a rationale, places "
        "legal holds, or disposes of them. Sees references and dates, not case content."
    ),
    Role.INFORMATION_RIGHTS: (
        "Answers subject access requests (DPA 2018 s.45): gathers everything held about a person, decides "
        "item by item what is disclosed, redacted or withheld under an exemption, and exports the bundle."
    ),
    Role.PARTNER: (
        "Answers information requests addressed to their own agency. Sees nothing else of a case."
    ),
}

# Roles that work with case content; an administrator or auditor account never reads it.
CASE_ROLES = frozenset(
    {
        Role.DATA_ADMINISTRATOR,
        Role.RESEARCHER,
        Role.PANEL_MEMBER,
        Role.PANEL_CHAIR,
        Role.DISCLOSING_OFFICER,
        Role.URGENT_AUTHORISER,
    }
)

# Roles that read case content: the case roles, partner users (their own agency's requests) and information
# rights officers (everything about the subject of a subject access request). An
# administrator account holds none of them (separate accounts), so no one can grant themselves a way in
# [issue 14]; the database refuses the pair too (migration 0011).
READS_CASES = CASE_ROLES | {Role.PARTNER, Role.INFORMATION_RIGHTS}


def require_case_role(actor: Principal) -> None:
    """Case content of any kind (cases, people, panels) is for the case roles alone."""
    if not actor.roles & {str(r) for r in CASE_ROLES}:
        raise PermissionDenied()


def combination_problem(roles: Iterable[str]) -> str | None:
    """Why these roles cannot be held together, or None."""
    held = set(roles)
    if Role.ADMINISTRATOR.value in held and held & {r.value for r in READS_CASES}:
        return "An administrator account cannot also read cases: give the case role to a separate account"
    return None
