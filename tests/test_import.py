"""Importing the library changes nothing in the user's process: the matplotlib backend stays the user's."""

import subprocess
import sys

SCRIPT = """
import matplotlib
matplotlib.use("svg")
import marketalign, marketalign.report.outputs, marketalign.report.plots, marketalign.experiments.fig1
assert matplotlib.get_backend() == "svg", matplotlib.get_backend()
"""


def test_importing_the_library_keeps_the_users_matplotlib_backend():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_command_line_draws_without_a_display(tmp_path):
    done = subprocess.run([sys.executable, "-c", "import matplotlib, sys; from marketalign.cli import main; "
                           "main(['report', '--help'], standalone_mode=False); print(matplotlib.get_backend())"],
                          capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip().splitlines()[-1].lower() == "agg", done.stderr
