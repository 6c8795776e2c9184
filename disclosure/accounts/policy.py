"""The route policy table: which principals may reach each route, by route name (QUALITY.md check 1).

Every route handler has a `name`; the app-wide guard in `disclosure.auth` looks it up here and refuses
any route that is missing. `tests/accounts/test_policy.py` walks every registered route for anonymous and
every role against this table. Object-level need to know is the services' job on top of this.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from disclosure.accounts.roles import CASE_ROLES, Role
from disclosure.auth import AUTOMATIC_OPTIONS, PENDING_MFA, PUBLIC, SIGNED_IN, Principal, Rule, roles

ADMIN = roles(Role.ADMINISTRATOR)
ADMIN_REAUTH = roles(Role.ADMINISTRATOR, reauth=True)
AUDITOR = roles(Role.AUDITOR)
CASE_WORK = roles(*CASE_ROLES)
INTAKE = roles(Role.DATA_ADMINISTRATOR)
CASE_PROGRESS = roles(Role.DATA_ADMINISTRATOR, Role.RESEARCHER)
AUDITOR_REAUTH = roles(Role.AUDITOR, reauth=True)
RESEARCH = roles(Role.RESEARCHER)
PARTNER = roles(Role.PARTNER)
# Panels: members and chairs sit, data administrators (MASH coordinators) and chairs convene; only the
# chair signs, with a recent password and code.
PANEL_READ = roles(Role.PANEL_MEMBER, Role.PANEL_CHAIR, Role.DATA_ADMINISTRATOR)
CONVENE = roles(Role.DATA_ADMINISTRATOR, Role.PANEL_CHAIR)
PANEL = roles(Role.PANEL_MEMBER, Role.PANEL_CHAIR)
CHAIR_REAUTH = roles(Role.PANEL_CHAIR, reauth=True)
# Letters: officers, data administrators and researchers (partner requests) generate; need to know per case.
LETTERS = roles(Role.DISCLOSING_OFFICER, Role.DATA_ADMINISTRATOR, Role.RESEARCHER)
DELIVERY = roles(Role.DISCLOSING_OFFICER, Role.DATA_ADMINISTRATOR)
# Immediate protection at first contact: only an officer holding the urgent disclosure authority [Beds].
URGENT = roles(Role.URGENT_AUTHORISER)
# Retention: records reviewers only (no case content); disposal asks for the password and code again.
REVIEWER = roles(Role.RECORDS_REVIEWER)
REVIEWER_REAUTH = roles(Role.RECORDS_REVIEWER, reauth=True)
# Subject access: information rights officers; exporting a bundle asks for the password and code again.
RIGHTS = roles(Role.INFORMATION_RIGHTS)
RIGHTS_REAUTH = roles(Role.INFORMATION_RIGHTS, reauth=True)

POLICY: dict[str, Rule] = {
    # Public: assets, health, the sign-in journey and one-time links.
    "assets": PUBLIC,
    "assets/head": PUBLIC,
    AUTOMATIC_OPTIONS: PUBLIC,
    "health": PUBLIC,
    "accounts.sign_in_form": PUBLIC,
    "accounts.sign_in": PUBLIC,
    "accounts.signed_out": PUBLIC,
    "accounts.setup_form": PUBLIC,
    "accounts.setup": PUBLIC,
    "accounts.invitation_form": PUBLIC,
    "accounts.invitation": PUBLIC,
    # Password accepted, security code still to come.
    "accounts.code_form": PENDING_MFA,
    "accounts.code": PENDING_MFA,
    "accounts.enrol_form": PENDING_MFA,
    "accounts.enrol": PENDING_MFA,
    "accounts.sign_out": PENDING_MFA,
    # Any signed-in user.
    "home": SIGNED_IN,
    "accounts.account": SIGNED_IN,
    "accounts.password_form": SIGNED_IN,
    "accounts.password": SIGNED_IN,
    "accounts.reauth_form": SIGNED_IN,
    "accounts.reauth": SIGNED_IN,
    # Administrators: users, tokens and settings; never case content.
    "admin.users": ADMIN,
    "admin.user": ADMIN,
    "admin.new_user_form": ADMIN_REAUTH,
    "admin.new_user": ADMIN_REAUTH,
    "admin.roles": ADMIN_REAUTH,
    "admin.set_agency": ADMIN,  # as on the agency's page (`agencies.add_member`)
    "admin.correct_user": ADMIN_REAUTH,  # an email is where a new invitation goes
    "admin.disable": ADMIN,
    "admin.enable": ADMIN_REAUTH,
    "admin.reset_mfa": ADMIN_REAUTH,
    "admin.invitation": ADMIN_REAUTH,  # a new link sets the account's password: as sensitive as a new user
    "admin.issue_token": ADMIN_REAUTH,
    "admin.revoke_token": ADMIN,
    "force.settings_form": ADMIN,
    "force.settings": ADMIN,
    "force.logo": ADMIN,
    "force.logo_image": ADMIN,
    # Auditors: read the trail, nothing else.
    # Reports: the returns are figures for anyone who works cases; the lists behind them keep need to know.
    "reports.index": CASE_WORK,
    "reports.returns": CASE_WORK,
    "reports.figure": CASE_WORK,
    "reports.export": CASE_WORK,
    "reports.timeliness": CASE_WORK,
    "reports.workload": CASE_WORK,
    "reports.summary_index": CASE_WORK,
    "reports.summary": CASE_WORK,
    "auditing.events": AUDITOR,
    "auditing.event": AUDITOR,
    "auditing.chain": AUDITOR,
    "auditing.export_form": AUDITOR,
    "auditing.export": AUDITOR_REAUTH,
    # Retention and disposal (MoPI).
    "retention.queue": REVIEWER,
    "retention.record": REVIEWER,
    "retention.decide": REVIEWER,
    "retention.dispose_form": REVIEWER_REAUTH,
    "retention.dispose": REVIEWER_REAUTH,
    "subject_access.list": RIGHTS,
    "subject_access.new_form": RIGHTS,
    "subject_access.open": RIGHTS,
    "subject_access.request": RIGHTS,
    "subject_access.disclose_rest": RIGHTS,
    "subject_access.item": RIGHTS,
    "subject_access.decide": RIGHTS,
    "subject_access.export": RIGHTS_REAUTH,
    "retention.settings": ADMIN,
    "retention.set_defaults": ADMIN,
    "retention.group_form": ADMIN,
    "retention.update_group": ADMIN,
    # Requests: every case role reads (need to know is checked per case by the service); data
    # administrators log and triage; data administrators and researchers move cases on.
    "requests.queue": CASE_WORK,
    "requests.case": CASE_WORK,
    "requests.access_form": CASE_WORK,
    "requests.access": CASE_WORK,
    "requests.new_form": INTAKE,
    "requests.log": INTAKE,
    "requests.add_person_form": INTAKE,
    "requests.add_person": INTAKE,
    "requests.remove_person": INTAKE,
    "requests.correct_form": INTAKE,
    "requests.correct": INTAKE,
    "requests.triage_form": INTAKE,
    "requests.triage": INTAKE,
    "requests.complete_initial_checks": INTAKE,
    "requests.verify_identity_form": INTAKE,
    "requests.verify_identity": INTAKE,
    "requests.start_research_form": CASE_PROGRESS,
    "requests.start_research": CASE_PROGRESS,
    "requests.withdraw_form": INTAKE,
    "requests.withdraw": INTAKE,
    "requests.out_of_scope_form": INTAKE,
    "requests.out_of_scope": INTAKE,
    "requests.pause_form": CASE_PROGRESS,
    "requests.pause": CASE_PROGRESS,
    "requests.resume": CASE_PROGRESS,
    "requests.extend_form": CASE_PROGRESS,
    "requests.extend": CASE_PROGRESS,
    "requests.assign_form": INTAKE,
    "requests.assign": INTAKE,
    "requests.close_form": INTAKE,
    "requests.close": INTAKE,
    "people.person": CASE_WORK,
    "people.access_form": CASE_WORK,
    "people.access": CASE_WORK,
    "people.merge": INTAKE,
    "people.correct_form": CASE_PROGRESS,
    "people.correct": CASE_PROGRESS,
    # Research: every case role reads the research page, versions, packs and files (need to know per case);
    # researchers compile, review and submit.
    "research.package": CASE_WORK,
    "research.check_form": RESEARCH,
    "research.record_check": RESEARCH,
    "research.remove_check_form": RESEARCH,
    "research.remove_check": RESEARCH,
    "research.partner_request_form": RESEARCH,
    "research.send_partner_request": RESEARCH,
    "research.chase": RESEARCH,
    "research.close_partner_request_form": RESEARCH,
    "research.close_partner_request": RESEARCH,
    "research.partner_answer_form": RESEARCH,
    "research.record_partner_answer": RESEARCH,
    "research.evidence_form": RESEARCH,
    "research.record_evidence": RESEARCH,
    "research.change_evidence_form": RESEARCH,
    "research.change_evidence": RESEARCH,
    "research.remove_evidence_form": RESEARCH,
    "research.remove_evidence": RESEARCH,
    "research.attachment_form": RESEARCH,
    "research.add_attachment": RESEARCH,
    "research.download_attachment": CASE_WORK,
    "research.remove_attachment": RESEARCH,
    "research.summary_form": RESEARCH,
    "research.offending_form": RESEARCH,
    "research.record_offending": RESEARCH,
    "research.update_summary": RESEARCH,
    "research.review_form": RESEARCH,
    "research.send_for_review": RESEARCH,
    "research.review_decision_form": RESEARCH,
    "research.review": RESEARCH,
    "research.submit": RESEARCH,
    "research.reopen_form": RESEARCH,
    "research.reopen": RESEARCH,
    "research.version": CASE_WORK,
    "research.panel_pack": CASE_WORK,
    "research.open_partner_requests": RESEARCH,
    "research.check_lists": ADMIN,
    "research.update_check_type": ADMIN,
    "agencies.list": ADMIN,
    "agencies.agency": ADMIN,
    "agencies.update": ADMIN,
    "agencies.add_member": ADMIN,
    "agencies.remove_member": ADMIN,
    # Decisions: need to know per meeting and per case is the service's (members taking part, conveners).
    "decisions.meetings": PANEL_READ,
    "decisions.meeting": PANEL_READ,
    "decisions.convene_form": CONVENE,
    "decisions.convene": CONVENE,
    "decisions.edit_meeting_form": CONVENE,
    "decisions.edit_meeting": CONVENE,
    "decisions.add_member": CONVENE,
    "decisions.remove_member": CONVENE,
    "decisions.add_to_agenda": CONVENE,
    "decisions.close": CONVENE,
    "decisions.item": PANEL_READ,
    "decisions.attendance_form": CONVENE,
    "decisions.attendance": CONVENE,
    "decisions.remove_item_form": CONVENE,
    "decisions.remove_item": CONVENE,
    "decisions.package": PANEL_READ,
    "decisions.panel_pack": PANEL_READ,
    "decisions.decision_form": PANEL,
    "decisions.record": PANEL,
    "decisions.sign_form": CHAIR_REAUTH,
    "decisions.sign": CHAIR_REAUTH,
    "decisions.addendum_form": PANEL,
    "decisions.addendum": PANEL,
    "decisions.minutes": PANEL_READ,
    "decisions.case_decisions": CASE_WORK,
    "decisions.urgent_form": URGENT,
    "decisions.urgent": URGENT,
    "decisions.settings": ADMIN,
    "requests.clock_settings": ADMIN,
    "people.matching_settings": ADMIN,
    "people.matching_thresholds": ADMIN,
    "people.use_matcher": ADMIN,
    "requests.clock_policy_form": ADMIN,
    "requests.add_clock_policy": ADMIN,
    "requests.add_clock_reason": ADMIN,
    "requests.clock_reason_active": ADMIN,
    "decisions.update_policy": ADMIN,
    "decisions.add_agency": ADMIN,
    "decisions.agency_active": ADMIN,
    "decisions.add_reason": ADMIN,
    "decisions.reason_active": ADMIN,
    "letters.templates": ADMIN,
    "letters.template": ADMIN,
    "letters.template_save": ADMIN,
    "letters.list": CASE_WORK,
    "letters.preview": LETTERS,
    "letters.generate_all": LETTERS,
    "letters.generate": LETTERS,
    "letters.download": CASE_WORK,
    "letters.delivery_form": DELIVERY,
    "letters.record_delivery": DELIVERY,
    "letters.correct_delivery_form": DELIVERY,
    "letters.correct_delivery": DELIVERY,
    # Missing-person coordination: the MASH data administrators; administrators set the local rules.
    "missing.overview": INTAKE,
    "missing.new_form": INTAKE,
    "missing.record": INTAKE,
    "missing.episode": INTAKE,
    "missing.risk_form": INTAKE,
    "missing.change_risk": INTAKE,
    "missing.close_form": INTAKE,
    "missing.close": INTAKE,
    "missing.correct_form": INTAKE,
    "missing.correct": INTAKE,
    "missing.interview_form": INTAKE,
    "missing.record_interview": INTAKE,
    "missing.consideration_form": INTAKE,
    "missing.decide_consideration": INTAKE,
    "missing.person": INTAKE,
    "missing.protocol_form": INTAKE,
    "missing.matches": INTAKE,
    "missing.match_form": INTAKE,
    "missing.confirm_match": INTAKE,
    "missing.imports": INTAKE,
    "missing.import_feed": INTAKE,
    "missing.import": INTAKE,
    "missing.import_progress": INTAKE,
    "missing.run_import_again": INTAKE,
    "missing.export_form": INTAKE,
    "missing.export": INTAKE,
    "missing.settings_form": ADMIN,
    "missing.update_settings": ADMIN,
    "missing.update_risk_level": ADMIN,
    "missing.add_risk_level": ADMIN,
    # Partner agency users: notifications and protocol forms of their own agency.
    "missing.partner_inbox": PARTNER,
    "missing.partner_notification": PARTNER,
    "missing.acknowledge": PARTNER,
    "missing.partner_forms": PARTNER,
    "missing.lodge_form": PARTNER,
    "missing.partner_form_file": PARTNER,
    "missing.withdraw_form": PARTNER,
    # Partner agency users: the requests addressed to their agency, nothing else.
    "partner.inbox": PARTNER,
    "partner.request": PARTNER,
    "partner.answer": PARTNER,
    # JSON API (bearer tokens; re-authentication does not apply to machine clients).
    "api.openapi": PUBLIC,
    "api.me": SIGNED_IN,
    "api.users": ADMIN,
    "api.user": ADMIN,
    "api.create_user": ADMIN,
    "api.set_user_agency": ADMIN,
    "api.audit_events": AUDITOR,
    "api.retention_records": REVIEWER,
    "api.retention_record": REVIEWER,
    "api.retention_decide": REVIEWER,
    "api.retention_dispose": REVIEWER,  # the reviewer's password and code travel with the call
    "api.subject_access_requests": RIGHTS,
    "api.subject_access_open": RIGHTS,
    "api.subject_access_request": RIGHTS,
    "api.subject_access_decide": RIGHTS,
    "api.subject_access_export": RIGHTS,  # the officer's password and code travel with the call
    "api.returns": CASE_WORK,
    "api.requests": CASE_WORK,
    "api.request": CASE_WORK,
    "api.log_request": INTAKE,
    "api.correct_request": INTAKE,
    "api.add_party": INTAKE,
    "api.triage": INTAKE,
    "api.complete_initial_checks": INTAKE,
    "api.verify_identity": INTAKE,
    "api.start_research": CASE_PROGRESS,
    "api.withdraw": INTAKE,
    "api.out_of_scope": INTAKE,
    "api.pause": CASE_PROGRESS,
    "api.resume": CASE_PROGRESS,
    "api.extend": CASE_PROGRESS,
    "api.assign": INTAKE,
    "api.find_people": INTAKE,
    "api.create_person": INTAKE,
    "api.person": CASE_WORK,
    "api.research": CASE_WORK,
    "api.record_check": RESEARCH,
    "api.send_partner_request": RESEARCH,
    "api.record_evidence": RESEARCH,
    "api.record_offending": RESEARCH,
    "api.research_summary": RESEARCH,
    "api.send_for_review": RESEARCH,
    "api.approve_package": RESEARCH,
    "api.submit_package": RESEARCH,
    "api.package_version": CASE_WORK,
    "api.partner_inbox": PARTNER,
    "api.partner_answer": PARTNER,
    "api.decision": CASE_WORK,
    "api.record_urgent_disclosure": URGENT,
    "api.record_delivery": DELIVERY,
    "api.delivery": CASE_WORK,
    "api.convene": CONVENE,
    "api.panel": PANEL_READ,
    "api.add_member": CONVENE,
    "api.add_to_agenda": CONVENE,
    "api.record_attendance": CONVENE,
    "api.record_decision": PANEL,
    "api.sign_decision": roles(Role.PANEL_CHAIR),  # the chair's password and code travel with the call
    "api.urgent_disclosures": CASE_WORK,
    "api.case_decisions": CASE_WORK,
    "api.missing_import": INTAKE,
    "api.missing_import_state": INTAKE,
    "api.missing_run_import_again": INTAKE,
    "api.missing_episodes": INTAKE,
    "api.missing_episode": INTAKE,
    "api.missing_risk": INTAKE,
    "api.missing_correct": INTAKE,
    # Search: any case role, within need to know (`disclosure.search`).
    "search.form": CASE_WORK,
    "search.run": CASE_WORK,
    "api.search": CASE_WORK,
    # What waits: each user their own (`disclosure.waiting`).
    "waiting.email_form": SIGNED_IN,
    "waiting.email": SIGNED_IN,
    "api.waiting": SIGNED_IN,
}


def may(principal: Principal | None, route_name: str) -> bool:
    """Whether the principal's roles reach the named route: pages offer only the actions their reader may
    take (re-authentication is asked for when the route is followed)."""
    rule = POLICY.get(route_name)
    return rule is not None and rule.allows(principal)


def navigation(
    principal: Principal | None, current_path: str, counts: dict[str, int] | None = None
) -> list[dict[str, Any]]:
    """Service navigation for the principal's roles: only links they may follow, each with the number of
    things waiting there for the user (`counts`, by link, from `disclosure.waiting`)."""
    if principal is None or principal.mfa_pending:
        return []
    items = [("/", "Home")]
    if principal.roles & {str(r) for r in CASE_ROLES}:
        items.append(("/requests", "Work queue"))
        items.append(("/search", "Search"))
        items.append(("/reports", "Reports"))
    if Role.RESEARCHER in principal.roles:
        items.append(("/research/partner-requests", "Partner requests"))
    if principal.roles & {Role.PANEL_MEMBER.value, Role.PANEL_CHAIR.value, Role.DATA_ADMINISTRATOR.value}:
        items.append(("/panels", "Panels"))
    if Role.DATA_ADMINISTRATOR in principal.roles:
        items.append(("/missing", "Missing people"))
    if Role.PARTNER in principal.roles:
        items += [
            ("/partner", "Information requests"),
            ("/partner/missing", "Missing-person notifications"),
            ("/partner/protocol-forms", "Protocol forms"),
        ]
    if Role.ADMINISTRATOR in principal.roles:
        items += [
            ("/admin/users", "Users"),
            ("/admin/agencies", "Partner agencies"),
            ("/admin/check-lists", "Check lists"),
            ("/admin/clocks", "Clocks"),
            ("/admin/panel-settings", "Panel settings"),
            ("/admin/letter-templates", "Letter wording"),
            ("/admin/missing", "Missing-person rules"),
            ("/admin/matching", "Matching"),
            ("/admin/retention", "Retention"),
            ("/admin/settings", "Settings"),
        ]
    if Role.AUDITOR in principal.roles:
        items += [("/audit", "Audit trail")]
    if Role.RECORDS_REVIEWER in principal.roles:
        items += [("/retention", "Records review")]
    if Role.INFORMATION_RIGHTS in principal.roles:
        items += [("/subject-access", "Subject access")]
    items.append(("/account", "Your account"))

    def matches(href: str) -> bool:
        return current_path == href if href == "/" else current_path.startswith(href)

    # The longest matching link is the current one (/partner/missing, not also /partner).
    current = max((href for href, _ in items if matches(href)), key=len, default=None)
    counts = counts or {}

    def item(href: str, text: str) -> dict[str, Any]:
        waiting = counts.get(href, 0)
        if not waiting:
            return {"href": href, "text": text, "active": href == current}
        count = Markup('<span class="app-count">{}<span class="govuk-visually-hidden"> waiting</span></span>')
        return {
            "href": href,
            "html": escape(text) + Markup(" ") + count.format(waiting),
            "active": href == current,
        }

    return [item(href, text) for href, text in items]
