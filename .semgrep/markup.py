# Examples for `semgrep --test .semgrep` (markup.yaml); never imported or run. This file is not on the
# allow-list, so every Markup call here is also a markup-outside-allow-list finding.
import markupsafe
from markupsafe import Markup, escape


def examples(name, html):
    # ruleid: markup-outside-allow-list, markup-of-non-literal
    Markup(html)
    # ruleid: markup-outside-allow-list, markup-of-non-literal
    markupsafe.Markup(f"<b>{name}</b>")
    # ruleid: markup-outside-allow-list, markup-of-non-literal
    Markup("<b>%s</b>" % name)
    # ruleid: markup-outside-allow-list
    Markup("<b>{}</b>").format(name)
    # ruleid: markup-outside-allow-list
    Markup(
        "<svg>"
        "</svg>"
    )
    # ok: markup-outside-allow-list, markup-of-non-literal
    escape(name)
    # ok: markup-outside-allow-list, markup-of-non-literal
    Markup.escape(name)
