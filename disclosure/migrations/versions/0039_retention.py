"""Review, retention and disposal (MoPI) [issue 19]: review groups with their periods, seeded as commonly
applied (DOMAIN.md "Law that shapes the software" [APP-MoPI][NPCC]; confirm locally and change them in
Settings): 1 certain public-protection matters, kept until the subject is 100 with 10-yearly reviews; 2 other
sexual, violent or serious matters, reviewed after a 10-year clear period; 3 other matters, disposed of after a
6-year clear period. Sarah's Law cases join group 1, Clare's Law cases group 2, missing episodes and people
with no other record group 3. Each closed record's schedule and legal hold, and every review decision.

Revision ID: 0039
Revises: 0038
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from disclosure.db import UTCDateTime

revision: str = "0039"
down_revision: str | None = "0038"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEEDED = datetime(2026, 12, 7, tzinfo=UTC)

# Written out, not imported: a migration keeps meaning what it meant when it was written. The records
# reviewer reads no case content, so the roles that read cases (0023) are unchanged.
_OLD_ROLES = (
    "'administrator', 'data_administrator', 'researcher', 'panel_member', 'panel_chair', "
    "'disclosing_officer', 'auditor', 'partner', 'urgent_authoriser'"
)
_NEW_ROLES = _OLD_ROLES + ", 'records_reviewer'"
_READS = (
    "'data_administrator', 'researcher', 'panel_member', 'panel_chair', 'disclosing_officer', 'partner', "
    "'urgent_authoriser'"
)
_MESSAGE = "an administrator account holds no role that reads cases"


def _roles(roles: str) -> None:
    """The role check on `user_roles` rebuilt with `roles` (SQLite rebuilds the table, dropping its
    triggers, so the "administrator alone" triggers of 0011 and 0023 are made again)."""
    postgres = op.get_bind().dialect.name == "postgresql"
    if not postgres:
        op.execute("DROP TRIGGER IF EXISTS user_roles_administrator_alone")
        op.execute("DROP TRIGGER IF EXISTS user_roles_administrator_alone_update")
    with op.batch_alter_table("user_roles") as batch_op:
        batch_op.drop_constraint(op.f("ck_user_roles_known_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_user_roles_known_role"), f"role IN ({roles})")
    if postgres:
        return
    clash = f"""(NEW.role = 'administrator' AND EXISTS (
        SELECT 1 FROM user_roles WHERE user_id = NEW.user_id AND role IN ({_READS})))
     OR (NEW.role IN ({_READS}) AND EXISTS (
        SELECT 1 FROM user_roles WHERE user_id = NEW.user_id AND role = 'administrator'))"""  # noqa: S608  # nosec B608
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
    _roles(_NEW_ROLES)
    groups = op.create_table(
        "retention_groups",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False, comment="Group number, e.g. 1."),
        sa.Column(
            "name",
            sa.String(length=120),
            nullable=False,
            comment="What the group holds, as reviewers read it.",
        ),
        sa.Column("rule", sa.String(length=20), nullable=False, comment="How its records reach review."),
        sa.Column(
            "clear_years",
            sa.Integer(),
            nullable=False,
            comment="Years from the last activity to the first review.",
        ),
        sa.Column(
            "review_years", sa.Integer(), nullable=False, comment="Years to the next review when retained."
        ),
        sa.Column("until_age", sa.Integer(), nullable=True, comment="'until_age': the age kept until."),
        sa.Column(
            "updated_at", UTCDateTime(timezone=True), nullable=False, comment="When last changed (UTC)."
        ),
        sa.Column("version", sa.Integer(), nullable=False, comment="Edit counter for optimistic locking."),
        sa.CheckConstraint(
            "rule != 'until_age' OR until_age IS NOT NULL", name=op.f("ck_retention_groups_age_rule_has_age")
        ),
        sa.CheckConstraint(
            "rule IN ('until_age', 'review', 'dispose')", name=op.f("ck_retention_groups_known_rule")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_groups")),
        comment="MoPI review groups: how long their records are kept and when they are reviewed.",
    )
    defaults = op.create_table(
        "retention_defaults",
        sa.Column("kind", sa.String(length=30), nullable=False, comment="Kind of record."),
        sa.Column("group_id", sa.Integer(), nullable=False, comment="Its group."),
        sa.CheckConstraint(
            "kind IN ('dvds_case', 'csods_case', 'missing_episode', 'person')",
            name=op.f("ck_retention_defaults_known_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["retention_groups.id"],
            name=op.f("fk_retention_defaults_group_id_retention_groups"),
        ),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_retention_defaults")),
        comment="The review group each kind of record joins unless a reviewer moves it.",
    )
    with op.batch_alter_table("retention_defaults", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retention_defaults_group_id"), ["group_id"], unique=False)

    op.bulk_insert(
        groups,
        [
            {
                "id": 1,
                "name": "Certain public protection matters",
                "rule": "until_age",
                "clear_years": 10,
                "review_years": 10,
                "until_age": 100,
                "updated_at": SEEDED,
                "version": 1,
            },
            {
                "id": 2,
                "name": "Other sexual, violent or serious matters",
                "rule": "review",
                "clear_years": 10,
                "review_years": 10,
                "until_age": None,
                "updated_at": SEEDED,
                "version": 1,
            },
            {
                "id": 3,
                "name": "All other matters",
                "rule": "dispose",
                "clear_years": 6,
                "review_years": 6,
                "until_age": None,
                "updated_at": SEEDED,
                "version": 1,
            },
        ],
    )
    op.bulk_insert(
        defaults,
        [
            {"kind": "csods_case", "group_id": 1},
            {"kind": "dvds_case", "group_id": 2},
            {"kind": "missing_episode", "group_id": 3},
            {"kind": "person", "group_id": 3},
        ],
    )

    op.create_table(
        "retention_records",
        sa.Column("kind", sa.String(length=30), nullable=False, comment="Kind of record."),
        sa.Column(
            "record_id", sa.Uuid(), nullable=False, comment="The case, episode or person's identifier."
        ),
        sa.Column(
            "label",
            sa.String(length=60),
            nullable=False,
            comment="Its reference as staff know it (no names).",
        ),
        sa.Column("group_id", sa.Integer(), nullable=False, comment="Its review group."),
        sa.Column(
            "clear_from", sa.Date(), nullable=False, comment="Last activity: the clear period runs from here."
        ),
        sa.Column("born_on", sa.Date(), nullable=True, comment="The subject's date of birth, for age rules."),
        sa.Column(
            "review_due_on",
            sa.Date(),
            nullable=True,
            comment="When it is due for review; empty while the record is open again.",
        ),
        sa.Column(
            "retained_until", sa.Date(), nullable=True, comment="The next review date a reviewer chose."
        ),
        sa.Column("held_reason", sa.Text(), nullable=False, comment="Why a legal hold blocks disposal."),
        sa.Column(
            "held_at",
            UTCDateTime(timezone=True),
            nullable=True,
            comment="When the legal hold was placed (UTC).",
        ),
        sa.Column("held_by_id", sa.Uuid(), nullable=True, comment="Who placed it."),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.Column(
            "created_at",
            UTCDateTime(timezone=True),
            nullable=False,
            comment="When the record was created (UTC).",
        ),
        sa.Column(
            "updated_at",
            UTCDateTime(timezone=True),
            nullable=False,
            comment="When the record was last changed (UTC).",
        ),
        sa.Column("version", sa.Integer(), nullable=False, comment="Edit counter for optimistic locking."),
        sa.CheckConstraint(
            "kind IN ('dvds_case', 'csods_case', 'missing_episode', 'person')",
            name=op.f("ck_retention_records_known_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["retention_groups.id"], name=op.f("fk_retention_records_group_id_retention_groups")
        ),
        sa.ForeignKeyConstraint(
            ["held_by_id"], ["users.id"], name=op.f("fk_retention_records_held_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_records")),
        sa.UniqueConstraint("kind", "record_id", name="uq_retention_records_record"),
        comment="Each closed record's review schedule and legal hold (MoPI).",
    )
    with op.batch_alter_table("retention_records", schema=None) as batch_op:
        batch_op.create_index("ix_retention_records_due", ["review_due_on", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_retention_records_group_id"), ["group_id"], unique=False)
        batch_op.create_index("ix_retention_records_held", ["held_at", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_retention_records_held_by_id"), ["held_by_id"], unique=False)

    op.create_table(
        "retention_reviews",
        sa.Column("record_id", sa.Uuid(), nullable=False, comment="The record reviewed."),
        sa.Column("decision", sa.String(length=20), nullable=False, comment="What the reviewer decided."),
        sa.Column("rationale", sa.Text(), nullable=False, comment="Why."),
        sa.Column(
            "next_review_on", sa.Date(), nullable=True, comment="For a retention: the next review date."
        ),
        sa.Column("group_id", sa.Integer(), nullable=True, comment="For a move: the group it joined."),
        sa.Column("decided_by_id", sa.Uuid(), nullable=False, comment="The reviewer."),
        sa.Column("decided_at", UTCDateTime(timezone=True), nullable=False, comment="When (UTC)."),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.CheckConstraint(
            "decision IN ('retain', 'regroup', 'hold', 'release')",
            name=op.f("ck_retention_reviews_known_decision"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_retention_reviews_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["retention_groups.id"], name=op.f("fk_retention_reviews_group_id_retention_groups")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["retention_records.id"],
            name=op.f("fk_retention_reviews_record_id_retention_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_reviews")),
        comment="Reviewers' decisions on records under the review schedule (MoPI).",
    )
    with op.batch_alter_table("retention_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_retention_reviews_decided_by_id"), ["decided_by_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_retention_reviews_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_retention_reviews_record_id"), ["record_id"], unique=False)


def downgrade() -> None:
    _roles(_OLD_ROLES)
    with op.batch_alter_table("retention_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_reviews_record_id"))
        batch_op.drop_index(batch_op.f("ix_retention_reviews_group_id"))
        batch_op.drop_index(batch_op.f("ix_retention_reviews_decided_by_id"))

    op.drop_table("retention_reviews")
    with op.batch_alter_table("retention_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_records_held_by_id"))
        batch_op.drop_index("ix_retention_records_held")
        batch_op.drop_index(batch_op.f("ix_retention_records_group_id"))
        batch_op.drop_index("ix_retention_records_due")

    op.drop_table("retention_records")
    with op.batch_alter_table("retention_defaults", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_defaults_group_id"))

    op.drop_table("retention_defaults")
    op.drop_table("retention_groups")
