"""The DfE safety valve tri-annual monitoring report, as the template in appendix 1 of the
Schools Forum paper of 17 May 2023 sets it out: four questions, two further items, and the nine
conditions of the agreement, each assessed red, amber or green with a progress update."""

from __future__ import annotations

QUESTIONS = (
    (
        "question-1",
        "Is the LA still on track to meet the deficit control and reduction targets as set out "
        "in the agreement? Please demonstrate evidence of your answer.",
    ),
    (
        "question-2",
        "What progress has been made towards implementing the conditions set in the agreement, "
        "and are the timelines set in your detailed proposals still on track?",
    ),
    (
        "question-3",
        "What are the current risks to implementation, and how are you mitigating these?",
    ),
    (
        "question-4",
        "Have there been any unforeseen difficulties or setbacks in implementing the agreement? "
        "How have you mitigated these?",
    ),
    ("schools-forum-papers", "Any relevant Schools Forum papers."),
    (
        "senior-staff",
        "Details of any substantial changes to the senior staff at the LA responsible for "
        "implementing your agreement.",
    ),
    ("emerging-risks", "Emerging risks"),
    ("support-required", "Any support required"),
)

CONDITIONS = (
    "Develop further the culture and practice of mainstream school inclusion by improving the "
    "support offer to schools, enabling inclusion with enhanced inclusion support funding, and "
    "agreeing an Inclusion Charter with schools",
    "Improve the systems and processes for annual reviews",
    "Develop a more robust and inclusive communication strategy, targeting school leaders, key "
    "groups, and working closely with the children and young people Strategic Alliance, Norfolk "
    "Learning Board and Schools Forum",
    "Develop the early help and inclusion agenda by establishing School & Community Teams and "
    "Zones to provide proactive early help to children and young people, families, and "
    "professionals",
    "Implement a school-led Alternative Provision (AP) model as a strategy to prevent exclusions "
    "and the need for an education health and care plan (EHCP) or specialist placement. This new "
    "provision should support reintegration to mainstream as quickly as possible and be funded "
    "through reconfiguration of existing AP spend",
    "Ensure that the needs of children and young people can be addressed earlier and more "
    "effectively, thereby leading to the 'stepping down' to special educational needs (SEN) "
    "support and 'stepping-back' from the over-reliance on the independent sector, by enabling "
    "local mainstream schools to support a greater complexity of need and increasing access to "
    "state-funded specialist provision",
    "Revise the process for commissioning independent sector placements and review existing "
    "contracts",
    "Revise the design of care packages in line with the local authority's (LA's) \"Gloriously "
    'Ordinary Lives" approach, prioritising and investing in family, friends and community when '
    "building support",
    "Implement Phase two of the LA's special educational needs and disabilities (SEND) "
    "Sufficiency Capital Programme, which centres around capacity in special schools and "
    "specialist resource bases (SRB) and the construction of two new special schools",
)

RAGS = {"red": "Red", "amber": "Amber", "green": "Green"}


def condition_item(number: int) -> str:
    return f"condition-{number}"
