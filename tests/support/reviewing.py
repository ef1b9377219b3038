"""Helpers for review tests: a scripted $EDITOR, an edited note, the wire passage with 130,000 troops."""

FAKE_EDITOR = """
import os, sys
path = sys.argv[1]
log = os.environ.get("FAKE_EDITOR_LOG")
if log:
    with open(log, "a") as handle:
        handle.write(open(path).read() + "\\n=====\\n")
with open(path, "w") as handle:
    handle.write(os.environ["FAKE_EDIT_CONTENT"])
"""


def wire_passage(workspace):
    hit = next(h for h in workspace.search("130,000 Russian troops", k=5) if "130,000" in h.passage.text)
    return hit.passage


def edit_yaml(passage_id, quote, verdict="refuted"):
    return (
        f"verdict: {verdict}\nconfidence: 0.7\nrationale: Western officials put the figure at 130,000.\n"
        f'citations:\n  - passage: {passage_id}\n    quote: "{quote}"\n'
    )
