"""The DfE safety valve tri-annual monitoring report, as the DfE's template sets it out: four
questions, two further items, and the conditions of the council's agreement (its profile lists
them), each assessed red, amber or green with a progress update."""

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

RAGS = {"red": "Red", "amber": "Amber", "green": "Green"}


def condition_item(number: int) -> str:
    return f"condition-{number}"
