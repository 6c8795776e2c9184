"""The force running the service: its name, nation, address and the disclosure unit's telephone and email,
editable by administrators, every version kept. Nothing is printed in the force's name until one is set."""

from __future__ import annotations

import re
import time
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from disclosure import audit
from disclosure.audit import AuditCategory
from disclosure.auth import Principal
from disclosure.errors import FormInvalid, PermissionDenied
from disclosure.force.models import NATIONS, ForceProfile

OLD_PLACEHOLDER = "Police force (set the name in Settings)"
"""What earlier releases showed before a name was saved, and saved as the name when an administrator changed
only the nation: a profile still carrying it has no name."""

UNNAMED = "Disclosure service"
"""The header's words while the force has no name (never printed on a letter or a pack)."""

NAME_NOT_SET = (
    "Letters cannot be made yet: the force's name is not set. An administrator can set it in Settings"
)
"""Why no letter can be generated, in words for the case worker who sees it, naming who can fix it."""

NAME, NATION, ADDRESS, CONTACT = (
    "The force's name",
    "The nation whose bank holidays apply",
    "The force's postal address",
    "A telephone number or email address for the disclosure unit",
)

_PHONE = re.compile(r"\+?[0-9][0-9 ()-]*[0-9]")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def _saved(session: Session) -> ForceProfile | None:
    return session.scalar(select(ForceProfile).order_by(ForceProfile.created_at.desc()).limit(1))


def current_profile(session: Session) -> ForceProfile:
    """The newest saved profile; before anyone saves one, an unsaved default with no name."""
    return _saved(session) or ForceProfile(
        name="",
        nation="england",
        address="",
        phone="",
        email="",
        changed_by="system",
        logo=None,
        logo_type="",
    )


def name_of(profile: ForceProfile) -> str:
    """The force's name as an administrator saved it, or "" while none is (never a placeholder)."""
    name = (profile.name or "").strip()
    return "" if name == OLD_PLACEHOLDER else name


def force_name(session: Session) -> str:
    """The name to print on letters, packs and minutes: "" until an administrator sets it."""
    return name_of(current_profile(session))


def unit_contact(profile: ForceProfile) -> str:
    """How a reader reaches the disclosure unit, as a letter says it: "by telephone on 0300 123 4567 or by
    email at dvds@force.police.uk" (either alone when only one is set; "" when neither is)."""
    ways = [
        f"by telephone on {profile.phone.strip()}" if (profile.phone or "").strip() else "",
        f"by email at {profile.email.strip()}" if (profile.email or "").strip() else "",
    ]
    return " or ".join(way for way in ways if way)


def still_to_set(session: Session) -> list[str]:
    """What an administrator must still set, in plain words, for the set-up checklist on their home page:
    the force's name (letters cannot be made without it, and it heads every letter and pack), the nation
    (whose bank holidays the working-day clocks skip), the postal address, and a telephone number or email
    for the disclosure unit (letters tell people how to reach it). Empty when nothing is left.

    The name and the nation are saved together from the settings form, which needs both: until a name is
    saved, the nation in use is only the default (England), so both are listed."""
    profile = _saved(session)
    missing = [] if profile is not None and name_of(profile) else [NAME, NATION]
    if profile is None or not (profile.address or "").strip():
        missing.append(ADDRESS)
    if profile is None or not unit_contact(profile):
        missing.append(CONTACT)
    return missing


def _next_version(current: ForceProfile, actor: Principal, **changes: object) -> ForceProfile:
    """A new row carrying every field of the newest version, with `changes` applied."""
    fields: dict[str, object] = {
        "name": name_of(current),
        "nation": current.nation,
        "address": current.address,
        "phone": current.phone or "",
        "email": current.email or "",
        "logo": current.logo,
        "logo_type": current.logo_type or "",
    }
    return ForceProfile(**{**fields, **changes}, changed_by=actor.username)


def update_profile(session: Session, actor: Principal, values: Mapping[str, object]) -> ForceProfile:
    """Save a new version of the force's name, nation, address and the disclosure unit's telephone number
    and email address (each optional, but a letter can then tell its reader no way to reach the unit)."""
    if "administrator" not in actor.roles:
        raise PermissionDenied()
    name = str(values.get("name", "")).strip()
    nation = str(values.get("nation", "")).strip()
    address = str(values.get("address", "")).strip()
    phone = " ".join(str(values.get("phone", "")).split())
    email = str(values.get("email", "")).strip()
    errors: dict[str, str] = {}
    if not name or name == OLD_PLACEHOLDER:
        errors["name"] = "Enter the force's name"
    elif len(name) > 200:
        errors["name"] = "Force name must be 200 characters or fewer"
    if nation not in NATIONS:
        errors["nation"] = "Select the nation whose bank holidays apply"
    if len(address) > 1000:
        errors["address"] = "Address must be 1,000 characters or fewer"
    digits = sum(c.isdigit() for c in phone)
    if len(phone) > 40:
        errors["phone"] = "Telephone number must be 40 characters or fewer"
    elif phone and (not _PHONE.fullmatch(phone) or not 10 <= digits <= 15):
        errors["phone"] = "Enter a telephone number, like 0300 123 4567 or +44 300 123 4567"
    if len(email) > 320:
        errors["email"] = "Email address must be 320 characters or fewer"
    elif email and not _EMAIL.fullmatch(email):
        errors["email"] = "Enter an email address in the correct format, like disclosures@force.police.uk"
    if errors:
        raise FormInvalid(errors, dict(values))
    profile = _next_version(
        current_profile(session), actor, name=name, nation=nation, address=address, phone=phone, email=email
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
    profile = _next_version(current_profile(session), actor, logo=data, logo_type=logo_type)
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
    """The header shows the force's name on every page (`UNNAMED` until it is set; `saved()` gives "" then).
    `refresh()` reads it at most every `ttl` seconds, before a request opens its own database session (see
    `web.provide_db`); calling the cache never touches the database, so a request never holds two
    connections (on SQLite the second would wait for the first's write lock)."""

    def __init__(self, factory: sessionmaker[Session], ttl: float = 30.0) -> None:
        self.factory, self.ttl = factory, ttl
        self._value = ""
        self._read_at: float | None = None

    def refresh(self) -> None:
        now = time.monotonic()
        if self._read_at is None or now - self._read_at > self.ttl:
            with self.factory() as session:
                self._value = force_name(session)
            self._read_at = now

    def __call__(self) -> str:
        return self._value or UNNAMED

    def saved(self) -> str:
        """The force's name, or "" while none is set: for a form that offers it as an answer."""
        return self._value

    def invalidate(self) -> None:
        self._read_at = None
