"""Missing-person episodes: record one, review its risk (every change kept with rationale, source and time),
close it on return, and follow the return home interview; the repeat-missing rule; a person's history and
timeline; and the Right to Know considerations raised where missing and disclosure work meet.

Rules (DOMAIN.md "Missing-person coordination in a MASH"): the risk continuum and what each episode records
[APP-missing][Lewisham]; a child's return home interview within 72 hours of return, by someone independent
of the placement, with a reason when not offered, and an adult's optional prevention interview instead
[MissingPeople-2024]; a child on a child-protection plan notified at once to the social worker, the placing
authority or children's social care, and an urgent event that reaches nobody said so [Wales-SP]; repeat
missing as configuration [Bromley]. Every verb writes its audit event in the caller's transaction (DPA 2018
s.62 [DPA-62]).
"""

from disclosure.missing.service.common import (
    get_episode,
    require_administrator,
    require_coordinator,
)
from disclosure.missing.service.considerations import (
    LINKED_ROLES,
    case_references,
    considerations_for_case,
    considerations_for_person,
    decide_consideration,
    get_consideration,
    merge_considerations,
    on_party_added,
    raise_considerations,
)
from disclosure.missing.service.corrections import correct_episode, correctable_values, episode_history
from disclosure.missing.service.episodes import (
    EPISODE_FIELDS,
    after_new_episode,
    change_risk,
    close_episode,
    episode_problems,
    episodes_by_status,
    finish_episode,
    parse_episode,
    record_episode,
    view_episode,
)
from disclosure.missing.service.history import (
    Overview,
    RepeatStatus,
    TimelineEntry,
    overview,
    person_basis,
    person_episodes,
    repeat_status,
    repeat_statuses,
    timeline,
)
from disclosure.missing.service.interviews import (
    INTERVIEW_DUE,
    OPTIONAL,
    OVERDUE,
    interview_state,
    new_interview,
    record_interview,
)
from disclosure.missing.service.settings import (
    PartnerChoices,
    add_risk_level,
    childrens_social_care_options,
    partner_choices,
    update_risk_level,
    update_settings,
)

__all__ = [
    "EPISODE_FIELDS",
    "INTERVIEW_DUE",
    "LINKED_ROLES",
    "OPTIONAL",
    "OVERDUE",
    "Overview",
    "PartnerChoices",
    "RepeatStatus",
    "TimelineEntry",
    "add_risk_level",
    "after_new_episode",
    "case_references",
    "change_risk",
    "childrens_social_care_options",
    "close_episode",
    "considerations_for_case",
    "considerations_for_person",
    "correct_episode",
    "correctable_values",
    "decide_consideration",
    "episode_history",
    "episode_problems",
    "episodes_by_status",
    "finish_episode",
    "get_consideration",
    "get_episode",
    "interview_state",
    "merge_considerations",
    "new_interview",
    "on_party_added",
    "overview",
    "parse_episode",
    "partner_choices",
    "person_basis",
    "person_episodes",
    "raise_considerations",
    "record_episode",
    "record_interview",
    "repeat_status",
    "repeat_statuses",
    "require_administrator",
    "require_coordinator",
    "timeline",
    "update_risk_level",
    "update_settings",
    "view_episode",
]
