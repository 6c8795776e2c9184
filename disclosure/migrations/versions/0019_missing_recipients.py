"""Who hears of an urgent missing-person event, and which interview follows a return (issue 15).

- A child with no allocated social worker and no placing authority is told to children's social care's MASH
  mailbox: the missing-person rules name that agency (`missing_settings.childrens_social_care_id`), and a
  notification may be addressed to it (`social_care`) [Wales-SP].
- An urgent event that reached nobody at once is recorded (`missing_unreached_notices`) so the MASH sees it.
- An adult (18 or over when reported, or an adult with care and support needs) is offered an optional
  prevention interview instead of the return home interview: no 72-hour clock and no reason needed for not
  offering one (`return_interviews.kind`, `due_at` empty for it) [MissingPeople-2024]. Interviews already
  raised for adults become prevention interviews here (one revision: the schema change needs its data).

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

import disclosure.db
from disclosure.db import UTCDateTime

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out, not imported: a migration keeps meaning what it meant when it was written.
_ROLES_BEFORE = "'social_worker', 'placing_authority', 'school', 'health'"
_ROLES_AFTER = "'social_worker', 'placing_authority', 'social_care', 'school', 'health'"
_UK = ZoneInfo("Europe/London")

_interviews = sa.table(
    "return_interviews",
    sa.column("id", sa.Uuid()),
    sa.column("episode_id", sa.Uuid()),
    sa.column("kind", sa.String()),
    sa.column("due_at", UTCDateTime()),
)
_episodes = sa.table(
    "missing_episodes",
    sa.column("id", sa.Uuid()),
    sa.column("person_id", sa.Uuid()),
    sa.column("care_status", sa.String()),
    sa.column("reported_at", UTCDateTime()),
)
_people = sa.table("people", sa.column("id", sa.Uuid()), sa.column("date_of_birth", sa.Date()))
_pending = sa.table(
    "missing_pending_matches", sa.column("episode_id", sa.Uuid()), sa.column("date_of_birth", sa.Date())
)


def _adult(care_status: str, born: date | None, reported_at: datetime) -> bool:
    """18 or over on the UK day of the report, or an adult with care and support needs."""
    if care_status == "adult_care_needs":
        return True
    if born is None:
        return False
    day = reported_at.astimezone(_UK).date()
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day)) >= 18


def upgrade() -> None:
    with op.batch_alter_table("missing_settings") as batch_op:
        batch_op.add_column(
            sa.Column(
                "childrens_social_care_id",
                sa.Uuid(),
                nullable=True,
                comment="Children's social care, whose MASH mailbox hears of a child with no social worker "
                "or placing authority.",
            )
        )
        batch_op.create_foreign_key(
            op.f("fk_missing_settings_childrens_social_care_id_agencies"),
            "agencies",
            ["childrens_social_care_id"],
            ["id"],
        )
    with op.batch_alter_table("missing_notifications") as batch_op:
        batch_op.drop_constraint(op.f("ck_missing_notifications_known_role"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_missing_notifications_known_role"), f"role IN ({_ROLES_AFTER})"
        )
    with op.batch_alter_table("return_interviews") as batch_op:
        batch_op.add_column(
            sa.Column(
                "kind",
                sa.String(length=20),
                server_default="return_home",
                nullable=False,
                comment="return_home for a child; prevention (optional, no clock) for an adult.",
            )
        )
        batch_op.alter_column(
            "due_at",
            existing_type=disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="72 hours after the return (UTC); empty for a prevention interview.",
            existing_comment="72 hours after the return (UTC).",
        )
        batch_op.drop_constraint(op.f("ck_return_interviews_not_offered_has_reason"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_return_interviews_not_offered_has_reason"),
            "kind = 'prevention' OR outcome <> 'not_offered' OR reason <> ''",
        )
        batch_op.create_check_constraint(
            op.f("ck_return_interviews_known_kind"), "kind IN ('return_home', 'prevention')"
        )
        batch_op.create_check_constraint(
            op.f("ck_return_interviews_clock_by_kind"),
            "(kind = 'return_home' AND due_at IS NOT NULL) OR (kind = 'prevention' AND due_at IS NULL)",
        )
    op.create_table(
        "missing_unreached_notices",
        sa.Column("episode_id", sa.Uuid(), nullable=False, comment="The episode the urgent event was about."),
        sa.Column(
            "kind", sa.String(length=30), nullable=False, comment="The urgent event: reported or risk."
        ),
        sa.Column("reason", sa.String(length=20), nullable=False, comment="Why nobody was reached."),
        sa.Column(
            "agency_id",
            sa.Uuid(),
            nullable=True,
            comment="The agency whose inbox holds the notice with no mailbox to alert, if any.",
        ),
        sa.Column(
            "notification_id",
            sa.Uuid(),
            nullable=True,
            comment="The notice kept in that agency's inbox, if one was made.",
        ),
        sa.Column(
            "created_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When it happened (UTC).",
        ),
        sa.Column(
            "resolved_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When a later urgent notice about the episode reached someone (UTC).",
        ),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.CheckConstraint(
            "reason IN ('no_recipient', 'no_mailbox', 'person_to_confirm')",
            name=op.f("ck_missing_unreached_notices_known_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_missing_unreached_notices_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["missing_episodes.id"],
            name=op.f("fk_missing_unreached_notices_episode_id_missing_episodes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["missing_notifications.id"],
            name=op.f("fk_missing_unreached_notices_notification_id_missing_notifications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_missing_unreached_notices")),
        comment="Urgent missing-person events that reached nobody at once, for the MASH to act on.",
    )
    with op.batch_alter_table("missing_unreached_notices") as batch_op:
        batch_op.create_index("ix_missing_unreached_notices_episode", ["episode_id"], unique=False)
        batch_op.create_index(
            "ix_missing_unreached_notices_open", ["resolved_at", "created_at"], unique=False
        )
    _adults_get_prevention_interviews()


def _adults_get_prevention_interviews() -> None:
    """Interviews raised before this revision for adults' episodes: prevention interviews, without a clock."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(
            _interviews.c.id,
            _episodes.c.care_status,
            _episodes.c.reported_at,
            sa.func.coalesce(_people.c.date_of_birth, _pending.c.date_of_birth),
        )
        .join(_episodes, _episodes.c.id == _interviews.c.episode_id)
        .outerjoin(_people, _people.c.id == _episodes.c.person_id)
        .outerjoin(_pending, _pending.c.episode_id == _episodes.c.id)
    ).all()
    adults = [row[0] for row in rows if _adult(row[1], _as_date(row[3]), row[2])]
    for start in range(0, len(adults), 500):
        bind.execute(
            _interviews.update()
            .where(_interviews.c.id.in_(adults[start : start + 500]))
            .values(kind="prevention", due_at=None)
        )


def _as_date(value: object) -> date | None:
    """A date as either database hands back a COALESCE of dates (SQLite: text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def downgrade() -> None:
    op.drop_table("missing_unreached_notices")
    with op.batch_alter_table("return_interviews") as batch_op:
        batch_op.drop_constraint(op.f("ck_return_interviews_clock_by_kind"), type_="check")
        batch_op.drop_constraint(op.f("ck_return_interviews_known_kind"), type_="check")
        batch_op.drop_constraint(op.f("ck_return_interviews_not_offered_has_reason"), type_="check")
    # Before this revision every interview had the 72-hour clock, and not offering one needed a reason.
    bind = op.get_bind()
    returned = sa.table(
        "missing_episodes", sa.column("id", sa.Uuid()), sa.column("returned_at", UTCDateTime())
    )
    for interview_id, returned_at in bind.execute(
        sa.select(_interviews.c.id, returned.c.returned_at)
        .join(returned, returned.c.id == _interviews.c.episode_id)
        .where(_interviews.c.kind == "prevention")
    ).all():
        bind.execute(
            _interviews.update()
            .where(_interviews.c.id == interview_id)
            .values(due_at=returned_at + timedelta(hours=72))
        )
    op.execute(
        "UPDATE return_interviews SET reason = 'Not offered (recorded as an optional prevention interview)' "
        "WHERE outcome = 'not_offered' AND reason = ''"
    )
    with op.batch_alter_table("return_interviews") as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_return_interviews_not_offered_has_reason"), "outcome <> 'not_offered' OR reason <> ''"
        )
        batch_op.alter_column(
            "due_at",
            existing_type=disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="72 hours after the return (UTC).",
            existing_comment="72 hours after the return (UTC); empty for a prevention interview.",
        )
        batch_op.drop_column("kind")
    # A notice to children's social care was, before this revision, one to the agency as placing authority.
    op.execute("UPDATE missing_notifications SET role = 'placing_authority' WHERE role = 'social_care'")
    with op.batch_alter_table("missing_notifications") as batch_op:
        batch_op.drop_constraint(op.f("ck_missing_notifications_known_role"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_missing_notifications_known_role"), f"role IN ({_ROLES_BEFORE})"
        )
    with op.batch_alter_table("missing_settings") as batch_op:
        batch_op.drop_constraint(
            op.f("fk_missing_settings_childrens_social_care_id_agencies"), type_="foreignkey"
        )
        batch_op.drop_column("childrens_social_care_id")
