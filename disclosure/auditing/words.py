"""What each audit event means in plain words: every action code the service writes, as a sentence in the
past tense whose subject is the user who acted ("Viewed the case"), every kind of record, every operation.

The words live here, in one place, and nowhere in the features: `tests/auditing/test_words.py` reads the
source for every action code and record kind the service can write and fails for any without words, so a
new action cannot ship without them. A code with no words (an event written before its words existed, or a
code since retired) is shown readably with the code itself, never as an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from disclosure.accounts.roles import Role
from disclosure.audit import AuditCategory

ACTIONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        # Accounts, sign-in and API tokens
        "setup_link.issue": "Issued the one-time set-up link for the first administrator",
        "user.create_first_administrator": "Created the first administrator account",
        "user.create": "Created a user account",
        "user.reissue_invitation": "Issued a new invitation link",
        "user.accept_invitation": "Set their password from an invitation link",
        "user.set_roles": "Changed a user's roles",
        "user.set_agency": "Changed the partner agency a partner user answers for",
        "user.grant_case_role": "Granted a role that reads cases",
        "user.disable": "Disabled a user account",
        "user.enable": "Enabled a user account",
        "user.reset_mfa": "Reset a user's authenticator app",
        "user.correct": "Corrected a user's full name or email",
        "user.change_password": "Changed their password",  # nosec B105  # the words for an audit action
        "user.change_password.failed": "Failed to change their password (wrong current password)",
        "api_token.issue": "Issued an API token",
        "api_token.revoke": "Revoked an API token",
        "sign_in.password": "Entered their password (security code next)",
        "sign_in.failed": "Failed to sign in (wrong user name or password)",
        "sign_in.locked": "Was refused sign-in after too many failed attempts",
        "sign_in.complete": "Signed in",
        "sign_in.reauthenticate": "Confirmed their identity for a sensitive action",
        "sign_out": "Signed out",
        "mfa.enrol": "Set up their authenticator app",
        "mfa.failed.enrol": "Entered a wrong or reused security code setting up their authenticator app",
        "mfa.failed.sign_in": "Entered a wrong or reused security code signing in",
        "mfa.failed.reauthenticate": "Entered a wrong or reused security code confirming their identity",
        # Requests: the case and its clocks
        "request.log": "Logged the request",
        "request.view": "Viewed the case",
        "request.open_with_reason": "Opened the case, stating a reason",
        "request.correct": "Corrected what was logged at first contact",
        "request.add_party": "Added a person to the case",
        "request.remove_party": "Removed a person from the case",
        "request.triage": "Recorded the triage",
        "request.complete_initial_checks": "Completed the initial checks",
        "request.verify_identity": "Recorded the face-to-face meeting",
        "request.start_research": "Handed the case to research",
        "request.submit_for_decision": "Submitted the case for a panel decision",
        "request.decide_to_disclose": "Moved the case on: the panel decided to disclose",
        "request.decide_not_to_disclose": "Moved the case on: the panel decided not to disclose",
        "request.return_to_research": "Returned the case to research",
        "request.record_outcome_delivered": "Moved the case on: the outcome was delivered",
        "request.close": "Closed the case",
        "request.close_out_of_scope": "Closed the case as out of scope",
        "request.withdraw": "Recorded that the request was withdrawn",
        "request.pause_clock": "Paused the case's clock",
        "request.resume_clock": "Restarted the case's clock",
        "request.extend_deadline": "Extended the case's deadline",
        "request.assign": "Assigned the case lead",
        "request.link": "Linked the same application under both schemes",
        "requests.clock_policy.add": "Added a clock policy version",
        "requests.clock_reason.add": "Added a reason for pausing or extending a clock",
        "requests.clock_reason.activate": "Put a clock reason back in use",
        "requests.clock_reason.retire": "Retired a clock reason",
        # Research: the evidence package
        "research.package.view": "Viewed the research page",
        "research.check.record": "Recorded a check",
        "research.check.remove": "Struck out a check",
        "research.check_type.update": "Changed the check list",
        "research.evidence.record": "Recorded an evidence item",
        "research.evidence.change": "Corrected an evidence item",
        "research.evidence.remove": "Struck out an evidence item",
        "research.attachment.add": "Attached a file to an evidence item",
        "research.attachment.hold": "Stored a file for an evidence item being recorded",
        "research.attachment.download": "Downloaded an evidence attachment",
        "research.attachment.remove": "Removed an evidence attachment",
        "research.offending": "Saved the subject's offending and MAPPA management",
        "research.package.summary": "Saved the research summary and recommendation",
        "research.package.send_for_review": "Sent the evidence package for review",
        "research.package.approve": "Approved the evidence package",
        "research.package.return_for_changes": "Returned the evidence package for changes",
        "research.package.review_voided": "Changed the evidence package after its review, voiding it",
        "research.package.reopen": "Reopened the submitted evidence package",
        "research.package.submit": "Submitted the evidence package to the panel",
        "research.package_version.view": "Viewed a submitted version of the evidence package",
        "research.panel_pack.download": "Downloaded the panel pack",
        "research.partner_request.send": "Asked a partner agency for information",
        "research.partner_request.chase": "Chased a partner agency for its answer",
        "research.partner_request.close": "Closed a partner request without an answer",
        "research.partner_request.answer": "Recorded a partner agency's answer",
        "research.partner_request.view": "Read a request for information addressed to their agency",
        "research.partner_request.list": "Read the list of information requests to their agency",
        "attachments.orphans_removed": "Removed stored files that no record used",
        "backup.created": "Took a backup of the whole service",
        "backup.restored": "Restored the whole service from a backup",
        "retention.scan": "Updated the review schedule",
        "retention.view": "Viewed a record under review",
        "retention.retain": "Retained a record on review, until its next review",
        "retention.regroup": "Moved a record to another review group",
        "retention.hold": "Placed a legal hold on a record",
        "retention.release": "Released a legal hold on a record",
        "retention.dispose": "Disposed of a record on review (erasure)",
        "subject_access.open": "Opened a subject access request, gathering everything held about the person",
        "subject_access.decide": "Decided what a subject access bundle gives of one item",
        "subject_access.disclose_rest": "Disclosed in full the subject access items with nothing to consider",
        "subject_access.export": "Exported a subject access bundle for the data subject",
        "retention.group.update": "Changed a review group's periods",
        "retention.defaults.update": "Changed the review group each kind of record joins",
        # Decisions: panels
        "decisions.meeting.convene": "Convened a panel meeting",
        "decisions.meeting.update": "Changed a panel meeting's details",
        "decisions.meeting.add_member": "Added a member to a panel meeting",
        "decisions.meeting.remove_member": "Took a member off a panel meeting",
        "decisions.meeting.close": "Closed a panel meeting",
        "decisions.agenda.add": "Put the case on a panel agenda",
        "decisions.agenda.remove": "Took the case off a panel agenda",
        "decisions.agenda.attendance": "Recorded who attended the panel for the case",
        "decisions.package.view": "Read the evidence package for the panel",
        "decisions.decision.draft": "Drafted the panel's decision",
        "decisions.decision.sign": "Signed off the panel's decision",
        "decisions.decision.addendum": "Added an addendum to the signed decision",
        "decisions.decision.view": "Viewed the panel's decision",
        "decisions.minutes.download": "Downloaded the panel minutes",
        "decisions.urgent.authorise": "Authorised an urgent disclosure before the panel",
        "decisions.settings.policy": "Changed the panel policy",
        "decisions.settings.add_agency": "Added a panel agency",
        "decisions.settings.agency_active": "Changed whether a panel agency is in use",
        "decisions.settings.add_reason": "Added a reason not to disclose",
        "decisions.settings.reason_active": "Changed whether a reason not to disclose is in use",
        # Letters and delivery
        "letters.preview": "Previewed a letter",
        "letters.generate": "Generated a letter",
        "letters.download": "Downloaded a letter",
        "letters.print": "Printed a letter from the command line",
        "letters.delivery": "Recorded the delivery of the outcome",
        "letters.delivery.correct": "Corrected the record of a delivery",
        "letters.template.publish": "Published a letter template",
        # Missing-person coordination
        "missing.record": "Recorded a missing episode",
        "missing.view": "Viewed a missing episode",
        "missing.risk": "Reviewed a missing person's risk",
        "missing.close": "Closed a missing episode: the person was found or returned",
        "missing.interview": "Recorded a return home or prevention interview",
        "missing.correct": "Corrected a missing episode's report or return",
        "search.run": "Searched for cases, people and missing episodes",
        "waiting.email_choice": "Changed how they are emailed about waiting work",
        "missing.escalate": "Escalated an urgent notice nobody acknowledged",
        "missing.urgent_unreached": "Recorded that an urgent missing-person notice reached nobody",
        "missing.partner_read": "Read a missing-person notification addressed to their agency",
        "missing.acknowledge": "Acknowledged a missing-person notification",
        "missing.export": "Exported missing-person data",
        "reports.export": "Exported the annual returns",
        "reports.summary_pdf": "Downloaded the performance summary",
        "missing.import": "Imported the police missing-person feed",
        "missing.import_again": "Ran a missing-person feed import again",
        "missing.link_raised": "Raised a Right to Know consideration: the missing person is on a case",
        "missing.link_accepted": "Accepted a Right to Know consideration",
        "missing.link_dismissed": "Dismissed a Right to Know consideration",
        "missing.match_confirmed": "Confirmed who the person in a missing-person record is",
        "missing.protocol_lodge": "Lodged a protocol form",
        "missing.protocol_read": "Opened a protocol form",
        "missing.protocol_release": "Released a protocol form to police: the person is missing",
        "missing.protocol_withdraw": "Withdrew a protocol form",
        "missing.settings": "Changed the missing-person rules",
        "missing.risk_level_added": "Added a risk level",
        "missing.risk_level": "Changed a risk level's wording or use",
        # People index
        "person.search": "Searched the people index for likely matches",
        "matcher.train": "Trained the matching model on the people index",
        "matcher.thresholds": "Changed the matching thresholds",
        "matcher.use": "Put a matching model version in use",
        "person.create": "Added a person to the people index",
        "person.view": "Viewed a person's record",
        "person.open_with_reason": "Opened a person's record, stating a reason",
        "person.link": "Linked an existing person to a case or episode",
        "person.add_name": "Added an alias or previous name to a person's record",
        "person.add_address": "Added an address to a person's record",
        "person.correct": "Corrected a person's details",
        "person.merge": "Merged two records of the same person",
        # Partner agencies, force settings, demo data
        "agencies.update": "Changed a partner agency's settings",
        "agencies.add_member": "Added a partner user to an agency",
        "agencies.remove_member": "Removed a partner user from an agency",
        "force_profile.update": "Changed the force settings",
        "force_profile.logo": "Changed or removed the force's logo",
        "demo.load_user": "Loaded the synthetic demo data set",
        # The audit trail itself
        "audit.search": "Searched the audit trail",
        "audit.verify": "Checked the audit chain",
        "audit.export": "Exported an access history",
    }
)

# Codes the service wrote once and no longer writes: their events stay in the trail for good.
RETIRED_ACTIONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "person.add_alias": "Added an alias to a person's record",
    }
)

RECORD_KINDS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "request": "Case",
        "disclosure_request": "Case",
        "person": "Person's record",
        "matcher_version": "Matching model version",
        "user": "User account",
        "api_token": "API token",  # nosec B105  # the words for an object type
        "one_time_link": "Set-up link",
        "agency": "Partner agency",
        "force_profile": "Force settings",
        "clock_policy": "Clock policy",
        "clock_reason": "Clock reason",
        "research_package": "Evidence package",
        "package_version": "Evidence package version",
        "check": "Check",
        "check_type": "Check list entry",
        "evidence_item": "Evidence item",
        "attachment": "Evidence attachment",
        "stored_file": "Stored files",
        "backup": "Backup of the whole service",
        "partner_request": "Partner request",
        "panel_meeting": "Panel meeting",
        "agenda_item": "Panel agenda item",
        "decision": "Panel decision",
        "urgent_disclosure": "Urgent disclosure",
        "panel_policy": "Panel policy",
        "panel_agency": "Panel agency",
        "no_disclosure_reason": "Reason not to disclose",
        "letter": "Letter",
        "delivery": "Delivery record",
        "letter_template": "Letter template",
        "missing_episode": "Missing episode",
        "missing_export": "Missing-person export",
        "return": "Annual returns",
        "missing_import": "Missing-person feed import",
        "missing_notification": "Missing-person notification",
        "missing_risk_level": "Risk level",
        "missing_settings": "Missing-person rules",
        "retention_schedule": "Review schedule",
        "retention_record": "Record under review",
        "retention_group": "Review group",
        "subject_access_request": "Subject access request",
        "protocol_form": "Protocol form",
        "audit_trail": "Audit trail",
        "search": "Search",
    }
)

CATEGORIES: Final[Mapping[str, str]] = MappingProxyType(
    {
        AuditCategory.COLLECTION.value: "Collection",
        AuditCategory.ALTERATION.value: "Alteration",
        AuditCategory.CONSULTATION.value: "Consultation",
        AuditCategory.DISCLOSURE.value: "Disclosure",
        AuditCategory.COMBINATION.value: "Combination",
        AuditCategory.ERASURE.value: "Erasure",
        AuditCategory.SECURITY.value: "Security",
        AuditCategory.ADMINISTRATION.value: "Administration",
    }
)


def _readable(code: str) -> str:
    return " ".join(code.replace(".", " ").replace("_", " ").split())


def action_words(code: str) -> str:
    """The sentence for an action code; a code with no words reads "Unlisted action: missing view
    (missing.view)", so an old event still says what it was and which code it carries."""
    words = ACTIONS.get(code) or RETIRED_ACTIONS.get(code)
    if words:
        return words
    return f"Unlisted action: {_readable(code) or 'none'} ({code})" if code else "Unlisted action"


def role_words(roles: str) -> str:
    """Stored role codes ("data_administrator,researcher") as their labels; a code no longer in use is
    shown made readable."""
    known = {role.value: role.label for role in Role}
    return ", ".join(known.get(code, _readable(code)) for code in roles.split(",") if code)


def record_words(kind: str) -> str:
    """What kind of record an event is about: "Case", "Panel decision"; an unknown kind made readable."""
    return RECORD_KINDS.get(kind) or (_readable(kind).capitalize() or "Record")


def category_words(category: str) -> str:
    return CATEGORIES.get(category) or (_readable(category).capitalize() or "Unknown")


def action_options(chosen: str = "") -> list[tuple[str, str]]:
    """The action select's options, sorted by their words (so every "Downloaded ..." sits together); a
    chosen code with no words (an old event's) is offered too, so the form still shows what is filtered."""
    options = sorted(ACTIONS.items(), key=lambda item: (item[1].lower(), item[0]))
    options += sorted(RETIRED_ACTIONS.items(), key=lambda item: item[1].lower())
    if chosen and chosen not in ACTIONS and chosen not in RETIRED_ACTIONS:
        options.append((chosen, action_words(chosen)))
    return [("", "Any"), *options]


def record_options(chosen: str = "") -> list[tuple[str, str]]:
    """The record kind select: one option per kind of words ("Case" once, though two codes name it)."""
    seen: dict[str, str] = {}
    for kind, words in RECORD_KINDS.items():
        seen.setdefault(words, kind)
    options = sorted(((kind, words) for words, kind in seen.items()), key=lambda item: item[1])
    if chosen and chosen not in {kind for kind, _ in options}:
        options.append((chosen, record_words(chosen)))
    return [("", "Any"), *options]


def same_kind(kind: str) -> list[str]:
    """Every code that names the same kind of record ("request" and "disclosure_request" are both a case),
    so filtering by a kind finds all of its events."""
    words = RECORD_KINDS.get(kind)
    return sorted(k for k, w in RECORD_KINDS.items() if w == words) if words else [kind]


def category_options() -> list[tuple[str, str]]:
    return [("", "Any"), *CATEGORIES.items()]
