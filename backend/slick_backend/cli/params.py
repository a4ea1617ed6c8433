"""Build a use case's params dataclass from the parsed arguments of its subcommand.

A field takes the argument whose ``dest`` has its name (``--batch-size`` -> ``batch_size``,
``--from`` has ``dest="source"``); ``renames`` names the dest of a flag called otherwise, and
``values`` sets fields computed from the arguments. Arguments that are no field (options
that only steer the command) are left out; a field no option sets keeps its default.

``--out`` is one flag for every command, but the field says what it is: ``out_dir`` (a folder),
``out_prefix`` (a path the outputs' suffixes are added to: PREFIX_mask.tif) or ``out_file``
(one file); its ``out`` dest goes to whichever of these the dataclass has.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")

GLOBAL_DESTS = {"command", "quiet", "debug"}  # the top-level parser's (cli/main.py): no job's option
OUT_FIELDS = ("out_dir", "out_prefix", "out_file")  # the field --out (dest "out") sets


def out_field(names: set[str]) -> str | None:
    """The field of ``names`` that ``--out`` sets, or None when there is none."""
    found = [name for name in OUT_FIELDS if name in names]
    if len(found) > 1:  # a mistake in the dataclass, not in the user's input
        raise TypeError(f"--out could set {' or '.join(found)}: keep one of them")
    return found[0] if found else None


def params_from_args(cls: type[T], args: Any, renames: dict[str, str] | None = None, **values: Any) -> T:
    """``cls`` built from ``args`` (an argparse Namespace); ``renames``: {field: dest}."""
    names = {f.name for f in dataclasses.fields(cls)}
    wrong = sorted(set(values) - names) + sorted(set(renames or {}) - names)
    if wrong:  # a mistake in the caller, not in the user's input
        raise TypeError(f"{cls.__name__} has no field {', '.join(wrong)}")
    given = {dest: value for dest, value in vars(args).items() if dest not in GLOBAL_DESTS}
    out = out_field(names)
    if "out" in given and out is not None and out not in (renames or {}):
        given[out] = given.pop("out")
    for name, dest in (renames or {}).items():
        given[name] = given.pop(dest)
    fields = {name: value for name, value in given.items() if name in names}
    return cls(**{**fields, **values})
