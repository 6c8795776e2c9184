"""Proactive (police-initiated) Sarah's Law [CSODS-2023] [issue 15]: a fourth route, with no applicant.

Revision ID: 0022
Revises: 0021
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BEFORE = "route IN ('right_to_ask', 'right_to_know', 'csods_application')"
_AFTER = "route IN ('right_to_ask', 'right_to_know', 'csods_application', 'csods_proactive')"
_OLD_COMMENT = "Right to Ask, Right to Know or Sarah's Law application."
_NEW_COMMENT = "Right to Ask, Right to Know, Sarah's Law application or proactive disclosure."


def upgrade() -> None:
    with op.batch_alter_table("requests") as batch_op:
        batch_op.drop_constraint(op.f("ck_requests_known_route"), type_="check")
        batch_op.create_check_constraint("known_route", _AFTER)
        batch_op.alter_column(
            "route", existing_type=sa.String(30), comment=_NEW_COMMENT, existing_comment=_OLD_COMMENT
        )


def downgrade() -> None:
    with op.batch_alter_table("requests") as batch_op:
        batch_op.drop_constraint(op.f("ck_requests_known_route"), type_="check")
        batch_op.create_check_constraint("known_route", _BEFORE)
        batch_op.alter_column(
            "route", existing_type=sa.String(30), comment=_OLD_COMMENT, existing_comment=_NEW_COMMENT
        )
