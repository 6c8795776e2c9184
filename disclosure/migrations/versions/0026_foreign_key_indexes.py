"""An index on every foreign-key column that led none [issue 17]: the lists and a merge's or withdrawal's walk
of every referring row read by key instead of scanning (a case's pauses and extensions were read by a scan of
`clock_pauses` and `clock_extensions` for every case on the work queue). `db.index_foreign_keys` gives the
models the same indexes, so a new foreign key without one fails `alembic check`.

Revision ID: 0026
Revises: 0025
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOREIGN_KEYS = (
    ("access_grants", "request_id"),
    ("agency_views", "panel_agency_id"),
    ("agenda_items", "package_version_id"),
    ("api_tokens", "created_by"),
    ("api_tokens", "user_id"),
    ("attachments", "uploaded_by_id"),
    ("attendance", "member_id"),
    ("case_members", "user_id"),
    ("case_parties", "added_by_id"),
    ("check_types", "agency_id"),
    ("checks", "check_type_id"),
    ("checks", "partner_request_id"),
    ("checks", "performed_by_id"),
    ("clock_extensions", "created_by_id"),
    ("clock_extensions", "request_id"),
    ("clock_pauses", "created_by_id"),
    ("clock_pauses", "request_id"),
    ("corrections", "corrected_by_id"),
    ("decision_addenda", "added_by_id"),
    ("decisions", "deliverer_id"),
    ("decisions", "drafted_by_id"),
    ("decisions", "no_disclosure_reason_id"),
    ("decisions", "signed_by_id"),
    ("deliveries", "decision_id"),
    ("deliveries", "officer_id"),
    ("deliveries", "recorded_by_id"),
    ("deliveries", "undertaking_letter_id"),
    ("evidence_items", "check_id"),
    ("evidence_items", "person_id"),
    ("evidence_items", "recorded_by_id"),
    ("generated_letters", "generated_by_id"),
    ("letter_templates", "published_by_id"),
    ("missing_episodes", "health_id"),
    ("missing_episodes", "import_id"),
    ("missing_episodes", "placing_authority_id"),
    ("missing_episodes", "recorded_by_id"),
    ("missing_episodes", "school_id"),
    ("missing_episodes", "social_worker_id"),
    ("missing_imports", "started_by_id"),
    ("missing_link_considerations", "decided_by_id"),
    ("missing_link_considerations", "episode_id"),
    ("missing_link_considerations", "person_id"),
    ("missing_notification_items", "episode_id"),
    ("missing_notifications", "acknowledged_by_id"),
    ("missing_notifications", "user_id"),
    ("missing_pending_matches", "episode_id"),
    ("missing_pending_matches", "import_id"),
    ("missing_pending_matches", "person_id"),
    ("missing_pending_matches", "protocol_form_id"),
    ("missing_pending_matches", "resolved_by_id"),
    ("missing_risk_changes", "recorded_by_id"),
    ("missing_settings", "childrens_social_care_id"),
    ("missing_unreached_notices", "agency_id"),
    ("missing_unreached_notices", "notification_id"),
    ("one_time_links", "user_id"),
    ("package_versions", "reviewed_by_id"),
    ("package_versions", "submitted_by_id"),
    ("panel_meetings", "chair_id"),
    ("panel_meetings", "convened_by_id"),
    ("panel_members", "panel_agency_id"),
    ("panel_members", "user_id"),
    ("partner_request_people", "person_id"),
    ("partner_requests", "check_type_id"),
    ("partner_requests", "responded_by_id"),
    ("partner_requests", "sent_by_id"),
    ("people", "created_by_id"),
    ("person_access_grants", "person_id"),
    ("protocol_forms", "lodged_by_id"),
    ("requests", "assignee_id"),
    ("requests", "created_by_id"),
    ("requests", "linked_request_id"),
    ("requests", "triaged_by_id"),
    ("requests", "verified_by_id"),
    ("research_packages", "drafted_by_id"),
    ("research_packages", "reviewer_id"),
    ("return_interviews", "recorded_by_id"),
    ("subject_convictions", "person_id"),
    ("subject_convictions", "recorded_by_id"),
    ("triage_incidents", "recorded_by_id"),
    ("triage_incidents", "request_id"),
    ("urgent_disclosures", "authorised_by_id"),
    ("urgent_disclosures", "ratified_decision_id"),
    ("urgent_disclosures", "recipient_party_id"),
)
"""(table, column) of each foreign key given its own index here, named `ix_<table>_<column>`."""


def upgrade() -> None:
    for table, column in FOREIGN_KEYS:
        with op.batch_alter_table(table) as batch_op:
            batch_op.create_index(f"ix_{table}_{column}", [column], unique=False)


def downgrade() -> None:
    for table, column in reversed(FOREIGN_KEYS):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(f"ix_{table}_{column}")
