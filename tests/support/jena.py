"""Apache Jena (Debian ``libapache-jena-java``) as an independent RDF parser for the tests.

Two Debian packaging problems are worked around here:

1. ``java -cp '/usr/share/java/*'`` puts several SLF4J bindings on the class path and Jena dies at
   start. The class path is built instead from the jars of the package and of its (recursive,
   installed) dependencies, each real jar once, minus the extra logging bindings/bridges; only
   ``slf4j-api`` + ``slf4j-simple`` stay, so riot's messages are printed on stderr.
2. Jena's relocated Xerces (package ``xerces.*``) loads its message files from
   ``xerces/impl/msg/`` but ``jena-core.jar`` carries them under
   ``org/apache/jena/ext/xerces/impl/msg/``; without them the first datatype check dies with
   "internal error". A tiny jar with those ``.properties`` (and the ``xpath/regex`` ones) at the
   expected path is built once into the cache dir and put on the class path.

Usage::

    from tests.support.jena import riot_validate
    proc = riot_validate("out/graph.trig")
    assert proc.returncode == 0, proc.stderr
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Iterable, Sequence

from . import ComponentMissing, cache_dir

JENA_PACKAGE = "libapache-jena-java"
JAVA_DIR = Path("/usr/share/java")
JENA_CORE = JAVA_DIR / "jena-core.jar"
JENA_CMDS = JAVA_DIR / "jena-cmds.jar"

# Logging jars that must not be on the class path next to slf4j-api + slf4j-simple:
# other SLF4J bindings, and bridges that clash with the real libraries they replace.
_EXCLUDED_JAR_STEMS = {
    "slf4j-jcl", "slf4j-jdk14", "slf4j-log4j12", "slf4j-nop", "slf4j-migrator", "slf4j-reload4j",
    "jcl-over-slf4j", "log4j-over-slf4j", "jul-to-slf4j",
    "log4j-slf4j-impl", "log4j-slf4j2-impl", "log4j-to-slf4j", "logback-classic",
}
_KEEP_LOGGING = ("slf4j-api", "slf4j-simple")
_JVM_FLAGS = ("-Xshare:auto", "-XX:+UseSerialGC", "-Djava.awt.headless=true")


def _jar_stem(path: Path) -> str:
    """The jar's unversioned name: ``slf4j-api-1.7.32.jar`` -> ``slf4j-api``."""
    name = path.name[:-4] if path.name.endswith(".jar") else path.name
    return re.sub(r"-\d[\w.~+-]*$", "", name)


def _dpkg_installed() -> dict[str, dict[str, str]]:
    """Installed packages -> {'depends': ..., 'provides': ...} from dpkg's own database."""
    out = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package}\t${db:Status-Status}\t${Pre-Depends}\t${Depends}\t${Provides}\n"],
        capture_output=True, text=True, check=False,
    ).stdout
    pkgs: dict[str, dict[str, str]] = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 5 or parts[1] != "installed":
            continue
        pkgs[parts[0]] = {"depends": ", ".join(p for p in parts[2:4] if p), "provides": parts[4]}
    return pkgs


def _names(field: str) -> Iterable[list[str]]:
    """``a (>= 1), b | c:any`` -> [['a'], ['b', 'c']]"""
    for group in field.split(","):
        alts = [re.sub(r"[\s(:].*$", "", a.strip()) for a in group.split("|")]
        alts = [a for a in alts if a]
        if alts:
            yield alts


def _dependency_closure(root: str) -> list[str]:
    """The installed packages ``root`` depends on, recursively (like ``apt-cache depends
    --recurse``, but read from dpkg's database so it works without apt lists)."""
    pkgs = _dpkg_installed()
    if root not in pkgs:
        raise ComponentMissing(f"Debian package {root} is not installed")
    providers: dict[str, list[str]] = {}
    for name, info in pkgs.items():
        for alts in _names(info["provides"]):
            providers.setdefault(alts[0], []).append(name)
    seen: list[str] = []
    todo = [root]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.append(name)
        for alts in _names(pkgs[name]["depends"]):
            for alt in alts:  # first installed alternative (real or through Provides)
                cands = [alt] if alt in pkgs else providers.get(alt, [])
                if cands:
                    todo.extend(c for c in cands if c not in seen)
                    break
    return seen


def _package_jars(packages: Sequence[str]) -> list[Path]:
    out = subprocess.run(["dpkg-query", "-L", *packages], capture_output=True, text=True, check=False).stdout
    return [Path(line) for line in out.splitlines()
            if line.startswith(str(JAVA_DIR) + "/") and line.endswith(".jar") and "/" not in line[len(str(JAVA_DIR)) + 1:]]


def _xerces_fix_jar() -> Path:
    """The jar that puts Xerces' message files where Jena's relocated Xerces looks for them."""
    st = JENA_CORE.stat()
    key = hashlib.sha256(f"{JENA_CORE.resolve()}:{st.st_size}:{st.st_mtime_ns}".encode()).hexdigest()[:16]
    target = cache_dir() / f"jena-xerces-msg-fix-{key}.jar"
    if target.exists():
        return target
    prefix = "org/apache/jena/ext/"
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    count = 0
    with zipfile.ZipFile(JENA_CORE) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            if name.startswith(prefix + "xerces/") and name.endswith(".properties"):
                dst.writestr(name[len(prefix):], src.read(name))
                count += 1
    if count == 0:
        tmp.unlink(missing_ok=True)
        raise RuntimeError(f"no Xerces message files found under {prefix}xerces/ in {JENA_CORE}")
    os.replace(tmp, target)  # atomic: safe with parallel test processes
    return target


def riot_available() -> bool:
    """True when java and the Debian Jena jars are installed (does not build anything)."""
    return shutil.which("java") is not None and JENA_CMDS.exists() and JENA_CORE.exists()


def _require() -> None:
    if shutil.which("java") is None:
        raise ComponentMissing("java is not installed (needed for Apache Jena)")
    if not (JENA_CMDS.exists() and JENA_CORE.exists()):
        raise ComponentMissing(f"Apache Jena is not installed ({JENA_CMDS} missing; Debian package {JENA_PACKAGE})")


@functools.lru_cache(maxsize=1)
def jena_classpath() -> str:
    """The Java class path for Jena's command classes (see the module docstring)."""
    _require()
    jars: list[Path] = []
    seen_real: set[Path] = set()
    seen_stem: set[str] = set()
    found = _package_jars(_dependency_closure(JENA_PACKAGE))
    # Prefer the unversioned name (guava.jar) over the versioned one (guava-31.1-jre.jar).
    found.sort(key=lambda j: 0 if _jar_stem(j) + ".jar" == j.name else 1)
    for jar in found:
        stem = _jar_stem(jar)
        if stem in _EXCLUDED_JAR_STEMS or (
            (stem.startswith("slf4j-") or stem.startswith("log4j") or stem.startswith("logback"))
            and stem not in _KEEP_LOGGING
        ):
            continue
        real = jar.resolve()
        if not real.exists() or real in seen_real or stem in seen_stem:
            continue
        seen_real.add(real)
        seen_stem.add(stem)
        jars.append(jar)
    missing = [s for s in ("jena-cmds", "jena-arq", "jena-core", "slf4j-api") if s not in seen_stem]
    if missing:
        raise ComponentMissing(f"Jena's class path lacks {', '.join(missing)}")
    if "slf4j-simple" not in seen_stem and (JAVA_DIR / "slf4j-simple.jar").exists():
        jars.append(JAVA_DIR / "slf4j-simple.jar")
    # Jena's own jars first, then the message-file fix, then the libraries.
    jars.sort(key=lambda j: 0 if j.name.startswith("jena-") else 1)
    return os.pathsep.join([*(str(j) for j in jars if j.name.startswith("jena-")), str(_xerces_fix_jar()),
                            *(str(j) for j in jars if not j.name.startswith("jena-"))])


def jena_run(main_class: str, *args: str | os.PathLike, timeout: float = 600,
             cwd: str | os.PathLike | None = None) -> subprocess.CompletedProcess:
    """Run one of Jena's command classes (``riotcmd.riot``, ``arq.sparql``, ``shacl.shacl`` ...)."""
    cmd = ["java", *_JVM_FLAGS, "-cp", jena_classpath(), main_class, *(os.fspath(a) for a in args)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=cwd, check=False)


def riot_validate(path: str | os.PathLike, *, syntax: str | None = None,
                  timeout: float = 600) -> subprocess.CompletedProcess:
    """``riot --validate FILE``: returncode 0 when the file parses and every literal is valid
    for its datatype; messages (with line and column) are in ``.stderr``.

    ``syntax`` forces a language (``Turtle``, ``TriG``, ``N-Triples``, ``N-Quads``); by default
    riot picks it from the file extension.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(path)
    args: list[str] = ["--validate"]
    if syntax:
        args.append(f"--syntax={syntax}")
    args.append(str(path))
    return jena_run("riotcmd.riot", *args, timeout=timeout)


def arq_query(query: str | os.PathLike, *data: str | os.PathLike, results: str = "json",
              timeout: float = 600) -> subprocess.CompletedProcess:
    """``arq.sparql --data FILE ... --query Q.rq --results FMT`` (``query`` is a file path)."""
    args: list[str] = []
    for d in data:
        args += ["--data", os.fspath(d)]
    args += ["--query", os.fspath(query), "--results", results]
    return jena_run("arq.sparql", *args, timeout=timeout)


__all__ = ["riot_available", "riot_validate", "jena_classpath", "jena_run", "arq_query"]
