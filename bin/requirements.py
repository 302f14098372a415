#!/usr/bin/env python
"""Print the project's requirements from pyproject.toml, one a line, for `pip install -r -`.

`make install` installs what the project needs, not the project itself: it is run from its
checkout (manage.py), so an editable install would add nothing but setuptools' warnings.
    python bin/requirements.py          # the dependencies
    python bin/requirements.py dev      # plus the `dev` extra
"""

import sys
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())
lines = list(project["project"]["dependencies"])
for extra in sys.argv[1:]:
    lines += project["project"]["optional-dependencies"][extra]
print("\n".join(lines))
