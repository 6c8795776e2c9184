# Examples for `semgrep --test .semgrep` (sql.yaml); never imported or run.
import sqlite3

import sqlalchemy
from alembic import op
from sqlalchemy import select, text


def examples(session, connection, cursor, name, table, ident, rows):
    # ruleid: sql-bound-parameters-only
    session.execute(text(f"SELECT * FROM people WHERE name = '{name}'"))
    # ruleid: sql-bound-parameters-only
    session.execute(text("SELECT * FROM people WHERE name = '%s'" % name))
    # ruleid: sql-bound-parameters-only
    session.execute(text("SELECT * FROM people WHERE name = '{}'".format(name)))
    # ruleid: sql-bound-parameters-only
    session.execute(text("SELECT * FROM people WHERE name = '" + name + "'"))
    # ruleid: sql-bound-parameters-only
    session.execute(sqlalchemy.text(f"DELETE FROM {table}"))
    # ruleid: sql-bound-parameters-only
    connection.exec_driver_sql(f"INSERT INTO {table} VALUES (?)", rows)
    # ruleid: sql-bound-parameters-only
    connection.execute(text(f'ALTER SCHEMA "{ident}" RENAME TO public' if ident else "CREATE SCHEMA public"))
    # ruleid: sql-bound-parameters-only
    op.execute(f"DROP TRIGGER {name}")
    # ruleid: sql-bound-parameters-only
    sqlite3.connect(":memory:").execute("PRAGMA %s" % name)
    # ruleid: sql-bound-parameters-only
    cursor.executemany("INSERT INTO " + table + " VALUES (?)", rows)
    # ruleid: sql-bound-parameters-only
    cursor.copy(f"COPY {table} FROM STDIN")

    # ok: sql-bound-parameters-only
    session.execute(text("SELECT * FROM people WHERE name = :name"), {"name": name})
    # ok: sql-bound-parameters-only
    session.execute(select(table).where(table.c.name == f"{name} "))
    # ok: sql-bound-parameters-only
    session.execute(select(table).where(table.c.name == "a" + name))
    # ok: sql-bound-parameters-only
    cursor.execute("SELECT * FROM people WHERE name = %s", (name,))
    # ok: sql-bound-parameters-only
    op.execute("DROP TRIGGER IF EXISTS user_roles_administrator_alone")
    # ok: sql-bound-parameters-only
    connection.execute(text("SELECT 1 " "FROM people"))


def not_sql(values, name, path):
    import shutil

    # ok: sql-bound-parameters-only
    shutil.copy(f"{path}/a", f"{path}/b")
    # A form helper that shares the name, not SQLAlchemy's text().
    # ok: sql-bound-parameters-only
    values.text(f"{name}")
