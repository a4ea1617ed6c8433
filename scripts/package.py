#!/usr/bin/env python3
"""Build dist/slick_plugin.zip: installable through QGIS's Plugins > Install from ZIP.

The zip holds one folder, slick_plugin/, with metadata.txt, the plugin's Python code, the
icons, the compiled translations (.qm, built here with lrelease from i18n/*.ts when
needed), the experiment configs, and the bundled backend code with the shipped models' weights in slick_plugin/backend_src/
(the plugin puts it on PYTHONPATH of the backend interpreter it starts). Symlinks in the
checkout (metadata.txt, resources, i18n) are stored as the files they point to.

    python3 scripts/package.py [--out dist/slick_plugin.zip]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "slick_plugin"
SKIP_DIRS = {"__pycache__", ".pytest_cache", ".qgis-settings"}


def compile_translations() -> list[Path]:
    """i18n/*.ts -> .qm with lrelease (when the .qm is missing or older than the .ts)."""
    out = []
    lrelease = shutil.which("lrelease") or shutil.which("lrelease-qt5")
    for ts in sorted((ROOT / "i18n").glob("*.ts")):
        qm = ts.with_suffix(".qm")
        if not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime:
            if lrelease is None:
                sys.exit(f"package: {qm.name} is missing or stale and lrelease is not installed (apt-get install qttools5-dev-tools)")
            subprocess.run([lrelease, "-silent", str(ts), "-qm", str(qm)], check=True)
        out.append(qm)
    return out


def ships(backend_file: Path) -> bool:
    """Backend code and data, plus the shipped models' weights and cards: a zip user gets the
    shipped source model ready, with no command to run."""
    if backend_file.parts[:2] == ("models", "shipped"):
        return backend_file.suffix in (".safetensors", ".json", ".md")
    return backend_file.suffix in (".py", ".json", ".toml", ".txt")


def plugin_files() -> list[tuple[Path, str]]:
    """(file on disk, name inside the zip) for everything that ships."""
    files: list[tuple[Path, str]] = []
    for path in sorted(PLUGIN.rglob("*.py")):
        if not SKIP_DIRS & set(path.relative_to(PLUGIN).parts) and not path.is_symlink():
            files.append((path, f"slick_plugin/{path.relative_to(PLUGIN)}"))
    files.append((ROOT / "metadata.txt", "slick_plugin/metadata.txt"))
    files += [(p, f"slick_plugin/resources/{p.name}") for p in sorted((ROOT / "resources").glob("*.svg"))]
    files += [(p, f"slick_plugin/i18n/{p.name}") for p in compile_translations()]
    files += [(p, f"slick_plugin/configs/{p.name}") for p in sorted((ROOT / "configs").glob("*.toml"))]
    backend = ROOT / "backend" / "slick_backend"
    for path in sorted(backend.rglob("*")):
        if path.is_file() and ships(path.relative_to(backend)) and not SKIP_DIRS & set(path.parts):
            files.append((path, f"slick_plugin/backend_src/slick_backend/{path.relative_to(backend)}"))
    for extra in ("requirements.txt", "pyproject.toml", "README.md", "LICENSE"):
        if (ROOT / extra).exists():
            files.append((ROOT / extra, f"slick_plugin/backend_src/{extra}"))
    return files


def build(out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".slick_plugin.", suffix=".zip.partial", dir=out.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for path, name in plugin_files():
                archive.write(path.resolve(), name)
        os.replace(tmp, out)  # a half-written zip never carries the final name
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "dist" / "slick_plugin.zip"), help="zip to write")
    args = parser.parse_args(argv)
    out = build(Path(args.out))
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
    print(f"{out}: {len(names)} files, {out.stat().st_size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
