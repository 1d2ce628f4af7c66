"""One exception family for the whole package.

Every error raised on bad input names what was wrong and how to fix it; the command line turns
:class:`InputError` into exit code 2, :class:`BoundViolation` into exit code 1, :class:`SolverError` into exit code 5
and any other exception (a bug) into exit code 4.
"""


class MarketAlignError(Exception):
    """Base class of every error this package raises on purpose."""


class InputError(MarketAlignError, ValueError):
    """The caller's input is invalid; the message says what is wrong and how to fix it."""


class BoundViolation(MarketAlignError):
    """A theorem's inequality failed on a computed instance (the instance is written out for reproduction)."""


class SolverError(MarketAlignError, RuntimeError):
    """A numerical solver (the active-set NNLS/simplex solver, HiGHS, a least-squares fit) failed on valid input.

    The message names the solver and the problem; the instance is well posed, so the failure is numerical (an
    ill-conditioned or badly scaled input, or a solver limit). A subclass of :class:`RuntimeError`, so code that
    caught the bare ``RuntimeError`` these failures used to raise keeps working.
    """
