"""The letters a case needs (DOMAIN.md "Documents": the disclosure record kept by police, the
confidentiality undertaking, the non-disclosure letter, the third-party outcome letter, the subject
notification letter and the partner-agency information request) and the words of a delivery record."""

from __future__ import annotations

from enum import StrEnum


class LetterKind(StrEnum):
    DISCLOSURE_RECORD = "disclosure_record"
    CONFIDENTIALITY_UNDERTAKING = "confidentiality_undertaking"
    NON_DISCLOSURE = "non_disclosure"
    THIRD_PARTY_OUTCOME = "third_party_outcome"
    SUBJECT_NOTIFICATION = "subject_notification"
    PARTNER_REQUEST = "partner_request"

    @property
    def label(self) -> str:
        return LABELS[self][0]

    @property
    def description(self) -> str:
        return LABELS[self][1]

    @property
    def template(self) -> str:
        return f"letters/{self.value}.txt"

    @property
    def heading(self) -> str:
        """The title printed on the letter."""
        return TITLES[self]

    @property
    def keep_from_recipient(self) -> bool:
        """Police keep it: it is read out, never left (force practice [Beds][Bexley])."""
        return self is LetterKind.DISCLOSURE_RECORD


LABELS = {
    LetterKind.DISCLOSURE_RECORD: (
        "Disclosure record and script",
        "For the disclosing officer: what is to be said, to whom, the warnings and the safety plan",
    ),
    LetterKind.CONFIDENTIALITY_UNDERTAKING: (
        "Confidentiality undertaking",
        "For the recipient to sign when they are told",
    ),
    LetterKind.NON_DISCLOSURE: ("Outcome letter: no disclosure", "For the applicant, with safety advice"),
    LetterKind.THIRD_PARTY_OUTCOME: (
        "Outcome letter to a third-party applicant",
        "Says the request was considered; never what was disclosed",
    ),
    LetterKind.SUBJECT_NOTIFICATION: (
        "Subject notification letter",
        "Tells the subject a disclosure was made",
    ),
    LetterKind.PARTNER_REQUEST: (
        "Partner agency information request",
        "The questions sent to a partner agency, with the answer date",
    ),
}


TITLES = {
    LetterKind.DISCLOSURE_RECORD: "Disclosure record and script",
    LetterKind.CONFIDENTIALITY_UNDERTAKING: "Confidentiality undertaking",
    LetterKind.NON_DISCLOSURE: "The outcome of your request",
    LetterKind.THIRD_PARTY_OUTCOME: "Your request has been considered",
    LetterKind.SUBJECT_NOTIFICATION: "A disclosure has been made",
    LetterKind.PARTNER_REQUEST: "Request for information",
}


class DeliveryMethod(StrEnum):
    IN_PERSON = "in_person"
    TELEPHONE = "telephone"
    LETTER = "letter"

    @property
    def label(self) -> str:
        return {"in_person": "In person", "telephone": "By telephone", "letter": "By letter"}[self.value]


class Acknowledgement(StrEnum):
    SIGNED = "signed"
    VERBAL = "verbal"

    @property
    def label(self) -> str:
        return {"signed": "Signed undertaking", "verbal": "Acknowledged verbally"}[self.value]
