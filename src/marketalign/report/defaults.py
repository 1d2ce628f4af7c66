"""The HTML report's defaults, free of imports so that ``marketalign report --help`` can show them without loading
pandas; :mod:`marketalign.report.html` uses them."""

DEFAULT_TITLE = "marketalign results"
DEFAULT_MAX_ROWS = 20
