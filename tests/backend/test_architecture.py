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
