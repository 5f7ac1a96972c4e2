"""The words the termly returns use: EHCP activity items, primary needs, provision types and
savings cohorts, each with a stable code (stored) and the label a template shows."""

from __future__ import annotations

import re

# EHCP activity in a term: code -> label as the template prints it.
EHCP_ITEMS: dict[str, str] = {
    "ehcp_caseload": "EHC plans maintained at the end of the term",
    "new_plans": "New EHC plans issued in the term",
    "ceased_plans": "EHC plans ceased in the term",
    "requests_schools": "Requests for an EHC needs assessment from schools",
    "requests_parents": "Requests for an EHC needs assessment from parents and carers",
    "requests_professionals": "Requests for an EHC needs assessment from other professionals",
    "movers_in": "Children and young people with an EHC plan moving into the county",
    "movers_out": "Children and young people with an EHC plan moving out of the county",
    "school_population": "Pupils on roll in the county's state-funded schools (census)",
    "pupils_with_ehcp": (
        "Pupils on roll in the county's state-funded schools with an EHC plan (census)"
    ),
    "sen_support": "Pupils receiving SEN support (census)",
    "permanent_exclusions": "Permanent exclusions in the term",
    "school_based_ap": "Pupils in school-based alternative provision at the end of the term",
}

# Primary need, as the SEN2 return codes it.
PRIMARY_NEEDS: dict[str, str] = {
    "ASD": "Autistic spectrum disorder",
    "HI": "Hearing impairment",
    "MLD": "Moderate learning difficulty",
    "MSI": "Multi-sensory impairment",
    "OTH": "Other difficulty or disability",
    "PD": "Physical disability",
    "PMLD": "Profound and multiple learning difficulty",
    "SEMH": "Social, emotional and mental health",
    "SLCN": "Speech, language and communication needs",
    "SLD": "Severe learning difficulty",
    "SPLD": "Specific learning difficulty",
    "VI": "Visual impairment",
    "NSA": "Not yet assessed or not known",
}

PROVISION_TYPES: dict[str, str] = {
    "mainstream": "Mainstream school",
    "srb": "Specialist resource base",
    "maintained_special": "Maintained special school",
    "academy_special": "Academy or free special school",
    "independent_special": "Independent special school",
    "non_maintained_special": "Non-maintained special school",
    "fe_college": "Further education college",
    "specialist_post16": "Specialist post-16 institution",
    "alternative_provision": "Alternative provision",
    "other": "Other",
}

SAVINGS_COHORTS: dict[str, str] = {
    "under_16": "Under 16",
    "over_16": "16 and over",
    "alternative_provision": "Alternative provision",
}

# The HNB return's two spending columns, in the order each line's pair of figures is kept.
SPEND_COLUMNS: dict[str, str] = {"direct": "Direct spend", "central": "Central spend"}

LOCATIONS: dict[str, bool] = {"in": True, "in county": True, "out": False, "out of county": False}


def normalise(text: str) -> str:
    return re.sub(r"[\s_\-/]+", " ", text).strip().casefold()


def build_lookup(vocabulary: dict[str, str], *extra: tuple[str, str]) -> dict[str, str]:
    """Accept a code or its label, in any case and spacing."""
    lookup = {}
    for code, label in vocabulary.items():
        lookup[normalise(code)] = code
        lookup[normalise(label)] = code
    for text, code in extra:
        lookup[normalise(text)] = code
    return lookup


NEED_LOOKUP = build_lookup(
    PRIMARY_NEEDS,
    ("Autism", "ASD"),
    ("Autistic spectrum disorder (ASD)", "ASD"),
    ("Social emotional and mental health", "SEMH"),
    ("Speech language and communication needs", "SLCN"),
    ("Unknown", "NSA"),
    ("Not known", "NSA"),
)
PROVISION_LOOKUP = build_lookup(
    PROVISION_TYPES,
    ("Maintained special", "maintained_special"),
    ("Academy special school", "academy_special"),
    ("Free special school", "academy_special"),
    ("Independent", "independent_special"),
    ("Independent special", "independent_special"),
    ("FE college", "fe_college"),
    ("AP", "alternative_provision"),
    ("SRB", "srb"),
)
COHORT_LOOKUP = build_lookup(
    SAVINGS_COHORTS,
    ("Under 16s", "under_16"),
    ("Over 16", "over_16"),
    ("Over 16s", "over_16"),
    ("16+", "over_16"),
    ("AP", "alternative_provision"),
)
