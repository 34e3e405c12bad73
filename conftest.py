"""Every suite of this repository may use weighthub's test fixtures (:mod:`weighthub.testing`).

pytest accepts ``pytest_plugins`` only in the top-level conftest, so the kit is enabled here for
the core tests and every plugin's; its fixtures do nothing unless a test asks for them. pytester
runs the kit's own tests of its fixtures in separate pytest sessions.
"""

pytest_plugins = ["weighthub.testing.pytest_plugin", "pytester"]
