"""Tasks kept as a checklist inside a record's own text field, for records whose table has no
place for tasks of their own (a Council cycle event's preparation, a consultation's
follow-ups): one line per task, Markdown's task-list form, so the text stays readable in every
view, export and history that shows the field::

    - [ ] Benchmarks annex to DPPA — Amina Diallo
    - [x] Draft the political section — Chief Political Affairs

A line is ``- [ ]`` (open) or ``- [x]`` (done), the task, and the owner after the last " — "
(optional). Every other line is the field's free text. No Qt, no user-visible words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from missiondesk.store.errors import InvalidValue

_LINE = re.compile(r"^\s*[-*] \[( |x|X)\]\s+(.*\S)\s*$")
OWNER_SEPARATOR = " \u2014 "
_TASK_LENGTH = 500


@dataclass(frozen=True)
class ChecklistTask:
    """One task: what to do, who does it (a name, or None) and whether it is done."""

    text: str
    owner: str | None = None
    done: bool = False


def split(field_text: str | None) -> tuple[str | None, tuple[ChecklistTask, ...]]:
    """(the free text, the tasks) of a field, in their order."""
    free: list[str] = []
    tasks: list[ChecklistTask] = []
    for line in (field_text or "").splitlines():
        match = _LINE.match(line)
        if match is None:
            free.append(line)
            continue
        body = match.group(2)
        text, owner = body, None
        if OWNER_SEPARATOR in body:
            head, tail = body.rsplit(OWNER_SEPARATOR, 1)
            if head.strip() and tail.strip():
                text, owner = head.strip(), tail.strip()
        tasks.append(ChecklistTask(text=text, owner=owner, done=match.group(1) != " "))
    notes = "\n".join(free).strip()
    return notes or None, tuple(tasks)


def task_of(value, field: str) -> ChecklistTask:
    """A task from a ChecklistTask, a dict (text, owner, done) or a (text, owner, done)
    sequence, checked: one line of text, the owner without the separator."""
    if isinstance(value, ChecklistTask):
        text, owner, done = value.text, value.owner, value.done
    elif isinstance(value, dict):
        text, owner, done = value.get("text"), value.get("owner"), value.get("done", False)
    else:
        text, owner, done = (tuple(value) + (None, False))[:3]
    text = " ".join(str(text or "").split())
    owner = " ".join(str(owner or "").split()) or None
    if not text:
        raise InvalidValue(field=field, reason="required")
    if len(text) > _TASK_LENGTH:
        raise InvalidValue(field=field, reason="too_long", max_length=_TASK_LENGTH)
    if owner is not None:  # a dash in a name would split the line elsewhere on reading
        owner = owner.replace(OWNER_SEPARATOR.strip(), "-")
    return ChecklistTask(text=text, owner=owner, done=bool(done))


def join(notes: str | None, tasks: Iterable[ChecklistTask]) -> str | None:
    """The field's text: the free text, a blank line, then one line per task."""
    lines = ["- [%s] %s%s" % ("x" if t.done else " ", t.text,
                              OWNER_SEPARATOR + t.owner if t.owner else "") for t in tasks]
    parts = [p for p in ((notes or "").strip(), "\n".join(lines)) if p]
    return "\n\n".join(parts) or None
