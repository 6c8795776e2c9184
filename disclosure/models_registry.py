"""Imports every feature's models so the metadata is complete (for Alembic and the schema check)."""

from __future__ import annotations


def import_all_models() -> None:
    import disclosure.accounts.models
    import disclosure.agencies.models
    import disclosure.audit
    import disclosure.corrections
    import disclosure.decisions.models
    import disclosure.force.models
    import disclosure.letters.models
    import disclosure.missing.models
    import disclosure.people.models
    import disclosure.public.models
    import disclosure.requests.models
    import disclosure.research.models
    import disclosure.retention.models
    import disclosure.schedule
    import disclosure.storage
    import disclosure.subject_access.models
    import disclosure.waiting.models  # noqa: F401
    from disclosure.db import Base, index_foreign_keys

    index_foreign_keys(Base.metadata)
