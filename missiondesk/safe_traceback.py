"""What a bug report may say: the exception's type and where it happened, never its message.

An unexpected exception's message and arguments can carry record contents (a KeyError of
a stakeholder's name, a driver error quoting a value, a validation message with the text).
The GUI's last-resort handler and the command line log this instead of the usual traceback:
the exception types (of the whole chain) and each frame's file, line and function.
"""

from __future__ import annotations

import traceback
from types import TracebackType


def describe(exc_type: type[BaseException], exc: BaseException | None,
             tb: TracebackType | None) -> str:
    """A traceback without messages or locals: type names and (file, line, function)."""
    blocks: list[str] = []  # the last exception first
    seen: set[int] = set()
    current: BaseException | None = exc
    current_type, current_tb = exc_type, tb
    while True:
        frames = traceback.extract_tb(current_tb) if current_tb is not None else []
        lines = ["Traceback (most recent call last; the message is withheld):"]
        lines += ['  File "%s", line %s, in %s' % (f.filename, f.lineno, f.name) for f in frames]
        lines.append("%s.%s" % (current_type.__module__, current_type.__qualname__))
        blocks.append("\n".join(lines))
        if current is None:
            break
        seen.add(id(current))
        cause = current.__cause__ or (None if current.__suppress_context__
                                      else current.__context__)
        if cause is None or id(cause) in seen:
            break
        current, current_type, current_tb = cause, type(cause), cause.__traceback__
    return "\n\nwhich led to:\n\n".join(reversed(blocks))
