"""CI runs exactly the README's test command: ``.ci/run`` and the README must not drift."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("Install and run the tests"):]
    command = re.search(r"```\n(.*?)\n```", section, re.S).group(1).strip()
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
          if line.strip() and not line.startswith(("#", "set ", "cd "))]
    assert ci == [command]
    assert command.startswith("scripts/install-system-deps && ")  # Chromium, for `browser`
