"""Safe contact, everywhere a person is contacted [issue 15] [Beds] (DOMAIN.md "What is recorded": the
applicant's safe contact method and safe times). For a person at risk who lives with the subject, a letter
to home or a voicemail can be the harm, so what their safe contact records decides every contact:

- the ways that are safe (`SafeChannel`: in person, telephone, text, email, post), each with the detail it
  needs (the safe number, email or postal address, which may not be where they live), "do not leave
  messages", the safe times and anything else;
- letters to them take the safe postal address, or are refused with the reason when post is not safe
  (`postal_address`), and their home address never reaches a letter's data;
- the ways of giving an outcome offered are only those it allows (`allowed_methods`, in letters.delivery);
- a case whose applicant has no safe way recorded says so on its page (`no_safe_route`).

The applicant must have at least one safe way and safe times; the others who may be contacted (the person
at risk, the person best placed to protect, a third party) may have them.
"""

from __future__ import annotations

import re
from typing import Any

from disclosure.forms import optional_text
from disclosure.requests.models import CaseParty
from disclosure.requests.vocabulary import PartyRole, SafeChannel
from disclosure.text import as_list

CONTACTED_ROLES = frozenset(
    {PartyRole.APPLICANT, PartyRole.PERSON_AT_RISK, PartyRole.BEST_PLACED_TO_PROTECT, PartyRole.THIRD_PARTY}
)
"""The people on a case whom the police may contact, and so whose safe contact may be recorded."""
_PHONE = re.compile(r"^\+?[0-9 ()-]{7,20}$")
_NEEDED = {
    "safe_phone": "Enter the safe number for calls or texts",
    "safe_email": "Enter the safe email address",
    "safe_address": "Enter the safe postal address, or untick letter by post",
}


def parse(values: dict[str, Any], role: str, errors: dict[str, str]) -> dict[str, Any]:
    """The safe contact fields of a person on a case, every problem at its field."""
    raw = as_list(values.get("safe_channels"))
    known = {c.value for c in SafeChannel}
    if any(c not in known for c in raw):
        errors["safe_channels"] = "Select the safe ways from the list"
    channels = [c for c in SafeChannel if c.value in raw]
    fields: dict[str, Any] = {
        "safe_channels": ",".join(c.value for c in channels),
        "safe_phone": optional_text(values, "safe_phone", "The safe number", errors, limit=40),
        "safe_email": optional_text(values, "safe_email", "The safe email address", errors, limit=200),
        "safe_address": optional_text(values, "safe_address", "The safe postal address", errors, limit=1000),
        "no_messages": str(values.get("no_messages", "")).lower() in ("yes", "true", "on"),
        "safe_contact_method": optional_text(
            values, "safe_contact_method", "Anything else about contact", errors, limit=2000
        ),
        "safe_times": optional_text(values, "safe_times", "Safe times", errors, limit=2000),
    }
    for channel in channels:
        if channel.needs and not fields[channel.needs] and channel.needs not in errors:
            errors[channel.needs] = _NEEDED[channel.needs]
    if fields["safe_phone"] and not _PHONE.match(fields["safe_phone"]) and "safe_phone" not in errors:
        errors["safe_phone"] = "Enter a telephone number, like 07700 900 982 or +44 808 157 0192"
    if fields["safe_email"] and "@" not in fields["safe_email"] and "safe_email" not in errors:
        errors["safe_email"] = "Enter an email address in the correct format, like name@example.com"
    if role == PartyRole.APPLICANT.value:
        if not channels and "safe_channels" not in errors:
            errors["safe_channels"] = "Select at least one safe way to contact the applicant"
        if not fields["safe_times"] and "safe_times" not in errors:
            errors["safe_times"] = "Enter when it is safe to contact the applicant"
    return fields


def no_safe_route(party: CaseParty) -> bool:
    return not party.channels


def postal_address(party: CaseParty | None) -> str | None:
    """The address a letter to this person may go to: their safe postal address, only if post is safe."""
    if party is None or SafeChannel.POST not in party.channels or not party.safe_address.strip():
        return None
    return party.safe_address.strip()


def no_post(party: CaseParty | None, who: str) -> str:
    """Why a letter cannot be posted to this person, for the page and the refusal."""
    if party is None or no_safe_route(party):
        return (
            f"No safe way to contact the {who} is recorded, so no letter can be sent. Record their safe "
            "contact first"
        )
    return (
        f"The {who}'s safe contact does not allow post, so this letter cannot be sent. Give the outcome "
        f"another safe way ({describe_channels(party)}) and record it"
    )


def describe_channels(party: CaseParty) -> str:
    words = []
    for channel in sorted(party.channels, key=list(SafeChannel).index):
        detail = getattr(party, channel.needs) if channel.needs else ""
        words.append(
            f"{channel.label.lower()}" + (f": {detail}" if detail and channel is not SafeChannel.POST else "")
        )
    return "; ".join(words) or "none recorded"


def describe(party: CaseParty) -> dict[str, str]:
    """The safe contact in words, for the case page."""
    return {
        "ways": describe_channels(party),
        "address": postal_address(party) or "",
        "messages": "Do not leave messages" if party.no_messages else "",
        "times": party.safe_times,
        "other": party.safe_contact_method,
    }
