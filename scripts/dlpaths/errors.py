"""Errors that name the file, the field or line, and the fix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    where: str
    message: str
    fix: str

    def __str__(self) -> str:
        location = f"{self.file}: {self.where}" if self.where else self.file
        return f"{location}: {self.message}\n    fix: {self.fix}"


class ContentError(Exception):
    """Raised with every problem found, so one run reports them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        count = len(problems)
        header = f"{count} content problem{'s' if count != 1 else ''} found:"
        super().__init__("\n".join([header, *(str(p) for p in problems)]))


class NotebookError(Exception):
    """A notebook failed, timed out, or could not be rendered."""
