"""Subject access (DPA 2018 s.45) [issue 19]: requests, the items gathered for each with the officer's
decision and any s.45(4) restriction, and the information rights officer role, which reads cases (so an
administrator account cannot hold it: the role check and the "administrator alone" trigger are rebuilt).

Revision ID: 0040
Revises: 0039
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import disclosure.db

revision: str = "0040"
down_revision: str | None = "0039"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out, not imported: a migration keeps meaning what it meant when it was written.
_OLD_ROLES = (
    "'administrator', 'data_administrator', 'researcher', 'panel_member', 'panel_chair', "
    "'disclosing_officer', 'auditor', 'partner', 'urgent_authoriser', 'records_reviewer'"
)
_NEW_ROLES = _OLD_ROLES + ", 'information_rights'"
_OLD_READS = (
    "'data_administrator', 'researcher', 'panel_member', 'panel_chair', 'disclosing_officer', 'partner', "
    "'urgent_authoriser'"
)
_NEW_READS = _OLD_READS + ", 'information_rights'"
_MESSAGE = "an administrator account holds no role that reads cases"


def _clash(reads: str) -> str:
    # Constants only, never input (ruff S608, bandit B608).
    return f"""(NEW.role = 'administrator' AND EXISTS (
        SELECT 1 FROM user_roles WHERE user_id = NEW.user_id AND role IN ({reads})))
     OR (NEW.role IN ({reads}) AND EXISTS (
        SELECT 1 FROM user_roles WHERE user_id = NEW.user_id AND role = 'administrator'))"""  # noqa: S608  # nosec B608


def _roles(roles: str, reads: str) -> None:
    """The role check on `user_roles` and the "administrator alone" rule rebuilt (SQLite rebuilds the
    table, dropping its triggers; PostgreSQL's trigger calls a function that is replaced)."""
    postgres = op.get_bind().dialect.name == "postgresql"
    if not postgres:
        op.execute("DROP TRIGGER IF EXISTS user_roles_administrator_alone")
        op.execute("DROP TRIGGER IF EXISTS user_roles_administrator_alone_update")
    with op.batch_alter_table("user_roles") as batch_op:
        batch_op.drop_constraint(op.f("ck_user_roles_known_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_user_roles_known_role"), f"role IN ({roles})")
    clash = _clash(reads)
    if postgres:
        # nosemgrep: sql-bound-parameters-only (DDL from this migration's constants)
        op.execute(
            f"""CREATE OR REPLACE FUNCTION user_roles_administrator_alone() RETURNS trigger LANGUAGE plpgsql AS $$
               BEGIN
                 IF {clash} THEN RAISE EXCEPTION '{_MESSAGE}'; END IF;
                 RETURN NEW;
               END $$"""
        )
        return
    for event, name in (
        ("INSERT", "user_roles_administrator_alone"),
        ("UPDATE", "user_roles_administrator_alone_update"),
    ):
        # nosemgrep: sql-bound-parameters-only (DDL from this migration's constants and its loop over them)
        op.execute(
            f"""CREATE TRIGGER {name} BEFORE {event} ON user_roles WHEN {clash}
               BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"""
        )


def upgrade() -> None:
    _roles(_NEW_ROLES, _NEW_READS)
    op.create_table(
        "subject_access_requests",
        sa.Column("person_id", sa.Uuid(), nullable=False, comment="The data subject."),
        sa.Column("received_on", sa.Date(), nullable=False, comment="When the request was received."),
        sa.Column(
            "due_on", sa.Date(), nullable=False, comment="When the answer is due (one month from receipt)."
        ),
        sa.Column(
            "how_received", sa.Text(), nullable=False, comment="How it came and how identity was verified."
        ),
        sa.Column("status", sa.String(length=20), nullable=False, comment="Its stage."),
        sa.Column("opened_by_id", sa.Uuid(), nullable=False, comment="Who opened it."),
        sa.Column(
            "exported_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When the bundle was last exported (UTC).",
        ),
        sa.Column("exported_by_id", sa.Uuid(), nullable=True, comment="Who last exported the bundle."),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.Column(
            "created_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the record was created (UTC).",
        ),
        sa.Column(
            "updated_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the record was last changed (UTC).",
        ),
        sa.Column("version", sa.Integer(), nullable=False, comment="Edit counter for optimistic locking."),
        sa.CheckConstraint(
            "status IN ('open', 'exported')", name=op.f("ck_subject_access_requests_known_status")
        ),
        sa.ForeignKeyConstraint(
            ["exported_by_id"], ["users.id"], name=op.f("fk_subject_access_requests_exported_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["users.id"], name=op.f("fk_subject_access_requests_opened_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_subject_access_requests_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_access_requests")),
        comment="Subject access requests (DPA 2018 s.45): whose, when received, when due, and status.",
    )
    with op.batch_alter_table("subject_access_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subject_access_requests_exported_by_id"), ["exported_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_subject_access_requests_opened_by_id"), ["opened_by_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_subject_access_requests_person_id"), ["person_id"], unique=False)
        batch_op.create_index(
            "ix_subject_access_requests_status_due", ["status", "due_on", "id"], unique=False
        )

    op.create_table(
        "subject_access_items",
        sa.Column("request_id", sa.Uuid(), nullable=False, comment="The request."),
        sa.Column("position", sa.Integer(), nullable=False, comment="Order in the bundle."),
        sa.Column("kind", sa.String(length=20), nullable=False, comment="What kind of thing it is."),
        sa.Column(
            "object_id", sa.String(length=40), nullable=False, comment="The record it was gathered from."
        ),
        sa.Column(
            "label", sa.String(length=200), nullable=False, comment="What it is, as the officer reads it."
        ),
        sa.Column(
            "content", sa.Text(), nullable=False, comment="Its text as gathered (a file's description)."
        ),
        sa.Column(
            "suggested",
            sa.String(length=30),
            nullable=True,
            comment="A restriction the officer should consider, where one may apply.",
        ),
        sa.Column("suggestion", sa.Text(), nullable=False, comment="Why it may apply."),
        sa.Column("decision", sa.String(length=20), nullable=False, comment="Decided."),
        sa.Column(
            "exemption", sa.String(length=30), nullable=True, comment="The s.45(4) restriction relied on."
        ),
        sa.Column("redactions", sa.Text(), nullable=False, comment="Passages redacted, one a line."),
        sa.Column("note", sa.Text(), nullable=False, comment="The officer's reasoning."),
        sa.Column("decided_by_id", sa.Uuid(), nullable=True, comment="Who decided."),
        sa.Column(
            "decided_at", disclosure.db.UTCDateTime(timezone=True), nullable=True, comment="When (UTC)."
        ),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.CheckConstraint(
            "decision IN ('pending', 'disclose') OR exemption IS NOT NULL",
            name=op.f("ck_subject_access_items_restriction_has_exemption"),
        ),
        sa.CheckConstraint(
            "decision IN ('pending', 'disclose', 'redact', 'withhold')",
            name=op.f("ck_subject_access_items_known_decision"),
        ),
        sa.CheckConstraint(
            "exemption IS NULL OR exemption IN ('inquiry', 'crime', 'public_security', 'national_security', 'others')",
            name=op.f("ck_subject_access_items_known_exemption"),
        ),
        sa.CheckConstraint(
            "kind IN ('person', 'case', 'evidence', 'attachment', 'letter', 'episode', 'access')",
            name=op.f("ck_subject_access_items_known_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_subject_access_items_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["subject_access_requests.id"],
            name=op.f("fk_subject_access_items_request_id_subject_access_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_access_items")),
        comment="What a subject access request found, item by item, with the officer's decisions.",
    )
    with op.batch_alter_table("subject_access_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subject_access_items_decided_by_id"), ["decided_by_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_subject_access_items_request_id"), ["request_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("subject_access_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subject_access_items_request_id"))
        batch_op.drop_index(batch_op.f("ix_subject_access_items_decided_by_id"))

    op.drop_table("subject_access_items")
    with op.batch_alter_table("subject_access_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_subject_access_requests_status_due")
        batch_op.drop_index(batch_op.f("ix_subject_access_requests_person_id"))
        batch_op.drop_index(batch_op.f("ix_subject_access_requests_opened_by_id"))
        batch_op.drop_index(batch_op.f("ix_subject_access_requests_exported_by_id"))

    op.drop_table("subject_access_requests")
    _roles(_OLD_ROLES, _OLD_READS)
