"""The accessibility check is real: it fails on a page with known WCAG faults."""

import pytest
from playwright.sync_api import Page

from e2e.conftest import Axe

BROKEN = """<!DOCTYPE html><html><head><title>Broken</title></head><body>
<main><img src="x.png"><form><input type="text" name="q"></form>
<p style="color:#777;background:#888">Low contrast text</p></main></body></html>"""


def test_axe_fails_on_missing_alt_text_unlabelled_inputs_and_poor_contrast(page: Page) -> None:
    page.set_content(BROKEN)
    with pytest.raises(AssertionError) as failed:
        Axe().check(page, "deliberately broken page")
    for rule in ("image-alt", "label", "color-contrast", "html-has-lang"):
        assert rule in str(failed.value)


def test_axe_passes_a_clean_page(page: Page) -> None:
    page.set_content(
        '<!DOCTYPE html><html lang="en"><head><title>Fine</title></head><body><main>'
        '<h1>Fine</h1><label for="q">Search</label><input id="q" name="q"></main></body></html>'
    )
    Axe().check(page, "clean page")
