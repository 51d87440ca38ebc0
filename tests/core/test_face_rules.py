"""The desk and the portal are thin: they read through the asker's scope, write only through services, catch only
the refusals meant for the user, and know the acting user's type. Checked in their source, so that a new view
breaking a rule fails here before it can pass a bug off as a refusal or show one customer another's data."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FACES = sorted(path for face in ("desk", "portal") for path in (ROOT / "tuki" / face).rglob("*.py"))
# Broader than a refusal: catching one of these turns a bug into a polite "no".
TOO_BROAD = {"ValueError", "TypeError", "KeyError", "LookupError", "Exception", "BaseException", "(bare except)"}
WRITES = {"save", "delete", "create", "update", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
SCOPED = {"visible_to", "get_visible_or_404"}

Rule = Callable[[ast.Module], list[int]]


def _caught(node: ast.expr | None) -> set[str]:
    if node is None:
        return {"(bare except)"}
    if isinstance(node, ast.Tuple):
        return {name for item in node.elts for name in _caught(item)}
    if isinstance(node, ast.Attribute):
        return {node.attr}
    return {node.id} if isinstance(node, ast.Name) else set()


def _called(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def broad_catches(tree: ast.Module) -> list[int]:
    return [
        node.lineno for node in ast.walk(tree) if isinstance(node, ast.ExceptHandler) and _caught(node.type) & TOO_BROAD
    ]


def direct_writes(tree: ast.Module) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES
    ]


def unscoped_reads(tree: ast.Module) -> list[int]:
    """``Model.objects`` anywhere but as an empty placeholder or inside visible_to / get_visible_or_404."""
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

    def scoped(objects: ast.Attribute) -> bool:
        if isinstance(parents.get(objects), ast.Attribute) and parents[objects].attr == "none":  # type: ignore[attr-defined]
            return True  # a form field's empty queryset, filled in for the user in __init__
        chain: ast.AST = objects  # climb Model.objects.a(...).b(...) to its end
        while isinstance(parents.get(chain), ast.Attribute) or (
            isinstance(parents.get(chain), ast.Call) and parents[chain].func is chain  # type: ignore[attr-defined]
        ):
            chain = parents[chain]
        call = parents.get(chain)
        return isinstance(call, ast.Call) and _called(call) in SCOPED and chain in call.args

    return [
        node.lineno
        for node in ast.walk(tree)
        if (isinstance(node, ast.Attribute) and node.attr == "objects" and not scoped(node))
        or (isinstance(node, ast.Call) and _called(node) in ("get_object_or_404", "get_list_or_404"))
    ]


def untyped_user(tree: ast.Module) -> list[int]:
    """``request.user`` is typed loosely; the faces ask ``acting_user(request)`` for a User."""
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr == "user"
        and isinstance(node.value, ast.Name)
        and node.value.id == "request"
    ]


RULES: list[Rule] = [broad_catches, direct_writes, unscoped_reads, untyped_user]


def test_the_faces_are_found() -> None:
    assert len(FACES) >= 10


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.__name__)
def test_the_faces_keep_the_rule(rule: Rule) -> None:
    broken = {
        str(path.relative_to(ROOT)): lines
        for path in FACES
        if (lines := rule(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert broken == {}


@pytest.mark.parametrize(
    ("rule", "source"),
    [
        (broad_catches, "try:\n    f()\nexcept ValueError:\n    pass\n"),
        (broad_catches, "try:\n    f()\nexcept (Refusal, Exception):\n    pass\n"),
        (broad_catches, "try:\n    f()\nexcept:\n    pass\n"),
        (direct_writes, "form.save()\n"),
        (direct_writes, "Ticket.objects.filter(pk=1).update(state='new')\n"),
        (unscoped_reads, "BusinessUnit.objects.filter(organisation_id=contact.organisation_id)\n"),
        (unscoped_reads, "Exists(TicketEvent.objects.filter(public=True))\n"),
        (unscoped_reads, "get_object_or_404(InboundMessage, pk=1)\n"),
        (untyped_user, "user = request.user\n"),
    ],
)
def test_each_rule_sees_what_it_is_for(rule: Rule, source: str) -> None:
    assert rule(ast.parse(source)) != []


@pytest.mark.parametrize(
    "source",
    [
        "try:\n    f()\nexcept (Refusal, ValidationError, PermissionDenied, Http404):\n    pass\n",
        "field.queryset = Contact.objects.none()\n",
        "visible_to(user, Agreement.objects.in_force(today)).first()\n",
        "get_visible_or_404(user, InboundMessage.objects.select_related('ticket'), pk=1)\n",
        "user = acting_user(request)\n",
    ],
)
def test_what_the_rules_let_through(source: str) -> None:
    assert [rule(ast.parse(source)) for rule in RULES] == [[], [], [], []]
