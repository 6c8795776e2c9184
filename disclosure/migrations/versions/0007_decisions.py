"""Decisions: panel reference data, meetings, agendas, attendance, decisions, agency views and addenda.

Also: the request statuses after a decision (disclosure to deliver, or outcome to communicate) replace the
single "decided"; triggers make a signed decision and its agency views immutable and addenda append-only
(corrections never overwrite: issue 5); the reference data is seeded (DOMAIN.md "Decision", "No
disclosure"): panel agencies, reasons for not disclosing, and a quorum of the chair, the police and one
other agency (no national quorum exists, so administrators change it).

Revision ID: 0007
Revises: 0006
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import disclosure.db

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BEFORE = "'awaiting_decision', 'decided', 'outcome_delivered'"
_AFTER = "'awaiting_decision', 'to_disclose', 'outcome_to_communicate', 'outcome_delivered'"
_STATUSES = "'logged', 'initial_checks_done', 'meeting_held', 'in_research', {decided}, 'closed', 'withdrawn'"

PANEL_AGENCIES = [
    ("police", "Police"),
    ("probation", "Probation Service"),
    ("childrens_social_care", "Children's social care"),
    ("adult_social_care", "Adult social care"),
    ("health", "Health"),
    ("education", "Education"),
    ("housing", "Housing"),
    ("idva", "IDVA service"),
    ("marac", "MARAC coordinator"),
    ("other", "Other agency"),
]
REASONS = [
    ("no_relevant_information", "No relevant information was found"),
    ("no_pressing_need", "There is no pressing need to disclose"),
    ("not_proportionate", "Disclosure would not be proportionate"),
    ("out_of_scope", "The request is out of the scheme's scope"),
    ("identity_not_verified", "The applicant's identity or relationship was not verified"),
    ("withdrawn", "The applicant withdrew the request"),
]

_SQLITE_TRIGGERS = [
    """CREATE TRIGGER decisions_signed_immutable BEFORE UPDATE ON decisions
       WHEN OLD.status = 'signed'
       BEGIN SELECT RAISE(ABORT, 'a signed decision is immutable: add an addendum'); END""",
    """CREATE TRIGGER decisions_signed_no_delete BEFORE DELETE ON decisions
       WHEN OLD.status = 'signed'
       BEGIN SELECT RAISE(ABORT, 'a signed decision is immutable: add an addendum'); END""",
    """CREATE TRIGGER agency_views_signed_no_insert BEFORE INSERT ON agency_views
       WHEN (SELECT status FROM decisions WHERE id = NEW.decision_id) = 'signed'
       BEGIN SELECT RAISE(ABORT, 'a signed decision is immutable: add an addendum'); END""",
    """CREATE TRIGGER agency_views_signed_no_update BEFORE UPDATE ON agency_views
       WHEN (SELECT status FROM decisions WHERE id = OLD.decision_id) = 'signed'
       BEGIN SELECT RAISE(ABORT, 'a signed decision is immutable: add an addendum'); END""",
    """CREATE TRIGGER agency_views_signed_no_delete BEFORE DELETE ON agency_views
       WHEN (SELECT status FROM decisions WHERE id = OLD.decision_id) = 'signed'
       BEGIN SELECT RAISE(ABORT, 'a signed decision is immutable: add an addendum'); END""",
    """CREATE TRIGGER decision_addenda_no_update BEFORE UPDATE ON decision_addenda
       BEGIN SELECT RAISE(ABORT, 'addenda are append-only'); END""",
    """CREATE TRIGGER decision_addenda_no_delete BEFORE DELETE ON decision_addenda
       BEGIN SELECT RAISE(ABORT, 'addenda are append-only'); END""",
]
_POSTGRES_TRIGGERS = [
    """CREATE FUNCTION decisions_signed_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF OLD.status = 'signed' THEN
           RAISE EXCEPTION 'a signed decision is immutable: add an addendum';
         END IF;
         IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER decisions_signed_immutable BEFORE UPDATE OR DELETE ON decisions
       FOR EACH ROW EXECUTE FUNCTION decisions_signed_immutable()""",
    """CREATE FUNCTION agency_views_signed_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
       DECLARE decision_status text;
       BEGIN
         SELECT status INTO decision_status FROM decisions
           WHERE id = (CASE WHEN TG_OP = 'INSERT' THEN NEW.decision_id ELSE OLD.decision_id END);
         IF decision_status = 'signed' THEN
           RAISE EXCEPTION 'a signed decision is immutable: add an addendum';
         END IF;
         IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER agency_views_signed_immutable BEFORE INSERT OR UPDATE OR DELETE ON agency_views
       FOR EACH ROW EXECUTE FUNCTION agency_views_signed_immutable()""",
    """CREATE FUNCTION decision_addenda_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'addenda are append-only'; END $$""",
    """CREATE TRIGGER decision_addenda_append_only BEFORE UPDATE OR DELETE ON decision_addenda
       FOR EACH ROW EXECUTE FUNCTION decision_addenda_append_only()""",
]


def _status_constraint(decided: str) -> None:
    with op.batch_alter_table("requests") as batch_op:
        batch_op.drop_constraint(op.f("ck_requests_known_status"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_requests_known_status"), f"status IN ({_STATUSES.format(decided=decided)})"
        )


def _seed() -> None:
    def uid() -> uuid.UUID:
        return disclosure.db.new_id()

    agencies = sa.table(
        "panel_agencies",
        sa.column("id", sa.Uuid()),
        sa.column("code", sa.String()),
        sa.column("name", sa.String()),
        sa.column("position", sa.Integer()),
        sa.column("active", sa.Boolean()),
        sa.column("version", sa.Integer()),
    )
    op.bulk_insert(
        agencies,
        [
            {"id": uid(), "code": code, "name": name, "position": n, "active": True, "version": 1}
            for n, (code, name) in enumerate(PANEL_AGENCIES, start=1)
        ],
    )
    reasons = sa.table(
        "no_disclosure_reasons",
        sa.column("id", sa.Uuid()),
        sa.column("code", sa.String()),
        sa.column("label", sa.String()),
        sa.column("position", sa.Integer()),
        sa.column("active", sa.Boolean()),
        sa.column("version", sa.Integer()),
    )
    op.bulk_insert(
        reasons,
        [
            {"id": uid(), "code": code, "label": label, "position": n, "active": True, "version": 1}
            for n, (code, label) in enumerate(REASONS, start=1)
        ],
    )
    now = datetime.now(UTC)
    policy = sa.table(
        "panel_policy",
        sa.column("id", sa.Uuid()),
        sa.column("required_agency_codes", sa.JSON()),
        sa.column("min_other_agencies", sa.Integer()),
        sa.column("signer_not_drafter", sa.Boolean()),
        sa.column("version", sa.Integer()),
        sa.column("created_at", disclosure.db.UTCDateTime(timezone=True)),
        sa.column("updated_at", disclosure.db.UTCDateTime(timezone=True)),
    )
    op.bulk_insert(
        policy,
        [
            {
                "id": uid(),
                "required_agency_codes": ["police"],
                "min_other_agencies": 1,
                "signer_not_drafter": True,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        ],
    )


def upgrade() -> None:
    op.execute("UPDATE requests SET status = 'to_disclose' WHERE status = 'decided'")
    _status_constraint(_AFTER)
    op.create_table(
        "no_disclosure_reasons",
        sa.Column("code", sa.String(length=40), nullable=False, comment="Short stable code."),
        sa.Column(
            "label", sa.String(length=200), nullable=False, comment="The reason as shown and recorded."
        ),
        sa.Column("position", sa.Integer(), nullable=False, comment="Order in lists."),
        sa.Column("active", sa.Boolean(), nullable=False, comment="Offered for new decisions."),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.Column("version", sa.Integer(), nullable=False, comment="Edit counter for optimistic locking."),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_no_disclosure_reasons")),
        sa.UniqueConstraint("code", name="uq_no_disclosure_reasons_code"),
        comment="Reasons for a decision not to disclose (configurable list).",
    )
    op.create_table(
        "panel_agencies",
        sa.Column("code", sa.String(length=40), nullable=False, comment="Short stable code, e.g. police."),
        sa.Column(
            "name", sa.String(length=200), nullable=False, comment="Name shown on attendance and minutes."
        ),
        sa.Column("position", sa.Integer(), nullable=False, comment="Order in lists."),
        sa.Column("active", sa.Boolean(), nullable=False, comment="Offered for new panel members."),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.Column("version", sa.Integer(), nullable=False, comment="Edit counter for optimistic locking."),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_agencies")),
        sa.UniqueConstraint("code", name="uq_panel_agencies_code"),
        comment="Agencies that sit on decision panels (configurable).",
    )
    op.create_table(
        "panel_policy",
        sa.Column(
            "required_agency_codes",
            sa.JSON(),
            nullable=False,
            comment="Panel agencies that must take part in every decision, e.g. police.",
        ),
        sa.Column(
            "min_other_agencies",
            sa.Integer(),
            nullable=False,
            comment="How many further agencies must take part besides the required ones.",
        ),
        sa.Column(
            "signer_not_drafter",
            sa.Boolean(),
            nullable=False,
            comment="Whether the chair who signs must be someone other than the drafter.",
        ),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.Column("version", sa.Integer(), nullable=False, comment="Edit counter for optimistic locking."),
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
            "min_other_agencies >= 0 AND min_other_agencies <= 10", name=op.f("ck_panel_policy_other_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_policy")),
        comment="Quorum and sign-off rules for decision panels (one row).",
    )
    op.create_table(
        "panel_meetings",
        sa.Column("forum", sa.String(length=30), nullable=False, comment="Disclosure panel, MARAC or MAPPA."),
        sa.Column(
            "meets_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When the panel meets (UTC).",
        ),
        sa.Column("location", sa.String(length=200), nullable=False, comment="Room or call details."),
        sa.Column("chair_id", sa.Uuid(), nullable=False, comment="The chair (panel chair role)."),
        sa.Column("status", sa.String(length=20), nullable=False, comment="Status."),
        sa.Column("convened_by_id", sa.Uuid(), nullable=False, comment="Who convened it."),
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
            "forum IN ('disclosure_panel', 'marac', 'mappa')", name=op.f("ck_panel_meetings_known_forum")
        ),
        sa.CheckConstraint("status IN ('scheduled', 'closed')", name=op.f("ck_panel_meetings_known_status")),
        sa.ForeignKeyConstraint(["chair_id"], ["users.id"], name=op.f("fk_panel_meetings_chair_id_users")),
        sa.ForeignKeyConstraint(
            ["convened_by_id"], ["users.id"], name=op.f("fk_panel_meetings_convened_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_meetings")),
        comment="Multi-agency panel meetings that decide disclosure requests.",
    )
    op.create_table(
        "panel_members",
        sa.Column("meeting_id", sa.Uuid(), nullable=False, comment="The meeting."),
        sa.Column("user_id", sa.Uuid(), nullable=False, comment="The member."),
        sa.Column("panel_agency_id", sa.Uuid(), nullable=False, comment="The agency they represent."),
        sa.Column(
            "created_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=False,
            comment="When they were added.",
        ),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["panel_meetings.id"],
            name=op.f("fk_panel_members_meeting_id_panel_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["panel_agency_id"],
            ["panel_agencies.id"],
            name=op.f("fk_panel_members_panel_agency_id_panel_agencies"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_panel_members_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_members")),
        sa.UniqueConstraint("meeting_id", "user_id", name="uq_panel_members_meeting_user"),
        comment="Who sits on each panel meeting, for which agency.",
    )
    with op.batch_alter_table("panel_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panel_members_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "agenda_items",
        sa.Column("meeting_id", sa.Uuid(), nullable=False, comment="The meeting."),
        sa.Column("request_id", sa.Uuid(), nullable=False, comment="The disclosure request."),
        sa.Column(
            "package_version_id",
            sa.Uuid(),
            nullable=False,
            comment="The frozen package version put to the panel.",
        ),
        sa.Column("position", sa.Integer(), nullable=False, comment="Order on the agenda."),
        sa.Column(
            "removed_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When it was taken off the agenda.",
        ),
        sa.Column("removed_reason", sa.Text(), nullable=False, comment="Why it was taken off."),
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
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["panel_meetings.id"],
            name=op.f("fk_agenda_items_meeting_id_panel_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["package_version_id"],
            ["package_versions.id"],
            name=op.f("fk_agenda_items_package_version_id_package_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_agenda_items_request_id_requests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_items")),
        comment="Cases on a panel meeting's agenda and the package version to decide on.",
    )
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agenda_items_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_agenda_items_request_id"), ["request_id"], unique=False)

    op.create_table(
        "attendance",
        sa.Column("agenda_item_id", sa.Uuid(), nullable=False, comment="The agenda item."),
        sa.Column("member_id", sa.Uuid(), nullable=False, comment="The member."),
        sa.Column("present", sa.Boolean(), nullable=False, comment="Present for this case."),
        sa.Column("conflict", sa.Boolean(), nullable=False, comment="Declared a conflict of interest."),
        sa.Column("conflict_note", sa.Text(), nullable=False, comment="The conflict, as declared."),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["agenda_items.id"],
            name=op.f("fk_attendance_agenda_item_id_agenda_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["panel_members.id"],
            name=op.f("fk_attendance_member_id_panel_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agenda_item_id", "member_id", name=op.f("pk_attendance")),
        comment="Attendance per agenda item: present, absent or conflicted.",
    )
    op.create_table(
        "decisions",
        sa.Column("agenda_item_id", sa.Uuid(), nullable=False, comment="Agenda item."),
        sa.Column("request_id", sa.Uuid(), nullable=False, comment="The request."),
        sa.Column(
            "package_version_number", sa.Integer(), nullable=False, comment="The package version decided on."
        ),
        sa.Column("status", sa.String(length=20), nullable=False, comment="Status."),
        sa.Column(
            "outcome", sa.String(length=20), nullable=False, comment="Disclose, do not disclose, or defer."
        ),
        sa.Column(
            "legal_tests",
            sa.JSON(),
            nullable=False,
            comment="Each legal test: met (yes/no) and the reasoning.",
        ),
        sa.Column("article8", sa.Text(), nullable=False, comment="The Article 8 ECHR balance, reasoned."),
        sa.Column(
            "spent_convictions",
            sa.String(length=20),
            nullable=False,
            comment="How spent convictions were treated.",
        ),
        sa.Column("spent_reasoning", sa.Text(), nullable=False, comment="Reasoning on spent convictions."),
        sa.Column("wording", sa.Text(), nullable=False, comment="The exact words to be disclosed."),
        sa.Column(
            "recipients",
            sa.JSON(),
            nullable=False,
            comment="Who is told, in what capacity (party, name, capacity).",
        ),
        sa.Column(
            "recipient_reasons",
            sa.Text(),
            nullable=False,
            comment="Why each recipient other than the person at risk is the right one.",
        ),
        sa.Column(
            "deliverer_id",
            sa.Uuid(),
            nullable=True,
            comment="The officer who will deliver the disclosure in person.",
        ),
        sa.Column(
            "subject_views_sought",
            sa.Boolean(),
            nullable=True,
            comment="Whether the subject's views were sought.",
        ),
        sa.Column(
            "subject_views", sa.Text(), nullable=False, comment="The subject's views, or why not sought."
        ),
        sa.Column(
            "subject_told",
            sa.Boolean(),
            nullable=True,
            comment="Whether the subject will be told of the disclosure.",
        ),
        sa.Column(
            "subject_told_reason", sa.Text(), nullable=False, comment="Why the subject is or is not told."
        ),
        sa.Column("safety_plan", sa.Text(), nullable=False, comment="The safety plan for the recipient."),
        sa.Column(
            "safeguarding",
            sa.JSON(),
            nullable=False,
            comment="Further safeguarding actions (MARAC, IDVA, social care referral...).",
        ),
        sa.Column("safeguarding_details", sa.Text(), nullable=False, comment="Details of those actions."),
        sa.Column("no_disclosure_reason_id", sa.Uuid(), nullable=True, comment="Why not (configured list)."),
        sa.Column(
            "safety_advice",
            sa.Text(),
            nullable=False,
            comment="Safety advice still given when nothing is disclosed.",
        ),
        sa.Column("applicant_told", sa.Text(), nullable=False, comment="What the applicant will be told."),
        sa.Column("questions", sa.Text(), nullable=False, comment="Deferral: what research must answer."),
        sa.Column("rationale", sa.Text(), nullable=False, comment="The chair's final rationale."),
        sa.Column(
            "quorum",
            sa.JSON(),
            nullable=False,
            comment="Who took part and the quorum rule applied, when signed.",
        ),
        sa.Column("drafted_by_id", sa.Uuid(), nullable=False, comment="Who drafted it."),
        sa.Column("signed_by_id", sa.Uuid(), nullable=True, comment="The signing chair."),
        sa.Column(
            "signed_at",
            disclosure.db.UTCDateTime(timezone=True),
            nullable=True,
            comment="When it was signed off (UTC).",
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
        sa.CheckConstraint(
            "outcome IN ('disclose', 'no_disclosure', 'defer')", name=op.f("ck_decisions_known_outcome")
        ),
        sa.CheckConstraint("status IN ('draft', 'signed')", name=op.f("ck_decisions_known_status")),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"], ["agenda_items.id"], name=op.f("fk_decisions_agenda_item_id_agenda_items")
        ),
        sa.ForeignKeyConstraint(["deliverer_id"], ["users.id"], name=op.f("fk_decisions_deliverer_id_users")),
        sa.ForeignKeyConstraint(
            ["drafted_by_id"], ["users.id"], name=op.f("fk_decisions_drafted_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["no_disclosure_reason_id"],
            ["no_disclosure_reasons.id"],
            name=op.f("fk_decisions_no_disclosure_reason_id_no_disclosure_reasons"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_decisions_request_id_requests")
        ),
        sa.ForeignKeyConstraint(["signed_by_id"], ["users.id"], name=op.f("fk_decisions_signed_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
        sa.UniqueConstraint("agenda_item_id", name="uq_decisions_agenda_item_id"),
        comment="Disclosure decisions with the legal tests, recipients, views and sign-off.",
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decisions_request_id"), ["request_id"], unique=False)

    op.create_table(
        "agency_views",
        sa.Column("decision_id", sa.Uuid(), nullable=False, comment="The decision."),
        sa.Column("panel_agency_id", sa.Uuid(), nullable=False, comment="The agency."),
        sa.Column("position", sa.Integer(), nullable=False, comment="Order shown."),
        sa.Column("view", sa.String(length=20), nullable=False, comment="Agrees or dissents."),
        sa.Column("reasons", sa.Text(), nullable=False, comment="Reasons (required for dissent)."),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.CheckConstraint("view IN ('agree', 'dissent')", name=op.f("ck_agency_views_known_view")),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
            name=op.f("fk_agency_views_decision_id_decisions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["panel_agency_id"],
            ["panel_agencies.id"],
            name=op.f("fk_agency_views_panel_agency_id_panel_agencies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_views")),
        sa.UniqueConstraint("decision_id", "panel_agency_id", name="uq_agency_views_decision_agency"),
        comment="Each agency's view of a decision, with dissent reasoned.",
    )
    with op.batch_alter_table("agency_views", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agency_views_decision_id"), ["decision_id"], unique=False)

    op.create_table(
        "decision_addenda",
        sa.Column("decision_id", sa.Uuid(), nullable=False, comment="The signed decision."),
        sa.Column("text", sa.Text(), nullable=False, comment="The correction or addition."),
        sa.Column("reason", sa.Text(), nullable=False, comment="Why it was needed."),
        sa.Column("added_by_id", sa.Uuid(), nullable=False, comment="Who added it."),
        sa.Column(
            "added_at", disclosure.db.UTCDateTime(timezone=True), nullable=False, comment="When (UTC)."
        ),
        sa.Column("id", sa.Uuid(), nullable=False, comment="Record identifier (UUIDv7)."),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["users.id"], name=op.f("fk_decision_addenda_added_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_decision_addenda_decision_id_decisions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_addenda")),
        comment="Corrections to signed decisions, with reasons; the original is unchanged.",
    )
    with op.batch_alter_table("decision_addenda", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_addenda_decision_id"), ["decision_id"], unique=False)
    _seed()
    dialect = op.get_bind().dialect.name
    for statement in _POSTGRES_TRIGGERS if dialect == "postgresql" else _SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS decision_addenda_append_only ON decision_addenda")
        op.execute("DROP TRIGGER IF EXISTS agency_views_signed_immutable ON agency_views")
        op.execute("DROP TRIGGER IF EXISTS decisions_signed_immutable ON decisions")
        op.execute("DROP FUNCTION IF EXISTS decision_addenda_append_only()")
        op.execute("DROP FUNCTION IF EXISTS agency_views_signed_immutable()")
        op.execute("DROP FUNCTION IF EXISTS decisions_signed_immutable()")
    with op.batch_alter_table("decision_addenda", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_addenda_decision_id"))

    op.drop_table("decision_addenda")
    with op.batch_alter_table("agency_views", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agency_views_decision_id"))

    op.drop_table("agency_views")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decisions_request_id"))

    op.drop_table("decisions")
    op.drop_table("attendance")
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_items_request_id"))
        batch_op.drop_index(batch_op.f("ix_agenda_items_meeting_id"))

    op.drop_table("agenda_items")
    with op.batch_alter_table("panel_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_members_meeting_id"))

    op.drop_table("panel_members")
    op.drop_table("panel_meetings")
    op.drop_table("panel_policy")
    op.drop_table("panel_agencies")
    op.drop_table("no_disclosure_reasons")
    op.execute(
        "UPDATE requests SET status = 'decided' WHERE status IN ('to_disclose', 'outcome_to_communicate')"
    )
    _status_constraint(_BEFORE)
