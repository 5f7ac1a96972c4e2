"""The programme's five workstreams, named and summarised as the Schools Forum paper of May 2023
describes them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Workstream:
    number: int
    name: str
    aim: str


WORKSTREAMS = (
    Workstream(
        1,
        "Mainstream school inclusion, culture and practice",
        "Strengthen mainstream schools' ability to include and succeed with children with SEND: "
        "specialist lead teachers, school-to-school support, special school outreach, training, "
        "a stronger SENCO network and top-up funding bands that reward inclusion, with an "
        "Inclusion Charter agreed with every school and a review of the front door to EHC "
        "needs assessment so that SEN support is tried first.",
    ),
    Workstream(
        2,
        "Early help and inclusion: school and community teams",
        "Set up school and community teams that give children, families and schools early, "
        "proactive help in local groups of schools, linked to the family hubs and wider early "
        "help, using data to spot emerging needs and agree support with school leaders before "
        "needs escalate.",
    ),
    Workstream(
        3,
        "School-led alternative provision",
        "Model, fund and commission a school-led alternative provision system for secondary "
        "pupils, so that fewer pupils are permanently excluded or placed in independent "
        "alternative provision and more are supported within their schools' own provision.",
    ),
    Workstream(
        4,
        "Commissioning and using independent special schools differently",
        "Buy new placements through a revised commissioning and brokerage approach, negotiate "
        "high-cost placements and contracts, design packages around ordinary lives, and reduce "
        "the reliance on independent special schools while keeping the places children need.",
    ),
    Workstream(
        5,
        "SEND sufficiency and capital",
        "Invest £120m of capital in new special schools and specialist resource bases (growing "
        "SRB places from 420 to 1,132), deliver the capital for school-led alternative "
        "provision, and refresh the sufficiency strategy every year.",
    ),
)


def workstream(number: int) -> Workstream | None:
    return next((w for w in WORKSTREAMS if w.number == number), None)
