"""Synthetic sample data for every letter: for previewing wording without a real case (and for the README's
picture). Every name here is invented."""

from __future__ import annotations

import copy
from typing import Any

from disclosure.letters.context import SUPPORT, Draft, for_letter
from disclosure.letters.vocabulary import LetterKind
from disclosure.requests.vocabulary import Scheme

_SAM = {"name": "Sam Sample", "first_name": "Sam", "address": "1 Example Street\nTesttown TE1 2AB"}

SAMPLE_CONTEXT: dict[str, Any] = {
    "force": {
        "name": "Testshire Police",
        "address": "Police Headquarters\n1 Station Road\nTesttown TE1 1ST",
        "phone": "0300 123 4567",
        "email": "disclosures@testshire.police.uk",
        "contact": "by telephone on 0300 123 4567 or by email at disclosures@testshire.police.uk",
    },
    "case": {
        "reference": "DVDS-2026-000123",
        "scheme": "Clare's Law (DVDS)",
        "scheme_name": "the Domestic Violence Disclosure Scheme (Clare's Law)",
        "route": "Right to Ask",
        "sarahs_law": False,
        "received_on": "2 November 2026",
        "officer": "DC Robin Sample",
    },
    "support": list(SUPPORT[Scheme.DVDS]),
    "today": "30 November 2026",
    "applicant": {"name": "Sam Sample", "first_name": "Sam", "address": "1 Example Street\nTesttown TE1 2AB"},
    "person_at_risk": {
        "name": "Sam Sample",
        "first_name": "Sam",
        "address": "1 Example Street\nTesttown TE1 2AB",
    },
    "subject": {"name": "Alex Example", "first_name": "Alex", "address": "9 Other Road\nTesttown TE3 4CD"},
    "decision": {
        "outcome": "disclose",
        "wording": "Alex Example was convicted in 2019 of assaulting a former partner.",
        "recipients": "Sam Sample",
        "safety_plan": "An IDVA will be present. A safe word is agreed. A marker is placed on the address.",
        "safeguarding": ["MARAC referral", "IDVA referral"],
        "deliverer": "PC Pat Officer",
        "subject_told": False,
        "safety_advice": "Contact details for the local IDVA service, and 999 in an emergency.",
        "applicant_told": "We have not found information that we need to share with you.",
        "reason": "There is no pressing need to disclose",
        "signed_on": "27 November 2026",
    },
    "partner": {
        "agency": "Probation Service",
        "asked": "Has Alex Example been supervised since 2020, and are there any concerns?",
        "due_on": "7 December 2026",
        "sent_at": "30 November 2026 at 10:00am",
        "people": ["Alex Example"],
    },
}


def sample_draft(kind: LetterKind) -> Draft:
    addressee = {
        LetterKind.DISCLOSURE_RECORD: (),
        LetterKind.CONFIDENTIALITY_UNDERTAKING: ("Sam Sample",),
        LetterKind.NON_DISCLOSURE: ("Sam Sample", "1 Example Street", "Testtown TE1 2AB"),
        LetterKind.THIRD_PARTY_OUTCOME: ("Sam Sample", "1 Example Street", "Testtown TE1 2AB"),
        LetterKind.SUBJECT_NOTIFICATION: ("Alex Example", "9 Other Road", "Testtown TE3 4CD"),
        LetterKind.PARTNER_REQUEST: ("Probation Service",),
    }[kind]
    subtitle = "Probation Service" if kind is LetterKind.PARTNER_REQUEST else ""
    context = for_letter(kind, copy.deepcopy(SAMPLE_CONTEXT))
    return Draft(kind, addressee, context, target_id="", subtitle=subtitle)
