"""Reading and changing the force profile (administrators only; no case content involved)."""

from __future__ import annotations

import time

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from disclosure import audit
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.errors import FormInvalid, PermissionDenied
from disclosure.force.models import NATIONS, ForceProfile

DEFAULT_NAME = "Police force (set the name in Settings)"


def current_profile(session: Session) -> ForceProfile:
    """The newest saved profile; before anyone saves one, an unsaved default."""
    profile = session.scalar(select(ForceProfile).order_by(ForceProfile.created_at.desc()).limit(1))
    return profile or ForceProfile(
        name=DEFAULT_NAME, nation="england", address="", changed_by="system", logo=None, logo_type=""
    )


def update_profile(session: Session, actor: Principal, values: dict[str, object]) -> ForceProfile:
    """Save a new version of the force's name, nation and address."""
    if "administrator" not in actor.roles:
        raise PermissionDenied()
    name = str(values.get("name", "")).strip()
    nation = str(values.get("nation", "")).strip()
    address = str(values.get("address", "")).strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter the force's name"
    elif len(name) > 200:
        errors["name"] = "Force name must be 200 characters or fewer"
    if nation not in NATIONS:
        errors["nation"] = "Select the nation whose bank holidays apply"
    if len(address) > 1000:
        errors["address"] = "Address must be 1,000 characters or fewer"
    if errors:
        raise FormInvalid(errors, values)
    logo = current_profile(session)
    profile = ForceProfile(
        name=name,
        nation=nation,
        address=address,
        changed_by=actor.username,
        logo=logo.logo,
        logo_type=logo.logo_type or "",
    )
    session.add(profile)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="force_profile.update",
        category=AuditCategory.ADMINISTRATION,
        object_type="force_profile",
        object_id=profile.id,
        justification="Force settings changed",
    )
    return profile


MAX_LOGO_BYTES = 500 * 1024
MAX_LOGO_PIXELS = 4_000_000
"""A logo is drawn on every letter, so it is decoded each time: 4 megapixels (2,000 by 2,000) is ample."""
LOGO_TYPES = frozenset({"image/png", "image/jpeg"})


def update_logo(session: Session, actor: Principal, filename: str, data: bytes | None) -> ForceProfile:
    """Save a new version with a new logo (PNG or JPEG, checked from its content), or without one."""
    from disclosure.uploads import UploadRefused, check_upload

    if "administrator" not in actor.roles:
        raise PermissionDenied()
    logo_type = ""
    if data is not None:
        try:
            checked = check_upload(
                filename, data, max_bytes=MAX_LOGO_BYTES, max_pixels=MAX_LOGO_PIXELS, decode=True
            )
        except UploadRefused as exc:
            raise FormInvalid({"logo": exc.message}, {}) from None
        if checked.content_type not in LOGO_TYPES:
            raise FormInvalid({"logo": "The logo must be a PNG or JPEG image"}, {})
        logo_type = checked.content_type
    current = current_profile(session)
    profile = ForceProfile(
        name=current.name,
        nation=current.nation,
        address=current.address,
        changed_by=actor.username,
        logo=data,
        logo_type=logo_type,
    )
    session.add(profile)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="force_profile.logo",
        category=AuditCategory.ADMINISTRATION,
        object_type="force_profile",
        object_id=profile.id,
        justification="Logo changed" if data else "Logo removed",
    )
    return profile


class ForceNameCache:
    """The header shows the force's name on every page. `refresh()` reads it at most every `ttl` seconds,
    before a request opens its own database session (see `web.provide_db`); calling the cache never touches
    the database, so a request never holds two connections (on SQLite the second would wait for the first's
    write lock)."""

    def __init__(self, factory: sessionmaker[Session], ttl: float = 30.0) -> None:
        self.factory, self.ttl = factory, ttl
        self._value = DEFAULT_NAME
        self._read_at: float | None = None

    def refresh(self) -> None:
        now = time.monotonic()
        if self._read_at is None or now - self._read_at > self.ttl:
            with self.factory() as session:
                self._value = current_profile(session).name
            self._read_at = now

    def __call__(self) -> str:
        return self._value

    def invalidate(self) -> None:
        self._read_at = None
