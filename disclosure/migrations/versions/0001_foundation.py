"""Foundation: users, sessions, one-time links, API tokens, sign-in attempts, force profile, audit trail.

The audit table is append-only: triggers refuse UPDATE and DELETE on SQLite and PostgreSQL (DPA 2018 s.62).

Revision ID: 0001
Revises:
Create Date: 2026-11-24 09:27:09.120769
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import disclosure.db

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column(
            "seq",
            sa.Integer(),
            autoincrement=False,
            nullable=False,
            comment="Position in the chain, 1 upwards without gaps.",
        ),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Event identifier."),
        sa.Column(
            "occurred_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When it happened (UTC).",
        ),
        sa.Column("actor_id", sa.Uuid(), nullable=True, comment="The user who acted; empty for the system."),
        sa.Column(
            "actor_label",
            sa.String(length=200),
            nullable=False,
            comment="User name (or 'system') when it happened.",
        ),
        sa.Column(
            "actor_roles",
            sa.String(length=400),
            nullable=False,
            comment="The actor's roles when it happened.",
        ),
        sa.Column(
            "category",
            sa.String(length=20),
            nullable=False,
            comment="DPA 2018 s.62 operation: collection, ...",
        ),
        sa.Column(
            "action", sa.String(length=80), nullable=False, comment="The service verb, e.g. 'user.create'."
        ),
        sa.Column("object_type", sa.String(length=60), nullable=False, comment="Kind of record acted on."),
        sa.Column(
            "object_id", sa.String(length=80), nullable=True, comment="Identifier of the record acted on."
        ),
        sa.Column(
            "justification", sa.Text(), nullable=False, comment="Why: the need to know or reason given."
        ),
        sa.Column("recipients", sa.Text(), nullable=True, comment="For disclosures: to whom."),
        sa.Column(
            "details", sa.Text(), nullable=False, comment="JSON of non-personal facts about the operation."
        ),
        sa.Column("prev_hash", sa.String(length=64), nullable=False, comment="Hash of the previous event."),
        sa.Column(
            "hash", sa.String(length=64), nullable=False, comment="SHA-256 over this event and prev_hash."
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_events")),
        sa.UniqueConstraint("id", name=op.f("uq_audit_events_id")),
        comment="Append-only, hash-chained log of every processing operation (DPA 2018 s.62).",
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index("ix_audit_events_actor", ["actor_id", "occurred_at"], unique=False)
        batch_op.create_index("ix_audit_events_object", ["object_type", "object_id"], unique=False)
        batch_op.create_index("ix_audit_events_occurred_at", ["occurred_at"], unique=False)

    op.create_table(
        "force_profiles",
        sa.Column(
            "name", sa.String(length=200), nullable=False, comment="The force's name, shown in the header."
        ),
        sa.Column(
            "nation", sa.String(length=20), nullable=False, comment="Nation whose bank holidays apply."
        ),
        sa.Column("address", sa.Text(), nullable=False, comment="Postal address for letters."),
        sa.Column(
            "changed_by",
            sa.String(length=120),
            nullable=False,
            comment="User name of who saved this version.",
        ),
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
        sa.CheckConstraint(
            "nation IN ('england', 'wales', 'scotland', 'northern_ireland')",
            name=op.f("ck_force_profiles_known_nation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_force_profiles")),
        comment="The force's name, nation (for bank holidays) and address, one row per version.",
    )
    op.create_table(
        "sign_in_attempts",
        sa.Column(
            "username_key", sa.String(length=120), nullable=False, comment="The user name tried, normalised."
        ),
        sa.Column("occurred_at", disclosure.db.UTCDateTime(timezone=True), nullable=False, comment="When."),
        sa.Column("succeeded", sa.Boolean(), nullable=False, comment="Whether the password was right."),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_attempts")),
        comment="Password attempts by user name (known or not), for throttling and lockout.",
    )
    with op.batch_alter_table("sign_in_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_sign_in_attempts_name_time", ["username_key", "occurred_at"], unique=False)

    op.create_table(
        "users",
        sa.Column("username", sa.String(length=120), nullable=False, comment="Sign-in name, lower case."),
        sa.Column("display_name", sa.String(length=200), nullable=False, comment="Name shown to colleagues."),
        sa.Column("email", sa.String(length=320), nullable=False, comment="Work email address."),
        sa.Column(
            "password_hash",
            sa.String(length=255),
            nullable=True,
            comment="argon2id hash; empty until the invitation is accepted.",
        ),
        sa.Column(
            "totp_secret", sa.String(length=64), nullable=True, comment="Authenticator app key once enrolled."
        ),
        sa.Column(
            "totp_pending_secret",
            sa.String(length=64),
            nullable=True,
            comment="Key shown during enrolment, kept until the first code confirms it.",
        ),
        sa.Column(
            "totp_last_step",
            sa.Integer(),
            nullable=True,
            comment="Time step of the last accepted code; a code is accepted once.",
        ),
        sa.Column(
            "disabled_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When the account was disabled.",
        ),
        sa.Column(
            "password_changed_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When the password was last set.",
        ),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
        comment="People who sign in to the service (staff and partner users).",
    )
    op.create_table(
        "api_tokens",
        sa.Column("user_id", sa.Uuid(), nullable=False, comment="Whose access the token carries."),
        sa.Column("name", sa.String(length=120), nullable=False, comment="What the token is for."),
        sa.Column("token_hash", sa.String(length=64), nullable=False, comment="SHA-256 of the token."),
        sa.Column(
            "prefix",
            sa.String(length=12),
            nullable=False,
            comment="First characters, to recognise the token.",
        ),
        sa.Column(
            "created_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When it was issued.",
        ),
        sa.Column("created_by", sa.Uuid(), nullable=False, comment="Administrator who issued it."),
        sa.Column(
            "expires_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When it stops working.",
        ),
        sa.Column(
            "last_used_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="Last request made with it.",
        ),
        sa.Column(
            "revoked_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When it was revoked.",
        ),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_api_tokens_created_by_users")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
        comment="Per-user bearer tokens for the JSON API, issued and revoked by administrators.",
    )
    op.create_table(
        "one_time_links",
        sa.Column(
            "purpose", sa.String(length=30), nullable=False, comment="first_administrator or invitation."
        ),
        sa.Column("token_hash", sa.String(length=64), nullable=False, comment="SHA-256 of the link's token."),
        sa.Column("user_id", sa.Uuid(), nullable=True, comment="Invited user."),
        sa.Column(
            "created_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the link was made.",
        ),
        sa.Column(
            "expires_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="After this the link no longer works.",
        ),
        sa.Column(
            "used_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When the link was used (it works once).",
        ),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.CheckConstraint(
            "purpose IN ('first_administrator', 'invitation')", name=op.f("ck_one_time_links_known_purpose")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_one_time_links_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_one_time_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_one_time_links_token_hash")),
        comment="Expiring single-use links: the first administrator's set-up link and invitations.",
    )
    op.create_table(
        "user_roles",
        sa.Column("user_id", sa.Uuid(), nullable=False, comment="The user."),
        sa.Column("role", sa.String(length=40), nullable=False, comment="A role from accounts.roles.Role."),
        sa.CheckConstraint(
            "role IN ('administrator', 'data_administrator', 'researcher', 'panel_member', 'panel_chair', 'disclosing_officer', 'auditor')",
            name=op.f("ck_user_roles_known_role"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_roles_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "role", name=op.f("pk_user_roles")),
        comment="Roles held by each user; a user may hold several.",
    )
    op.create_table(
        "user_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False, comment="SHA-256 of the cookie token."),
        sa.Column("user_id", sa.Uuid(), nullable=False, comment="Who signed in."),
        sa.Column(
            "created_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the password was accepted.",
        ),
        sa.Column(
            "last_seen_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="Last request (for the idle timeout).",
        ),
        sa.Column(
            "mfa_completed_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When the security code was accepted.",
        ),
        sa.Column(
            "reauthenticated_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="Last password-and-code confirmation (for sensitive actions).",
        ),
        sa.Column(
            "ended_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When the session ended.",
        ),
        sa.Column(
            "end_reason",
            sa.String(length=40),
            nullable=True,
            comment="signed out, idle, expired, disabled...",
        ),
        sa.Column(
            "client", sa.String(length=200), nullable=False, comment="Browser description, for the user."
        ),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_user_sessions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
        comment="Server-side sign-in sessions; the cookie holds a random token whose hash is stored.",
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_user_sessions_user_open", ["user_id", "ended_at"], unique=False)
    _create_audit_triggers()


_SQLITE_TRIGGERS = [
    """CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    """CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
]
_POSTGRES_TRIGGERS = [
    """CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only'; END $$""",
    """CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
       FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()""",
    """CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
       FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()""",
]


def _create_audit_triggers() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _POSTGRES_TRIGGERS if dialect == "postgresql" else _SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_user_sessions_user_open")

    op.drop_table("user_sessions")
    op.drop_table("user_roles")
    op.drop_table("one_time_links")
    op.drop_table("api_tokens")
    op.drop_table("users")
    with op.batch_alter_table("sign_in_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_sign_in_attempts_name_time")

    op.drop_table("sign_in_attempts")
    op.drop_table("force_profiles")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_occurred_at")
        batch_op.drop_index("ix_audit_events_object")
        batch_op.drop_index("ix_audit_events_actor")

    op.drop_table("audit_events")
