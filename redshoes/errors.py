"""One exception family, so the command line can turn any failure into one line a user can act on."""

from __future__ import annotations


class RedShoesError(Exception):
    """A problem the user can fix; the message says what is wrong and what to do."""


class InputError(RedShoesError):
    """The music or file given cannot be used (missing, unreadable, silent, wrong format)."""


class OutputError(RedShoesError):
    """The output folder cannot be written without losing something of the user's."""


class OptionError(RedShoesError):
    """An option has a value Red Shoes cannot use."""
