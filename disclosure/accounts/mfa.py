"""TOTP multi-factor authentication (RFC 6238 via pyotp) with one-time use of each code."""

from __future__ import annotations

import hmac
import unicodedata
from datetime import datetime

import pyotp
import segno

ISSUER = "Disclosure service"
# One step either side tolerates a phone clock up to 30 seconds out.
_WINDOW = 1


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str, issuer: str = ISSUER) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """An inline SVG QR code (no data: URL, so the CSP stays strict). The caller marks it safe."""
    svg: str = segno.make(uri, error="m").svg_inline(
        scale=5,
        dark="#0b0c0c",
        light="#ffffff",
        border=4,
        svgclass="app-qr",
        title="QR code for your authenticator app",
    )
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1)


def grouped(secret: str) -> str:
    """The key in groups of four, easier to type into an authenticator app."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def matching_step(secret: str, code: str, at: datetime, last_step: int | None) -> int | None:
    """The time step the code belongs to, if valid and newer than the last accepted one, else None.

    Spaces are ignored and full-width digits (typed with a CJK keyboard) count as digits; anything else that
    is not six ASCII digits is refused before comparison, which only handles ASCII."""
    code = "".join(unicodedata.normalize("NFKC", code).split())
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(at)
    for step in range(now_step - _WINDOW, now_step + _WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step if last_step is None or step > last_step else None
    return None
