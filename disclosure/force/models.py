"""The force profile: one row, changed by administrators, every version kept."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from disclosure.db import Base, IdMixin, TimestampMixin

NATIONS = {
    "england": "England",
    "wales": "Wales",
    "scotland": "Scotland",
    "northern_ireland": "Northern Ireland",
}


class ForceProfile(IdMixin, TimestampMixin, Base):
    """Each save adds a row; the newest is in force. Old rows show what letters said at the time."""

    __tablename__ = "force_profiles"
    __table_args__ = (
        CheckConstraint(
            "nation IN ('england', 'wales', 'scotland', 'northern_ireland')", name="known_nation"
        ),
        {"comment": "The force's name, nation (for bank holidays) and address, one row per version."},
    )

    name: Mapped[str] = mapped_column(String(200), comment="The force's name, shown in the header.")
    nation: Mapped[str] = mapped_column(String(20), comment="Nation whose bank holidays apply.")
    address: Mapped[str] = mapped_column(Text, default="", comment="Postal address for letters.")
    phone: Mapped[str] = mapped_column(
        String(40), default="", comment="The disclosure unit's telephone number, printed on letters."
    )
    email: Mapped[str] = mapped_column(
        String(320), default="", comment="The disclosure unit's email address, printed on letters."
    )
    changed_by: Mapped[str] = mapped_column(String(120), comment="User name of who saved this version.")
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, comment="Logo printed on letters (PNG or JPEG).")
    logo_type: Mapped[str] = mapped_column(
        String(20), default="", comment="The logo's type: image/png or jpeg."
    )
