"""The one shape of an error that lists problems: a file or a set of them read and checked as a
whole (a council's profile, its plan's lines, its catalogue, its demo), every problem found, each
naming its entry, so a person can put all of them right at once."""

from __future__ import annotations


class ListedProblems(Exception):
    """``problems`` lists every problem; the message is ``heading`` and then one a line."""

    def __init__(self, heading: str, problems: list[str]) -> None:
        lines = [f"{heading}:", *problems] if heading else problems
        super().__init__("\n".join(lines))
        self.problems = problems
