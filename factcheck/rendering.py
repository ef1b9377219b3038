"""One templating path: the desk's pages, the HTML report and the evaluation's confusion matrix are all
rendered by one jinja2 environment that escapes every value (article text is untrusted), keeps links only for
http(s) and isolates text holding bidi controls."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader
from markupsafe import Markup, escape

from factcheck.safety import has_bidi_controls, safe_url

PACKAGE = Path(__file__).resolve().parent
TEMPLATE_FOLDERS = (PACKAGE / "web" / "templates", PACKAGE / "templates")


def isolated(value: object) -> object:
    """Text holding bidi controls ("Invoice \\u202eexe.fdp" shows as "Invoice pdf.exe") in a <bdi> of its own, so
    the reordering cannot leak into the page around it, and marked so that a reader sees it is there."""
    if isinstance(value, str) and has_bidi_controls(value):
        return Markup(
            '<bdi dir="auto" class="bidi" title="contains characters that reverse the text">{}</bdi>'
        ).format(escape(value))
    return value


@lru_cache(maxsize=1)
def environment() -> Environment:
    templates = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(folder)) for folder in TEMPLATE_FOLDERS]),
        autoescape=True,
        trim_blocks=True,
    )
    templates.filters["safe_url"] = safe_url
    templates.filters["bdi"] = isolated
    return templates


def render(name: str, **context: object) -> str:
    return environment().get_template(name).render(**context)
