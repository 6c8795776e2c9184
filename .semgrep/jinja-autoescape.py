# Examples for `semgrep --test .semgrep` (jinja-autoescape.yaml); never imported or run.
import jinja2
from jinja2 import Environment, FileSystemLoader, select_autoescape
from jinja2.sandbox import ImmutableSandboxedEnvironment


class LetterEnvironment(ImmutableSandboxedEnvironment):
    pass


def examples(loader: FileSystemLoader):
    # ruleid: jinja-autoescape-on
    Environment(loader=loader)
    # ruleid: jinja-autoescape-on
    jinja2.Environment(loader=loader, autoescape=False)
    # ruleid: jinja-autoescape-on
    ImmutableSandboxedEnvironment(loader=loader)
    # ruleid: jinja-autoescape-on
    LetterEnvironment(loader=loader, autoescape=False)
    # ruleid: jinja-autoescape-on
    jinja2.Template("{{ name }}")
    # ok: jinja-autoescape-on
    Environment(loader=loader, autoescape=select_autoescape(default=True, default_for_string=True))
    # ok: jinja-autoescape-on
    ImmutableSandboxedEnvironment(loader=loader, autoescape=True)
