"""An administrator account holds no role that reads cases [issue 14]: the database refuses a role row that
would put `administrator` beside a case role or `partner` on one account, whichever is added second.

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out, not imported: a migration keeps meaning what it meant when it was written.
_READS_CASES = (
    "'data_administrator', 'researcher', 'panel_member', 'panel_chair', 'disclosing_officer', 'partner'"
)
_MESSAGE = "an administrator account holds no role that reads cases"
# Constants only, never input (ruff S608, bandit B608).
_CLASH = f"""(NEW.role = 'administrator' AND EXISTS (
        SELECT 1 FROM user_roles WHERE user_id = NEW.user_id AND role IN ({_READS_CASES})))
     OR (NEW.role IN ({_READS_CASES}) AND EXISTS (
        SELECT 1 FROM user_roles WHERE user_id = NEW.user_id AND role = 'administrator'))"""  # noqa: S608  # nosec B608

_SQLITE = [
    f"""CREATE TRIGGER user_roles_administrator_alone BEFORE INSERT ON user_roles WHEN {_CLASH}
       BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END""",
    f"""CREATE TRIGGER user_roles_administrator_alone_update BEFORE UPDATE ON user_roles WHEN {_CLASH}
       BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END""",
]
_POSTGRES = [
    f"""CREATE FUNCTION user_roles_administrator_alone() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF {_CLASH} THEN RAISE EXCEPTION '{_MESSAGE}'; END IF;
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER user_roles_administrator_alone BEFORE INSERT OR UPDATE ON user_roles
       FOR EACH ROW EXECUTE FUNCTION user_roles_administrator_alone()""",
]


def upgrade() -> None:
    for statement in _POSTGRES if op.get_bind().dialect.name == "postgresql" else _SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS user_roles_administrator_alone ON user_roles")
        op.execute("DROP FUNCTION IF EXISTS user_roles_administrator_alone()")
    else:
        op.execute("DROP TRIGGER IF EXISTS user_roles_administrator_alone")
        op.execute("DROP TRIGGER IF EXISTS user_roles_administrator_alone_update")
