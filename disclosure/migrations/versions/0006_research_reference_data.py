"""Seed the partner agencies and each scheme's check list (DOMAIN.md "Checks").

Minimum police checks before the forum: PNC, PND, ViSOR and force intelligence [WMP]. Partners to ask:
probation, prisons, children's and adult social care, health, education, housing, IDVA/MARAC [SafeLives].
Response times are placeholders for each force's information-sharing agreement: administrators change them
in Settings > Partner agencies, and the check list's required lines in Settings > Check lists.

Revision ID: 0006
Revises: 0005
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from disclosure.db import UTCDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (code, name, kind, agreed response in working days)
AGENCIES = [
    ("probation", "Probation Service", "probation", 5),
    ("prisons", "HM Prison and Probation Service (prisons)", "prisons", 5),
    ("childrens-social-care", "Children's Social Care", "childrens_social_care", 3),
    ("adult-social-care", "Adult Social Care", "adult_social_care", 5),
    ("health", "Health safeguarding team", "health", 5),
    ("education", "Education safeguarding lead", "education", 5),
    ("housing", "Housing", "housing", 5),
    ("idva-marac", "IDVA service and MARAC", "idva_marac", 3),
]

# (code, name, kind, agency code, required before the panel)
CHECKS = [
    ("pnc", "Police National Computer (PNC)", "police_system", None, True),
    ("pnd", "Police National Database (PND)", "police_system", None, True),
    ("visor", "ViSOR (violent and sex offender register)", "police_system", None, True),
    ("force-intelligence", "Force intelligence and local systems", "police_system", None, True),
    ("probation", "Probation", "partner_agency", "probation", False),
    ("prisons", "Prisons", "partner_agency", "prisons", False),
    ("childrens-social-care", "Children's social care", "partner_agency", "childrens-social-care", False),
    ("adult-social-care", "Adult social care", "partner_agency", "adult-social-care", False),
    ("health", "Health", "partner_agency", "health", False),
    ("education", "Education", "partner_agency", "education", False),
    ("housing", "Housing", "partner_agency", "housing", False),
    ("idva-marac", "IDVA and MARAC", "partner_agency", "idva-marac", False),
]

agencies = sa.table(
    "agencies",
    sa.column("id", sa.Uuid()),
    sa.column("code", sa.String()),
    sa.column("name", sa.String()),
    sa.column("kind", sa.String()),
    sa.column("response_working_days", sa.Integer()),
    sa.column("contact_email", sa.String()),
    sa.column("active", sa.Boolean()),
    sa.column("created_at", UTCDateTime()),
    sa.column("updated_at", UTCDateTime()),
    sa.column("version", sa.Integer()),
)
check_types = sa.table(
    "check_types",
    sa.column("id", sa.Uuid()),
    sa.column("scheme", sa.String()),
    sa.column("code", sa.String()),
    sa.column("name", sa.String()),
    sa.column("kind", sa.String()),
    sa.column("agency_id", sa.Uuid()),
    sa.column("required", sa.Boolean()),
    sa.column("position", sa.Integer()),
    sa.column("active", sa.Boolean()),
)


def _id(prefix: int, n: int) -> uuid.UUID:
    return uuid.UUID(f"a1b2c3d4-{prefix:04d}-7000-8000-{n:012d}")


def upgrade() -> None:
    now = datetime.now(UTC)
    agency_ids = {code: _id(6, n) for n, (code, *_rest) in enumerate(AGENCIES, start=1)}
    op.bulk_insert(
        agencies,
        [
            {
                "id": agency_ids[code],
                "code": code,
                "name": name,
                "kind": kind,
                "response_working_days": days,
                "contact_email": "",
                "active": True,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            for code, name, kind, days in AGENCIES
        ],
    )
    rows = []
    for s, scheme in enumerate(("dvds", "csods"), start=1):
        for position, (code, name, kind, agency, required) in enumerate(CHECKS, start=1):
            rows.append(
                {
                    "id": _id(60 + s, position),
                    "scheme": scheme,
                    "code": code,
                    "name": name,
                    "kind": kind,
                    "agency_id": agency_ids[agency] if agency else None,
                    "required": required,
                    "position": position,
                    "active": True,
                }
            )
    op.bulk_insert(check_types, rows)


def downgrade() -> None:
    op.execute(check_types.delete())
    op.execute(agencies.delete())
