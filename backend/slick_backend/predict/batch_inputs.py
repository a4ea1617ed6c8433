"""The scenes of a batch: ``--scenes`` entries expanded to (scene id, path), in a stable order.

An entry is a scene (a raster file, a ``.SAFE`` product folder, a product ``.zip``), a folder of
scenes (its ``*.tif``, ``*.tiff``, ``*.zip`` files and ``.SAFE`` folders, not its subfolders), or
``@FILE``, a list with one entry per line (``#`` starts a comment line; relative paths are taken
from the list file's folder). The scene id is the file or product name without its extension
(scenes.safe.scene_stem); it names the scene's output folder, so two scenes may not share one.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError

SCENE_SUFFIXES = (".tif", ".tiff", ".zip")
FOLDER_SCENES = "*.tif, *.tiff, *.zip products, .SAFE product folders"


def expand_scenes(entries: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """((scene id, path) per scene, notes about duplicates that were dropped)."""
    if not entries:
        raise InputError("--scenes: give scene files, product folders / zips, a folder of scenes or @LIST.txt")
    paths: list[str] = []
    for entry in entries:
        paths += _expand(str(entry))
    return _unique(paths)


def _expand(entry: str, where: str = "--scenes") -> list[str]:
    from ..scenes import scene_exists

    if entry.startswith("@") and where == "--scenes":
        return _read_list(Path(entry[1:]))
    if scene_exists(entry):  # absolute: workers (a Ray cluster's too) may run in another folder
        return [str(Path(entry).absolute()) if Path(entry).exists() else entry]
    folder = Path(entry)
    if folder.is_dir():
        found = sorted(str(p.absolute()) for p in folder.iterdir() if _is_scene(p))
        if not found:
            raise InputError(f"{folder}: no scenes in this folder (looked for {FOLDER_SCENES}); "
                             "give scene files or another folder")
        return found
    raise InputError(f"{where}: {entry}: no such scene file, product or folder; check the path")


def _is_scene(path: Path) -> bool:
    """A scene in a folder: not hidden (temporary outputs are), a raster or zip, or a product folder."""
    if path.name.startswith("."):
        return False
    if path.is_dir():
        return (path / "manifest.safe").is_file()
    return path.is_file() and path.suffix.lower() in SCENE_SUFFIXES


def _read_list(path: Path) -> list[str]:
    try:
        lines = path.read_text().splitlines()
    except OSError as exc:
        raise InputError(f"@{path}: cannot read the list file ({exc.strerror}); give @FILE with one scene path "
                         "per line") from None
    found = []
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        entry = Path(line).expanduser()
        entry = entry if entry.is_absolute() else path.parent / entry
        found += _expand(str(entry), where=f"{path}:{number}")
    if not found:
        raise InputError(f"@{path}: the list names no scenes; give one scene path per line (# starts a comment)")
    return found


def _unique(paths: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """One entry per scene id. A product given both as its .SAFE folder and its .zip is predicted
    once, from the folder; any other clash of names is an error (the outputs would collide)."""
    from ..scenes import scene_stem

    by_id: dict[str, str] = {}
    notes = []
    for path in paths:
        scene_id = scene_stem(path)
        seen = by_id.get(scene_id)
        if seen is None:
            by_id[scene_id] = path
        elif Path(seen).resolve() == Path(path).resolve():
            continue
        elif {_kind(seen), _kind(path)} == {"folder", "zip"}:
            by_id[scene_id] = folder = seen if _kind(seen) == "folder" else path
            notes.append(f"{scene_id}: given as a .SAFE folder and as a .zip; predicted once, from {folder}")
        else:
            raise InputError(f"{seen} and {path}: two scenes named {scene_id}; their outputs would share one "
                             "folder: rename one or predict them in separate batches")
    return list(by_id.items()), notes


def _kind(path: str) -> str:
    p = Path(path)
    return "folder" if p.is_dir() else "zip" if p.suffix.lower() == ".zip" else "file"
