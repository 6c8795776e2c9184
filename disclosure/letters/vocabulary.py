"""The letters a case needs (DOMAIN.md "Documents": the disclosure record kept by police, the
confidentiality undertaking, the non-disclosure letter, the third-party outcome letter, the subject
notification letter and the partner-agency information request) and the words of a delivery record."""

from __future__ import annotations

from disclosure.workflow import Labelled


class LetterKind(Labelled):
    DISCLOSURE_RECORD = "disclosure_record", "Disclosure record and script"
    CONFIDENTIALITY_UNDERTAKING = "confidentiality_undertaking"
    NON_DISCLOSURE = "non_disclosure", "Outcome letter: no disclosure"
    THIRD_PARTY_OUTCOME = "third_party_outcome", "Outcome letter to a third-party applicant"
    SUBJECT_NOTIFICATION = "subject_notification", "Subject notification letter"
    PARTNER_REQUEST = "partner_request", "Partner agency information request"

    @property
    def description(self) -> str:
        return DESCRIPTIONS[self]

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


DESCRIPTIONS = {
    LetterKind.DISCLOSURE_RECORD: (
        "For the disclosing officer: what is to be said, to whom, the warnings and the safety plan"
    ),
    LetterKind.CONFIDENTIALITY_UNDERTAKING: "For the recipient to sign when they are told",
    LetterKind.NON_DISCLOSURE: "For the applicant, with safety advice",
    LetterKind.THIRD_PARTY_OUTCOME: "Says the request was considered; never what was disclosed",
    LetterKind.SUBJECT_NOTIFICATION: "Tells the subject a disclosure was made",
    LetterKind.PARTNER_REQUEST: "The questions sent to a partner agency, with the answer date",
}


TITLES = {
    LetterKind.DISCLOSURE_RECORD: "Disclosure record and script",
    LetterKind.CONFIDENTIALITY_UNDERTAKING: "Confidentiality undertaking",
    LetterKind.NON_DISCLOSURE: "The outcome of your request",
    LetterKind.THIRD_PARTY_OUTCOME: "Your request has been considered",
    LetterKind.SUBJECT_NOTIFICATION: "A disclosure has been made",
    LetterKind.PARTNER_REQUEST: "Request for information",
}


class DeliveryMethod(Labelled):
    IN_PERSON = "in_person"
    TELEPHONE = "telephone", "By telephone"
    LETTER = "letter", "By letter"


class Acknowledgement(Labelled):
    SIGNED = "signed", "Signed undertaking"
    VERBAL = "verbal", "Acknowledged verbally"
