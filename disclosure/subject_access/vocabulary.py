"""The words of subject access: what kind of thing each item is, what the officer decided, and the
restrictions of DPA 2018 s.45(4) that allow an item, or part of it, to be held back."""

from __future__ import annotations

from disclosure.workflow import Labelled


class ItemKind(Labelled):
    PERSON = "person", "The person's details"
    CASE = "case", "Disclosure case"
    EVIDENCE = "evidence", "Information found in research"
    ATTACHMENT = "attachment", "File attached to research"
    LETTER = "letter", "Letter"
    EPISODE = "episode", "Missing episode"
    ACCESS = "access", "Who has seen the records"

    @property
    def has_file(self) -> bool:
        """Whether the item is a stored file, sent whole or not at all (a file cannot be redacted here)."""
        return self in (ItemKind.ATTACHMENT, ItemKind.LETTER)


class ItemDecision(Labelled):
    PENDING = "pending", "Not decided"
    DISCLOSE = "disclose", "Disclose in full"
    REDACT = "redact", "Disclose with passages redacted"
    WITHHOLD = "withhold", "Withhold"


class Exemption(Labelled):
    """DPA 2018 s.45(4): the right of access may be restricted, wholly or partly, to the extent that and for
    as long as it is a necessary and proportionate measure to..."""

    INQUIRY = (
        "inquiry",
        "s.45(4)(a) avoid obstructing an official or legal inquiry, investigation or procedure",
    )
    CRIME = (
        "crime",
        (
            "s.45(4)(b) avoid prejudicing the prevention, detection, investigation or prosecution of "
            "criminal offences or the execution of criminal penalties"
        ),
    )
    PUBLIC_SECURITY = "public_security", "s.45(4)(c) protect public security"
    NATIONAL_SECURITY = "national_security", "s.45(4)(d) protect national security"
    OTHERS = "others", "s.45(4)(e) protect the rights and freedoms of others"

    @property
    def short(self) -> str:
        """The paragraph alone, "s.45(4)(b)", for redaction marks and the schedule."""
        return self.label.split(" ", 1)[0]


class RequestStatus(Labelled):
    OPEN = "open", "Open"
    EXPORTED = "exported", "Bundle exported"
