"""The layering rule: sopdesk/ never imports Qt or ui/, except its one Qt adapter and the CLI's lazy window start."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QT_ADAPTER = ROOT / "sopdesk" / "qt"


def imports_of(path: Path) -> list[tuple[str, int, bool]]:
    """(module, line, inside a function) for every import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                found.extend((alias.name, child.lineno, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                found.append((child.module, child.lineno, in_function))
            visit(child, nested)

    visit(tree, False)
    return found


def test_core_never_imports_qt_or_the_window():
    offenders = []
    for path in (ROOT / "sopdesk").rglob("*.py"):
        in_adapter = QT_ADAPTER in path.parents
        for module, line, in_function in imports_of(path):
            top = module.split(".")[0]
            if top in ("PySide6", "shiboken6") and not in_adapter:
                offenders.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
            if top == "ui" and not (path.name == "cli.py" and in_function):
                offenders.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert offenders == []


def test_only_the_adapter_reaches_qt_from_the_core():
    # Layout must stay measurable with an injected function: no Qt even inside functions.
    for path in (ROOT / "sopdesk" / "layout").rglob("*.py"):
        assert not [m for m, _, _ in imports_of(path) if m.startswith("PySide6")], path
