"""One exception family for the whole package.

Every error raised on bad input names what was wrong and how to fix it; the command line turns
:class:`InputError` into exit code 2, :class:`BoundViolation` into exit code 1 and any other exception (a bug) into
exit code 4.
"""


class MarketAlignError(Exception):
    """Base class of every error this package raises on purpose."""


class InputError(MarketAlignError, ValueError):
    """The caller's input is invalid; the message says what is wrong and how to fix it."""


class BoundViolation(MarketAlignError):
    """A theorem's inequality failed on a computed instance (the instance is written out for reproduction)."""
