"""Immediate protection at first contact [Beds] [issue 15]: the urgent disclosure authoriser role, the urgent
disclosures made before a panel, and the panel decision's ratification of them.

The role check on `user_roles` is rebuilt (SQLite rebuilds the table, dropping its triggers), so the
"administrator alone" triggers of migration 0011 are made again, with the new case role in their list.

Revision ID: 0023
Revises: 0022
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import disclosure.db

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out, not imported: a migration keeps meaning what it meant when it was written.
_OLD_ROLES = (
    "'administrator', 'data_administrator', 'researcher', 'panel_member', 'panel_chair', "
    "'disclosing_officer', 'auditor', 'partner'"
)
_NEW_ROLES = _OLD_ROLES + ", 'urgent_authoriser'"
_OLD_READS = (
    "'data_administrator', 'researcher', 'panel_member', 'panel_chair', 'disclosing_officer', 'partner'"
)
_NEW_READS = _OLD_READS + ", 'urgent_authoriser'"
_MESSAGE = "an administrator account holds no role that reads cases"


def _clash(reads: str) -> str:
    # Constants only, never input (ruff S608, bandit B608).
    return f"""(NEW.role = 'administrator' AND EXISTS (
        SELECT 1 FROM user_roles WHERE user_id = NEW.user_id AND role IN ({reads})))
     OR (NEW.role IN ({reads}) AND EXISTS (
        SELECT 1 FROM user_roles WHERE user_id = NEW.user_id AND role = 'administrator'))"""  # noqa: S608  # nosec B608


def _roles(roles: str, reads: str) -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if not postgres:
        op.execute("DROP TRIGGER IF EXISTS user_roles_administrator_alone")
        op.execute("DROP TRIGGER IF EXISTS user_roles_administrator_alone_update")
    with op.batch_alter_table("user_roles") as batch_op:
        batch_op.drop_constraint(op.f("ck_user_roles_known_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_user_roles_known_role"), f"role IN ({roles})")
    clash = _clash(reads)
    if postgres:
        # nosemgrep: sql-bound-parameters-only (DDL from this migration's constants and its loop over them)
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
    with op.batch_alter_table("decisions", recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column(
                "urgent_ratification",
                sa.String(length=20),
                server_default="",
                nullable=False,
                comment="The panel's answer on urgent disclosures awaiting ratification (Ratification), if any.",
            )
        )
        batch_op.add_column(
            sa.Column(
                "urgent_ratification_notes",
                sa.Text(),
                server_default="",
                nullable=False,
                comment="Why an urgent disclosure was not ratified.",
            )
        )
    op.create_table(
        "urgent_disclosures",
        sa.Column("request_id", sa.Uuid(), nullable=False, comment="The case."),
        sa.Column(
            "recipient_party_id", sa.Uuid(), nullable=True, comment="Who was told (their place on the case)."
        ),
        sa.Column(
            "recipient_name", sa.String(length=200), nullable=False, comment="Who was told, as named then."
        ),
        sa.Column(
            "capacity", sa.String(length=30), nullable=False, comment="In what capacity they were told."
        ),
        sa.Column("said", sa.Text(), nullable=False, comment="What was said, in the words used."),
        sa.Column("reason", sa.Text(), nullable=False, comment="Why it could not wait for the panel."),
        sa.Column(
            "said_at", disclosure.db.UTCDateTime(timezone=True), nullable=False, comment="When it was said."
        ),
        sa.Column("said_by", sa.String(length=200), nullable=False, comment="The officer who said it."),
        sa.Column(
            "authorised_by_id",
            sa.Uuid(),
            nullable=False,
            comment="The officer holding the urgent disclosure authority.",
        ),
        sa.Column(
            "recorded_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When it was recorded.",
        ),
        sa.Column(
            "ratification",
            sa.String(length=20),
            nullable=False,
            comment="The panel's answer (empty: awaiting the next panel).",
        ),
        sa.Column("ratification_notes", sa.Text(), nullable=False, comment="Why it was not ratified."),
        sa.Column(
            "ratified_decision_id", sa.Uuid(), nullable=True, comment="The signed decision that answered it."
        ),
        sa.Column(
            "ratified_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When that decision was signed.",
        ),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.CheckConstraint(
            "capacity IN ('person_at_risk', 'best_placed_to_protect', 'parent_carer_guardian')",
            name=op.f("ck_urgent_disclosures_known_capacity"),
        ),
        sa.CheckConstraint(
            "ratification IN ('', 'ratified', 'not_ratified')",
            name=op.f("ck_urgent_disclosures_known_ratification"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_urgent_disclosures_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_party_id"],
            ["case_parties.id"],
            name=op.f("fk_urgent_disclosures_recipient_party_id_case_parties"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["authorised_by_id"], ["users.id"], name=op.f("fk_urgent_disclosures_authorised_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["ratified_decision_id"],
            ["decisions.id"],
            name=op.f("fk_urgent_disclosures_ratified_decision_id_decisions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_urgent_disclosures")),
        comment="Disclosures made at first contact for immediate protection, and their ratification.",
    )
    with op.batch_alter_table("urgent_disclosures") as batch_op:
        batch_op.create_index(batch_op.f("ix_urgent_disclosures_request_id"), ["request_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("urgent_disclosures") as batch_op:
        batch_op.drop_index(batch_op.f("ix_urgent_disclosures_request_id"))
    op.drop_table("urgent_disclosures")
    with op.batch_alter_table("decisions", recreate="never") as batch_op:
        batch_op.drop_column("urgent_ratification_notes")
        batch_op.drop_column("urgent_ratification")
    op.execute("DELETE FROM user_roles WHERE role = 'urgent_authoriser'")
    _roles(_OLD_ROLES, _OLD_READS)
