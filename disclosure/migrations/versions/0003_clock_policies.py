"""Seed the clock policies: DVDS 2016 and 2023, CSODS 2010 and 2023 (DOMAIN.md "Steps and timescales").

Effective dates mark where the newer guidance took over; a force that adopted it on another day changes the
rows (they are reference data, not constants).

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POLICIES = [
    (
        "a1b2c3d4-0000-7000-8000-000000000001",
        "dvds-2016",
        "dvds",
        "DVDS guidance (2016): 35 days",
        date(2014, 3, 8),
        date(2023, 4, 9),
        24,
        10,
        35,
        "Home Office DVDS guidance 2016 [Lancs][Northumbria]; initial checks and meeting [Sussex-2014]",
    ),
    (
        "a1b2c3d4-0000-7000-8000-000000000002",
        "dvds-2023",
        "dvds",
        "DVDS statutory guidance (April 2023): 28 days",
        date(2023, 4, 10),
        None,
        24,
        10,
        28,
        "DVDS statutory guidance, April 2023 [DVDS-2023][OMG]; initial checks and meeting [Sussex-2014]",
    ),
    (
        "a1b2c3d4-0000-7000-8000-000000000003",
        "csods-2010",
        "csods",
        "CSODS guidance (2010): 45 days",
        date(2010, 8, 1),
        date(2023, 4, 9),
        24,
        10,
        45,
        "CSODS guidance 2010 [CSODS-2010]; 45-day target [WYP-CSODS][Cleveland]",
    ),
    (
        "a1b2c3d4-0000-7000-8000-000000000004",
        "csods-2023",
        "csods",
        "CSODS police guidance (2023): 28 days",
        date(2023, 4, 10),
        None,
        24,
        10,
        28,
        "CSODS police guidance 2023 [CSODS-2023]; 24 hours, 10 days, 28 days [ASP-CSODS]",
    ),
]

clock_policies = sa.table(
    "clock_policies",
    sa.column("id", sa.Uuid()),
    sa.column("code", sa.String()),
    sa.column("scheme", sa.String()),
    sa.column("name", sa.String()),
    sa.column("effective_from", sa.Date()),
    sa.column("effective_to", sa.Date()),
    sa.column("initial_checks_hours", sa.Integer()),
    sa.column("meeting_working_days", sa.Integer()),
    sa.column("completion_days", sa.Integer()),
    sa.column("source", sa.Text()),
)


def upgrade() -> None:
    import uuid

    op.bulk_insert(
        clock_policies,
        [
            {
                "id": uuid.UUID(row[0]),
                "code": row[1],
                "scheme": row[2],
                "name": row[3],
                "effective_from": row[4],
                "effective_to": row[5],
                "initial_checks_hours": row[6],
                "meeting_working_days": row[7],
                "completion_days": row[8],
                "source": row[9],
            }
            for row in POLICIES
        ],
    )


def downgrade() -> None:
    op.execute(clock_policies.delete().where(clock_policies.c.code.in_([row[1] for row in POLICIES])))
