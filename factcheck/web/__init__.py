"""The review desk in the browser (`factcheck serve`): a thin layer over the `Workspace` façade, like the CLI.
Every action is a façade method and lands in the same append-only review log."""

from factcheck.web.app import create_app
from factcheck.web.security import check_binding
from factcheck.web.server import DeskServer

__all__ = ["DeskServer", "check_binding", "create_app"]
