"""The house's layers (README "Layout"): a module imports only from its own layer or lower
ones, imports inside functions included, and no two modules import each other in a circle."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

# Top to bottom. A name ending in "." covers a package's modules.
LAYERS = [
    ["pmquiz.__main__", "pmquiz.entry", "pmquiz.cli", "pmquiz.commands."],
    ["pmquiz.ui.", "pmquiz.cohort."],
    ["pmquiz.session.", "pmquiz.classify", "pmquiz.statement_check"],
    ["pmquiz.card_actions", "pmquiz.lint."],
    ["pmquiz.stats", "pmquiz.today", "pmquiz.agenda", "pmquiz.optimize", "pmquiz.workspace",
     "pmquiz.doctor", "pmquiz.salvage"],
    ["pmquiz.compile.", "pmquiz.interop."],
    ["pmquiz.recorder"],
    ["pmquiz.deck_text", "pmquiz.deck", "pmquiz.siblings", "pmquiz.durable_batch"],
    ["pmquiz.kinds."],
    ["pmquiz.grading_lists"],
    ["pmquiz.grading", "pmquiz.words", "pmquiz.meaning", "pmquiz.sentence_model",
     "pmquiz.sentence_seed", "pmquiz.check_examples", "pmquiz.worked_verdict",
     "pmquiz.course_topic", "pmquiz.same_statement", "pmquiz.check_result",
     "pmquiz.comparison_lead",
     "pmquiz.everyday", "pmquiz.spelling"],
    ["pmquiz.store.", "pmquiz.migrations"],
    ["pmquiz.scheduler", "pmquiz.memory", "pmquiz.replay_arrays", "pmquiz.log_items"],
    ["pmquiz.model", "pmquiz.errors", "pmquiz.paths", "pmquiz.config", "pmquiz.days",
     "pmquiz.side_work",
     "pmquiz"],
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(name: str) -> int:
    for index, members in enumerate(LAYERS):
        for member in members:
            if name == member or (member.endswith(".") and
                                  (name.startswith(member) or name == member[:-1])):
                return index
    raise AssertionError(f"{name} is in no layer: add it to LAYERS and the README")


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("pmquiz")}
        elif isinstance(node, ast.ImportFrom) and node.module and \
                node.module.startswith("pmquiz"):
            found.add(node.module)
            # `from pmquiz.kinds import list` imports a module, not a name
            found |= {f"{node.module}.{a.name}" for a in node.names
                      if (SRC / node.module.replace(".", "/") / f"{a.name}.py").exists()}
    return found


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in sorted((SRC / "pmquiz").rglob("*.py"))}


def test_no_module_imports_from_a_higher_layer() -> None:
    upward = [f"{name} (layer {layer_of(name)}) imports {target} (layer {layer_of(target)})"
              for name, targets in graph().items() for target in targets
              if layer_of(target) < layer_of(name)]
    assert not upward, "\n".join(upward)


def test_no_import_circle() -> None:
    edges = {name: {t for t in targets if t != name} for name, targets in graph().items()}
    seen: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(name: str, path: list[str]) -> None:
        seen[name] = 1
        for target in sorted(edges.get(name, ())):
            if target == "pmquiz" or name.startswith(target + "."):
                continue  # a package's __init__ is not a circle with its own modules
            if seen.get(target) == 1:
                raise AssertionError("import circle: " + " -> ".join([*path, name, target]))
            if target not in seen:
                visit(target, [*path, name])
        seen[name] = 2

    for name in sorted(edges):
        if name not in seen:
            visit(name, [])


MAX_MODULE_LINES = 500
MAX_CLASS_LINES = 300


def test_rooms_stay_small_enough_to_live_in() -> None:
    """No module over 500 lines and no class over 300 in src/pmquiz: a new job gets a room of
    its own (README "Layout" says where)."""
    too_big = []
    for path in sorted((SRC / "pmquiz").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > MAX_MODULE_LINES:
            too_big.append(f"{module_name(path)}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef) and node.end_lineno is not None and \
                    node.end_lineno - node.lineno + 1 > MAX_CLASS_LINES:
                too_big.append(f"{module_name(path)}.{node.name}: "
                               f"{node.end_lineno - node.lineno + 1} lines")
    assert not too_big, "\n".join(too_big)
