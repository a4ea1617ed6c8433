"""The core stays QGIS-free: no source file under backend/ may import qgis, PyQt or sip."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {"qgis", "PyQt5", "PyQt6", "sip", "PySide2", "PySide6"}


def imported_roots(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in {
            "import_module",
            "__import__",
        }:
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.append((node.lineno, node.args[0].value))
    return found


def test_backend_sources_exist():
    sources = list((ROOT / "backend").rglob("*.py"))
    assert len(sources) > 5, "the backend package was not found where this test expects it"


def test_backend_never_imports_qgis_or_qt():
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in (ROOT / "backend").rglob("*.py")
        for line, name in imported_roots(path)
        if name.split(".")[0] in FORBIDDEN
    ]
    assert offenders == []


def test_checker_catches_a_qgis_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom qgis.core import QgsProject\nimportlib.import_module('PyQt5.QtCore')\n")
    names = [name for _, name in imported_roots(bad)]
    assert "qgis.core" in names and "PyQt5.QtCore" in names


def test_plugin_never_imports_torch():
    heavy = {"torch", "torchvision", "segment_anything", "segmentation_models_pytorch", "slick_backend"}
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in (ROOT / "slick_plugin").rglob("*.py")
        for line, name in imported_roots(path)
        if name.split(".")[0] in heavy
    ]
    assert offenders == []


def test_cli_parser_and_server_start_without_numpy():
    """The plugin's first-run setup starts `serve` from a minimal wheel set (no numpy, rasterio or
    torch): building the CLI and the server app must not import them."""
    import subprocess
    import sys

    code = ("import sys\nfrom slick_backend.cli.main import build_parser\nbuild_parser()\n"
            "from slick_backend.server.app import create_app\n"
            "heavy = sorted(m for m in ('numpy', 'rasterio', 'torch', 'osgeo') if m in sys.modules)\n"
            "print(','.join(heavy))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "", f"imported at start: {done.stdout.strip()}"


# --- layering, cycles and function length (issue 17) ------------------------------------------
# The layer order lives in docs/ARCHITECTURE.md ("Layers"); this test reads it from there, so the
# page and the code cannot disagree.
PACKAGE = ROOT / "backend" / "slick_backend"
MAX_FUNCTION_LINES = 80


def read_layers(doc: Path) -> list[list[str]]:
    """The units of each layer, bottom first, from the fenced block under "## Layers"."""
    text = doc.read_text()
    block = text.split("## Layers", 1)[1].split("```", 2)[1]
    layers = []
    for line in block.strip().splitlines():
        words = line.split()
        if words and words[0].rstrip(".").isdigit():
            layers.append(words[2:])  # "3. inputs  scenes labels ..."
    return layers


def module_name(path: Path, package: Path) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """ids of the import nodes under ``if TYPE_CHECKING:`` (annotations only, never executed)."""
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return skip


def package_imports(package: Path) -> dict[str, set[str]]:
    """module -> the modules of the package it imports, wherever the import stands (lazy ones too)."""
    files = {module_name(p, package): p for p in package.rglob("*.py")}
    top = package.name
    graph = {}
    for name, path in files.items():
        tree = ast.parse(path.read_text(), str(path))
        skip = _type_checking_nodes(tree)
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = set()
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.split(".")[0] == top)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here.split(".")[: len(here.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if target.split(".")[0] != top:
                    continue
                for alias in node.names:  # "from . import x" imports the module x
                    sub = f"{target}.{alias.name}"
                    found.add(sub if sub in files else target)
        graph[name] = {t for t in found if t in files and t != name}
    return graph


def unit_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan, iterative)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], [0]
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def upward_imports(graph: dict[str, set[str]], layers: list[list[str]]) -> list[str]:
    level = {unit: i for i, layer in enumerate(layers) for unit in layer}
    wrong = []
    for module, targets in sorted(graph.items()):
        for target in sorted(targets):
            a, b = unit_of(module), unit_of(target)
            if a != b and level[b] >= level[a]:
                wrong.append(f"{module} (layer {level[a] + 1}) imports {target} (layer {level[b] + 1})")
    return wrong


def long_functions(package: Path, limit: int = MAX_FUNCTION_LINES) -> list[str]:
    """Functions whose body, docstring left out, is longer than ``limit`` lines."""
    found = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                body = node.body
                if len(body) > 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                    body = body[1:]  # a long docstring explains; it is not code
                lines = node.end_lineno - body[0].lineno + 1
                if lines > limit:
                    found.append(f"{path.relative_to(package.parent)}:{node.lineno} {node.name} ({lines} lines)")
    return found


def test_every_backend_package_has_a_layer():
    layers = read_layers(ROOT / "docs" / "ARCHITECTURE.md")
    listed = [unit for layer in layers for unit in layer]
    assert len(listed) == len(set(listed)), "a unit is listed in two layers of docs/ARCHITECTURE.md"
    units = {unit_of(m) for m in package_imports(PACKAGE)}
    assert sorted(units - set(listed)) == [], "add these to a layer in docs/ARCHITECTURE.md (## Layers)"
    assert sorted(set(listed) - units) == [], "docs/ARCHITECTURE.md lists units that no longer exist"


def test_backend_imports_only_downward():
    layers = read_layers(ROOT / "docs" / "ARCHITECTURE.md")
    assert upward_imports(package_imports(PACKAGE), layers) == []


def test_backend_has_no_import_cycles():
    assert cycles(package_imports(PACKAGE)) == []


def test_no_backend_function_is_longer_than_80_lines():
    assert long_functions(PACKAGE) == []


def test_the_checks_catch_what_they_forbid(tmp_path):
    pkg = tmp_path / "slick_backend"
    (pkg / "low").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "low" / "__init__.py").write_text("from ..high import thing\n")  # upward, and a cycle
    (pkg / "low" / "a.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import b\n")
    (pkg / "low" / "b.py").write_text("from . import a\n")  # a -> b only for annotations: no cycle
    (pkg / "high.py").write_text("from .low import a\nthing = 1\n\ndef big():\n    '''doc'''\n"
                                 + "    x = 1\n" * 81)
    graph = package_imports(pkg)
    assert graph["slick_backend.low"] == {"slick_backend.high"}
    assert graph["slick_backend.low.a"] == set()
    assert upward_imports(graph, [["__init__", "low"], ["high"]]) == [
        "slick_backend.low (layer 1) imports slick_backend.high (layer 2)"]
    assert upward_imports(graph, [["__init__", "high"], ["low"]]) == [
        "slick_backend.high (layer 1) imports slick_backend.low.a (layer 2)"]
    assert cycles({"x": {"y"}, "y": {"z"}, "z": {"x"}, "w": {"x"}}) == [["x", "y", "z"]]
    assert cycles(graph) == []  # high -> low.a, low -> high: units, not modules, are cyclic here
    assert [f.split()[1] for f in long_functions(pkg)] == ["big"]
