"""Errors that reach the user as one clear line (which file, what is wrong, what to do).

Library code raises these for bad input; the CLI prints ``str(error)`` and exits non-zero,
the server turns them into a JSON 4xx. Anything else is a bug and is reported as such.
"""


class SlickError(Exception):
    """A problem the user can fix. The message is shown as-is, on one line."""

    exit_code = 2


class InputError(SlickError):
    """Bad input data or parameters (a file, a value, a combination of options)."""


class Cancelled(SlickError):
    """The job was cancelled through its progress object; nothing half-written is left."""

    exit_code = 130
