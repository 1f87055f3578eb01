"""Fixtures of the browser tests: the session's build of the site, served on 127.0.0.1
under /infotheory/, one Debian Chromium for the whole session, and a watched tab per test.

`make test` installs Chromium (apt) when it is missing; these tests never download a
browser. A test that finds no Chromium fails: it does not skip.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from docs.conftest import build_site  # the same build as tests/docs (one per session)

from .pages import watch_tab
from .support import CHROMIUM, SiteServer, chromium

# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site; ``SITE_DIR=<dir>`` tests an existing build instead (quicker to iterate)."""
    if os.environ.get("SITE_DIR"):
        return Path(os.environ["SITE_DIR"])
    built = build_site(tmp_path_factory)
    if built.site_dir is None:
        pytest.skip("the site does not build; see tests/docs/test_site.py")
    return built.site_dir


@pytest.fixture(scope="session")
def server(site_dir: Path):
    with SiteServer(site_dir) as running:
        yield running


@pytest.fixture(scope="session")
def playwright_driver():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver):
    """One Chromium (fresh profile) for the whole session; each test opens its own tab."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")
    with chromium(
        playwright_driver,
        viewport={"width": 1100, "height": 900},
        permissions=["clipboard-read", "clipboard-write"],
    ) as context:
        context.set_default_timeout(30_000)
        yield context


@pytest.fixture
def watched(browser):
    """A new tab in the session's browser, with its errors, failures and dialogs recorded."""
    with watch_tab(browser) as record:
        yield record
