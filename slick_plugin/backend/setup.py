"""One-click backend setup for zip users: an isolated Python environment in the QGIS profile.

``run_setup(options, progress, cancelled)`` (blocking: a QgsTask runs it) does, in order:

1. create a virtual environment in ``<profile>/slick/backend-venv`` with a Python 3.10+ found
   next to QGIS's (``python -m venv``: QGIS's own Python and its packages are never changed);
2. install torch and torchvision at the versions pinned in the shipped requirements, the CPU or
   the CUDA build by what it detects (``nvidia-smi``), unless told which;
3. install the rest of the shipped pinned requirements (less the developer tools);
4. check the result: start the server with the new Python and ask ``/health``.

Offline sites give a folder of wheels: pip then runs with ``--no-index --find-links``. Every
command's output goes to ``<profile>/slick/backend-setup.log``; a failure is one line (pip's own
ERROR line when there is one) plus that path. Done steps are recorded in the environment
(``slick-setup.json``) and pip's download cache lives in the profile, so running it again
resumes where it stopped. Paths and commands are built for Linux, macOS and Windows alike
(``Scripts\\python.exe`` there); no shell is involved.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ..i18n import tr
from ..settings import PLUGIN_DIR
from .launch import reap, spawn, wait_healthy

TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
TORCH_CUDA_INDEX_WINDOWS = "https://download.pytorch.org/whl/cu128"  # Linux: PyPI's torch is the CUDA build
TORCH_FAMILY = ("torch", "torchvision", "triton")
# developer tools in the pinned list that the plugin's backend does not need (their own
# dependencies stay: they are pinned and harmless); ray is the optional cluster executor
NOT_FOR_USERS = ("pytest", "pytest-timeout", "ruff", "schemathesis", "hypothesis", "hypothesis-graphql", "py-spy",
                 "ray")
STATE_FILE = "slick-setup.json"
MIN_PYTHON = (3, 10)


class SetupError(Exception):
    """One line: what failed and where its log is."""


@dataclasses.dataclass
class SetupOptions:
    venv: Path  # the environment to create (in the QGIS profile)
    requirements: Path  # the pinned requirements shipped with the plugin
    log: Path
    torch: str = "auto"  # "auto" (detect), "cpu", "cuda", or "skip" (the requirements bring their own)
    wheels: Path | None = None  # a folder of wheels: install offline from it
    cache: Path | None = None  # pip's download cache (kept between tries: resuming reuses downloads)
    base_python: str | None = None  # the Python that creates the environment (default: found next to QGIS's)
    verify_timeout_s: float = 180.0


def default_options(profile_dir: str | Path, torch: str = "auto", wheels: str | Path | None = None) -> SetupOptions:
    base = Path(profile_dir) / "slick"
    return SetupOptions(venv=base / "backend-venv", requirements=shipped_requirements(), log=base / "backend-setup.log",
                        torch=torch, wheels=Path(wheels) if wheels else None, cache=base / "pip-cache")


def shipped_requirements() -> Path:
    """requirements.txt of the zip (backend_src/), or of the checkout the plugin runs from."""
    for path in (PLUGIN_DIR / "backend_src" / "requirements.txt", PLUGIN_DIR.parent / "requirements.txt"):
        if path.is_file():
            return path
    return PLUGIN_DIR / "backend_src" / "requirements.txt"


def venv_python(venv: Path, windows: bool | None = None) -> Path:
    windows = sys.platform == "win32" if windows is None else windows
    return venv / "Scripts" / "python.exe" if windows else venv / "bin" / "python"


def _python_ok(path: str) -> bool:
    try:
        out = subprocess.run([path, "-c", "import sys, venv; print(sys.version_info[0], sys.version_info[1])"],
                             capture_output=True, text=True, timeout=30, env=_clean_env(), **_no_window())
    except (OSError, subprocess.SubprocessError):
        return False
    try:
        return out.returncode == 0 and tuple(int(v) for v in out.stdout.split()) >= MIN_PYTHON
    except ValueError:
        return False


def find_base_python() -> str | None:
    """A Python 3.10+ with the venv module: QGIS's own interpreter (next to QGIS: sys.executable
    is often the QGIS program itself), else one on PATH."""
    prefix = Path(sys.exec_prefix)
    minor = f"{sys.version_info[0]}.{sys.version_info[1]}"
    candidates = [sys.executable, getattr(sys, "_base_executable", ""),
                  prefix / "python.exe", prefix / "python3.exe",  # Windows (OSGeo4W, standalone installer)
                  prefix / "bin" / f"python{minor}", prefix / "bin" / "python3",  # macOS app bundle, Linux
                  shutil.which(f"python{minor}"), shutil.which("python3"), shutil.which("python")]
    seen = set()
    for candidate in candidates:
        if not candidate:
            continue
        path = str(candidate)
        if path in seen or not Path(path).is_file():
            continue
        seen.add(path)
        if Path(path).stem.lower().startswith("python") and _python_ok(path):
            return path
    return None


def detect_torch() -> str:
    """"cuda" when an NVIDIA GPU answers nvidia-smi, else "cpu" (macOS: PyPI's build uses the GPU)."""
    if sys.platform == "darwin":
        return "cpu"
    smi = shutil.which("nvidia-smi")
    if not smi:
        return "cpu"
    try:
        out = subprocess.run([smi, "-L"], capture_output=True, text=True, timeout=20, **_no_window())
    except (OSError, subprocess.SubprocessError):
        return "cpu"
    return "cuda" if out.returncode == 0 and "GPU" in out.stdout else "cpu"


def _no_window() -> dict:
    return {"creationflags": getattr(subprocess, "CREATE_NO_WINDOW", 0)} if sys.platform == "win32" else {}


def _clean_env(cache: Path | None = None) -> dict:
    """The environment of every command: nothing of QGIS's Python leaks in, no user site."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONHOME", "PYTHONPATH", "PYTHONSTARTUP")}
    env.update({"PYTHONNOUSERSITE": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PYTHONIOENCODING": "utf-8",
                "PIP_NO_INPUT": "1"})
    if cache is not None:
        env["PIP_CACHE_DIR"] = str(cache)
    return env


def split_requirements(text: str) -> tuple[list[str], list[str]]:
    """(torch-family pins, the rest for users): comments, blank lines and developer tools dropped."""
    torch, rest = [], []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        name = re.split(r"[=<>!~;\[ ]", line, maxsplit=1)[0].strip().lower().replace("_", "-")
        if name in TORCH_FAMILY or name.startswith(("nvidia-", "cuda-")):
            if name in ("torch", "torchvision"):
                torch.append(line)
        elif name not in NOT_FOR_USERS:
            rest.append(line)
    return torch, rest


def torch_index_args(variant: str, platform: str | None = None) -> list[str]:
    platform = platform or sys.platform
    if variant == "cpu" and platform != "darwin":
        return ["--index-url", TORCH_CPU_INDEX]
    if variant == "cuda" and platform == "win32":
        return ["--index-url", TORCH_CUDA_INDEX_WINDOWS]
    return []  # PyPI: CUDA on Linux, MPS/CPU on macOS


class _Steps:
    """Progress over the steps, each with its share of the bar."""

    def __init__(self, progress, weights: dict[str, float]) -> None:
        total = sum(weights.values())
        self.progress, self.starts, self.sizes, at = progress, {}, {}, 0.0
        for name, weight in weights.items():
            self.starts[name], self.sizes[name] = at / total, weight / total
            at += weight

    def report(self, step: str, fraction: float, message: str) -> None:
        self.progress(self.starts[step] + self.sizes[step] * min(1.0, max(0.0, fraction)), message)


def _state(options: SetupOptions) -> dict:
    try:
        return json.loads((options.venv / STATE_FILE).read_text())
    except (OSError, ValueError):
        return {}


def _save_state(options: SetupOptions, state: dict) -> None:
    (options.venv / STATE_FILE).write_text(json.dumps(state, indent=1))


def run_setup(options: SetupOptions, progress: Callable[[float, str], None],
              cancelled: Callable[[], bool] = lambda: False) -> dict:
    """Create and check the environment; returns {"python", "torch", "device", "log"}. SetupError otherwise."""
    options.log.parent.mkdir(parents=True, exist_ok=True)
    with open(options.log, "a", encoding="utf-8") as log:
        log.write(f"\n=== Slick backend setup {time.strftime('%Y-%m-%d %H:%M:%S')} ===\n{options}\n")
        try:
            return _run(options, progress, cancelled, log)
        except SetupError as exc:
            log.write(f"FAILED: {exc}\n")
            raise SetupError(tr("{reason} (log: {log})").format(reason=str(exc), log=options.log)) from None


def _run(options: SetupOptions, progress, cancelled, log) -> dict:
    if not options.requirements.is_file():
        raise SetupError(tr("the pinned requirements are missing: {path}").format(path=options.requirements))
    text = options.requirements.read_text(encoding="utf-8")
    torch_pins, rest = split_requirements(text)
    variant = options.torch if options.torch != "auto" else detect_torch()
    skip_torch = variant == "skip" or not torch_pins
    steps = _Steps(progress, {"venv": 5, "torch": 0 if skip_torch else 45, "requirements": 40, "verify": 10})
    python = venv_python(options.venv)
    state = _state(options) if python.exists() else {}
    rest_hash = hashlib.sha256("\n".join(rest).encode()).hexdigest()

    # 1. the environment
    if python.exists() and _python_ok(str(python)):
        steps.report("venv", 1.0, tr("the environment exists: {path}").format(path=options.venv))
    else:
        base = options.base_python or find_base_python()
        if base is None:
            raise SetupError(tr("no Python {v} or newer with the venv module was found next to QGIS or on the PATH; "
                                "install one, or create an environment by hand and set Backend Python").format(
                v=".".join(map(str, MIN_PYTHON))))
        steps.report("venv", 0.1, tr("creating the environment {path}").format(path=options.venv))
        _command([base, "-m", "venv", str(options.venv)], options, log, cancelled,
                 on_line=None, what=tr("creating the environment"),
                 hint=tr("on Debian or Ubuntu, install python3-venv") if sys.platform.startswith("linux") else "")
        state = {}
        if not python.exists():
            raise SetupError(tr("the environment was created without {path}").format(path=python))
    state.setdefault("done", [])
    _save_state(options, state)
    offline = ["--no-index", "--find-links", str(options.wheels)] if options.wheels else []

    # 2. torch (CPU or CUDA build)
    if not skip_torch:
        if "torch" in state["done"] and state.get("torch") == variant:
            steps.report("torch", 1.0, tr("torch ({variant}) is installed").format(variant=variant))
        else:
            steps.report("torch", 0.0, tr("installing torch for {variant} (a large download)").format(
                variant=variant.upper()))
            index = [] if options.wheels else torch_index_args(variant)
            _pip(python, ["install", *offline, *index, *torch_pins], options, log, cancelled,
                 lambda f, m: steps.report("torch", f, m), len(torch_pins) + 20)
            state["done"] = [s for s in state["done"] if s != "torch"] + ["torch"]
            state["torch"] = variant
            _save_state(options, state)

    # 3. the rest of the pinned requirements
    if "requirements" in state["done"] and state.get("requirements") == rest_hash:
        steps.report("requirements", 1.0, tr("the requirements are installed"))
    else:
        pinned = options.venv / "slick-requirements.txt"
        pinned.write_text("\n".join(rest) + "\n", encoding="utf-8")
        steps.report("requirements", 0.0, tr("installing {n} pinned packages").format(n=len(rest)))
        _pip(python, ["install", *offline, "-r", str(pinned)], options, log, cancelled,
             lambda f, m: steps.report("requirements", f, m), len(rest))
        state["done"] = [s for s in state["done"] if s != "requirements"] + ["requirements"]
        state["requirements"] = rest_hash
        _save_state(options, state)

    # 4. the check: the server starts and answers /health
    steps.report("verify", 0.0, tr("checking: starting the backend server"))
    device = _verify(python, options, log, cancelled, lambda f, m: steps.report("verify", f, m),
                     torch_expected=not skip_torch)
    steps.report("verify", 1.0, tr("the backend is ready: {device}").format(device=device))
    return {"python": str(python), "torch": variant, "device": device, "log": str(options.log)}


PIP_LINE = re.compile(r"^(Collecting|Requirement already satisfied:|Processing|Looking in links)\s*(\S+)?")


def _pip(python: Path, args: list[str], options: SetupOptions, log, cancelled, report, expected: int) -> None:
    """pip with its lines in the log; progress from the packages it has dealt with."""
    seen = [0]

    def on_line(line: str) -> None:
        match = PIP_LINE.match(line)
        if match and match.group(1) in ("Collecting", "Requirement already satisfied:", "Processing"):
            seen[0] += 1
            name = (match.group(2) or "").split("==")[0]
            report(0.85 * min(1.0, seen[0] / max(1, expected)), tr("pip: {n} of about {total} packages ({name})").format(
                n=seen[0], total=expected, name=name))
        elif line.startswith("Downloading"):
            report(0.85 * min(1.0, seen[0] / max(1, expected)), tr("pip: {line}").format(line=line.strip()[:90]))
        elif line.startswith("Installing collected packages"):
            report(0.9, tr("pip: installing the downloaded packages"))
        elif line.startswith("Successfully installed"):
            report(1.0, tr("pip: done"))

    cmd = [str(python), "-m", "pip", *args, "--progress-bar", "off", "--no-input"]
    _command(cmd, options, log, cancelled, on_line, what=tr("pip install"))


def _command(cmd: list[str], options: SetupOptions, log, cancelled, on_line, what: str, hint: str = "") -> None:
    """Run ``cmd``; every line goes to the log; SetupError with its ERROR line (or exit code) on failure."""
    log.write("$ " + " ".join(cmd) + "\n")
    log.flush()
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                text=True, encoding="utf-8", errors="replace", env=_clean_env(options.cache),
                                **_no_window())
    except OSError as exc:
        raise SetupError(tr("{what} could not run: {reason}").format(what=what, reason=exc)) from None
    errors: list[str] = []
    last = ""
    try:
        for line in proc.stdout:
            log.write(line)
            line = line.rstrip()
            if line:
                last = line
            if line.startswith("ERROR:") or line.startswith("Error:"):
                errors.append(line.split(":", 1)[1].strip())
            if on_line is not None:
                on_line(line)
            if cancelled():
                reap(proc, grace_s=5)
                raise SetupError(tr("cancelled; run the setup again to go on where it stopped"))
        code = proc.wait()
    finally:
        if proc.poll() is None:
            reap(proc, grace_s=5)
        log.flush()
    if code != 0:
        reason = errors[0] if errors else (last or tr("exit code {code}").format(code=code))
        raise SetupError(f"{what}: {reason}" + (f" ({hint})" if hint else ""))


def _verify(python: Path, options: SetupOptions, log, cancelled, report, torch_expected: bool) -> str:
    """Start the server with the new Python, ask /health, wait for its device probe."""
    from .client import BackendError, describe_device

    work = Path(tempfile.mkdtemp(prefix="slick-setup-check-"))
    server_log = options.log.with_name("backend-setup-server.log")
    proc = None
    try:
        proc, token = spawn(str(python), work, work / "state",
                            ["--models-dir", str(work / "models"), "--sam-dir", str(work / "sam")], server_log)
        client, health = wait_healthy(proc, work / "state", token, options.verify_timeout_s, server_log,
                                      wanted=lambda: not cancelled())
        report(0.5, tr("the server answers /health; probing the device"))
        deadline = time.monotonic() + options.verify_timeout_s
        while health.get("device_probe") == "running" and time.monotonic() < deadline and not cancelled():
            time.sleep(0.5)
            health = client.health()
        log.write(f"/health: {json.dumps(health)}\n")
        if torch_expected and not health.get("torch"):
            raise SetupError(tr("the backend server starts, but torch does not load in it (device probe: {probe})").format(
                probe=health.get("device_probe")))
        return describe_device(health) if health.get("torch") else tr("the server answers (without torch)")
    except BackendError as exc:
        raise SetupError(tr("the check failed: {reason}").format(reason=str(exc))) from None
    except Exception as exc:  # noqa: BLE001 - Superseded (cancelled) or anything else: one line
        if cancelled():
            raise SetupError(tr("cancelled; run the setup again to go on where it stopped")) from None
        raise SetupError(tr("the check failed: {reason}").format(reason=f"{type(exc).__name__}: {exc}")) from None
    finally:
        reap(proc)
        shutil.rmtree(work, ignore_errors=True)
