"""Deciding on many notes at once from the queue: assign, reject or approve the ticked lines (a line that
stands for a claim found in several articles stands for each of its notes). Nothing changes before the editor
has seen a page that lists every note and what will happen to it, and confirmed."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from factcheck.errors import FactcheckError, InputError
from factcheck.web.intake import Desk
from factcheck.web.text import desk_words

ACTIONS = ("assign", "reject", "approve")
MAX_NOTES = 500


class Bulk:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def _notes(self, form: FormData, grouped: bool) -> list[str]:
        ticked = [str(v) for v in form.getlist("note")][:MAX_NOTES]
        workspace = self.desk.workspace
        notes: list[str] = []
        for note_id in ticked:
            found = workspace.note(note_id).id
            for one in workspace.lines.same_claim(found) if grouped else [found]:
                if one not in notes:
                    notes.append(one)
        return notes[:MAX_NOTES]

    async def decide(self, request: Request) -> Response:
        form: FormData = request.state.form
        action = str(form.get("action") or "")
        if action not in ACTIONS:
            raise InputError("choose what to do with the ticked notes: assign, reject or approve")
        notes = self._notes(form, form.get("grouped") == "1")
        if not notes:
            raise InputError("tick at least one line of the queue first")
        values = {k: str(form.get(k) or "") for k in ("assignee", "reason", "back")}
        if action == "reject" and not values["reason"].strip():
            raise InputError("a rejection needs a reason; say why in a few words")
        if form.get("confirm") != "1":
            return self._page(request, action, notes, values, [], [])
        done, refused = self._apply(request, action, notes, values)
        return self._page(request, action, notes, values, done, refused)

    def _apply(
        self, request: Request, action: str, notes: list[str], values: dict[str, str]
    ) -> tuple[list[str], list[str]]:
        workspace, me = self.desk.workspace, self.desk.reviewer(request)
        done, refused = [], []
        for note_id in notes:
            try:
                note = workspace.note(note_id)
                if action == "assign":
                    workspace.assign([note.id], values["assignee"], me)
                elif action == "reject":
                    workspace.reject(note.id, me, values["reason"], note.version)
                else:
                    workspace.approve(note.id, me, note.version)
                done.append(note.id)
            except FactcheckError as exc:
                refused.append(f"{note_id}: {desk_words(str(exc))}")
        return done, refused

    def _page(
        self,
        request: Request,
        action: str,
        notes: list[str],
        values: dict[str, str],
        done: list[str],
        refused: list[str],
    ) -> Response:
        workspace = self.desk.workspace
        lines = [workspace.note_view(note_id) for note_id in notes]
        return self.desk.render(
            request,
            "bulk.html",
            action=action,
            lines=lines,
            values=values,
            done=done,
            refused=refused,
            confirmed=bool(done or refused),
            message="",
        )
