"""How big openai_lite is to ship: installed source, and a Lambda-style zip.

    python benchmarks/bench_size.py

Prints the package's source size (target <= 6 MB) and the size of a zip of the
package plus its runtime dependencies as AWS Lambda would take it (target
<= 1.8 MB). The dependencies are installed from PyPI as pure-Python wheels
(no compiled code: charset-normalizer also ships mypyc-compiled wheels, which a
zip built on one machine cannot carry to another), without .pyc files.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEPENDENCIES = ["requests", "urllib3", "idna", "certifi", "charset-normalizer", "sseclient-py"]
MB = 1024 * 1024


def tree_size(path: str, suffix: str = "") -> int:
    total = 0
    for folder, _, files in os.walk(path):
        if "__pycache__" in folder:
            continue
        total += sum(os.path.getsize(os.path.join(folder, f)) for f in files if f.endswith(suffix))
    return total


def zip_tree(source: str, target: str, pycache: bool = False) -> None:
    """Zip the files under ``source`` in sorted order (the __pycache__ folders only if ``pycache``)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for folder, dirs, files in os.walk(source):
            dirs[:] = sorted(d for d in dirs if pycache or d != "__pycache__")
            for name in sorted(files):
                path = os.path.join(folder, name)
                archive.write(path, os.path.relpath(path, source))


def main() -> None:
    package = os.path.join(ROOT, "openai_lite")
    source = tree_size(package, ".py")
    verdict = "PASS" if source <= 6 * MB else "FAIL"
    print(f"openai_lite source (.py): {source / MB:.2f} MB   (target <= 6 MB)  {verdict}")
    with tempfile.TemporaryDirectory() as tmp:
        target = os.path.join(tmp, "python")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--target",
                target,
                "--no-compile",
                "--no-deps",
                "--only-binary=:all:",
                "--implementation",
                "py",
                "--platform",
                "any",
                "--python-version",
                "3.12",
                *DEPENDENCIES,
            ],
            check=True,
        )
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--target",
                target,
                "--no-compile",
                "--no-deps",
                ROOT,
            ],
            check=True,
        )
        for name in os.listdir(target):
            if name.endswith(".dist-info") or name == "bin":
                continue
            print(f"  {name:<22} {tree_size(os.path.join(target, name)) / 1024:8.0f} KB unpacked")
        ours_zip = os.path.join(tmp, "ours.zip")
        zip_tree(os.path.join(target, "openai_lite"), ours_zip)
        all_zip = os.path.join(tmp, "lambda.zip")
        zip_tree(target, all_zip)
        ours, everything = os.path.getsize(ours_zip), os.path.getsize(all_zip)
        print(f"openai_lite alone, zipped: {ours / MB:.2f} MB")
        print(
            f"Lambda zip (openai_lite + dependencies): {everything / MB:.2f} MB   (target <= 1.8 MB)  "
            f"{'PASS' if everything <= 1.8 * MB else 'FAIL'}"
        )


if __name__ == "__main__":
    main()
