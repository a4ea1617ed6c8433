"""Build a use case's params dataclass from the parsed arguments of its subcommand.

A field takes the argument whose ``dest`` has its name (``--batch-size`` -> ``batch_size``,
``--from`` has ``dest="source"``); ``renames`` names the dest of a flag called otherwise, and
``values`` sets fields computed from the arguments. Arguments that are no field (options
that only steer the command) are left out; a field no option sets keeps its default.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")

GLOBAL_DESTS = {"command", "quiet", "debug"}  # the top-level parser's (cli/main.py): no job's option


def params_from_args(cls: type[T], args: Any, renames: dict[str, str] | None = None, **values: Any) -> T:
    """``cls`` built from ``args`` (an argparse Namespace); ``renames``: {field: dest}."""
    names = {f.name for f in dataclasses.fields(cls)}
    wrong = sorted(set(values) - names) + sorted(set(renames or {}) - names)
    if wrong:  # a mistake in the caller, not in the user's input
        raise TypeError(f"{cls.__name__} has no field {', '.join(wrong)}")
    given = {dest: value for dest, value in vars(args).items() if dest not in GLOBAL_DESTS}
    for name, dest in (renames or {}).items():
        given[name] = given.pop(dest)
    fields = {name: value for name, value in given.items() if name in names}
    return cls(**{**fields, **values})
