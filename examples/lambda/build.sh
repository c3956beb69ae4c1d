#!/usr/bin/env bash
# Build the AWS Lambda deployment zip of examples/lambda/handler.py:
#
#     examples/lambda/build.sh OUT.zip [PYTHON]
#
# PYTHON (default: python3) must have the Python version of the Lambda runtime, say python3.12 for
# the python3.12 runtime: the .pyc files are compiled by it, and a runtime of another version
# ignores them and compiles every module again at each cold start.
#
# What the zip holds: handler.py, openai_lite as its wheel installs it (built from this checkout),
# and its dependencies (requests, urllib3, idna, certifi, charset-normalizer, sseclient-py) as
# pure-Python wheels from PyPI, so the zip runs on x86_64 and arm64 functions whatever machine
# built it. Every module is precompiled: Lambda's file system is read-only, so without .pyc files
# each cold start compiles everything. The .pyc files are hash-based, never timestamp-based: a zip
# round trip changes or drops file times, which silently invalidates timestamp .pyc files. Those
# of the libraries are "unchecked" (never compared with the source: nothing to read or hash at
# import); the one of handler.py is "checked", so that editing handler.py afterwards (in the Lambda
# console, say) takes effect instead of running the old .pyc. Left out: pip's bin/, tests, the
# dist-info files but METADATA and licences.
#
# Reproducible: the same checkout, PYTHON version and dependency versions give a byte-identical zip
# (files sorted, fixed times and permissions, PYTHONHASHSEED=0 while compiling); the script prints
# its SHA-256. To pin the dependency versions, give pip a constraints file:
#     PIP_CONSTRAINT=constraints.txt examples/lambda/build.sh function.zip python3.12
# Any other pip setting works the same way (PIP_INDEX_URL, or PIP_NO_INDEX=1 with PIP_FIND_LINKS=DIR
# to build offline from a folder of wheels).
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ] || [[ $1 != *.zip ]]; then
    echo "usage: $0 OUT.zip [PYTHON]" >&2
    exit 2
fi
out=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
python=${2:-python3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pip=("$python" -m pip --disable-pip-version-check --quiet)

# 1. A wheel of openai_lite, built from a clean copy of the checkout: building in the checkout
#    itself would write build/ and *.egg-info there, and ship whatever stale files build/ holds.
mkdir "$work/src"
for name in pyproject.toml setup.cfg MANIFEST.in README.md LICENSE openai_lite; do
    if [ -e "$root/$name" ]; then cp -R "$root/$name" "$work/src/"; fi
done
find "$work/src" -name __pycache__ -prune -exec rm -rf {} +
"${pip[@]}" wheel --no-deps --wheel-dir "$work/wheel" "$work/src"

# 2. It and its dependencies, for the runtime's Python version, pure-Python wheels only.
package=$work/package
"${pip[@]}" install --target "$package" --no-compile --only-binary=:all: \
    --implementation py --platform any --python-version "$version" "$work"/wheel/*.whl
cp "$here/handler.py" "$package/"

# 3. Leave out what Lambda does not run, precompile, zip.
PYTHONHASHSEED=0 "$python" - "$package" "$out" <<'EOF'
import compileall
import hashlib
import os
import py_compile
import re
import shutil
import sys
import zipfile

package, out = sys.argv[1:]
KEEP_IN_DIST_INFO = re.compile(r"METADATA$|(LICEN[CS]E|COPYING|NOTICE|AUTHORS)[^/]*$|licenses/")

shutil.rmtree(os.path.join(package, "bin"), ignore_errors=True)
# openai_lite.testing is the fake server for test suites: a function never runs it.
shutil.rmtree(os.path.join(package, "openai_lite", "testing"))
for folder, dirs, files in os.walk(package, topdown=True):
    for name in [d for d in dirs if d in ("tests", "test", "__pycache__")]:
        shutil.rmtree(os.path.join(folder, name))
        dirs.remove(name)
    if ".dist-info" in folder:
        inside = os.path.relpath(folder, package).split(os.sep, 1)[1:]  # path below the .dist-info folder
        for name in files:
            if not KEEP_IN_DIST_INFO.search("/".join(inside + [name])):
                os.remove(os.path.join(folder, name))

# Compiled one by one in sorted order in this one process (no -j): the bytes of a .pyc can depend
# on what the compiling process did before. The path recorded in each .pyc is where Lambda unpacks
# the zip (/var/task), not this temporary folder; Python corrects it at import anyway.
modes = py_compile.PycInvalidationMode
ok = compileall.compile_dir(package, ddir="/var/task", quiet=1, invalidation_mode=modes.UNCHECKED_HASH)
handler = os.path.join(package, "handler.py")
ok &= compileall.compile_file(handler, ddir="/var/task", force=True, quiet=1, invalidation_mode=modes.CHECKED_HASH)
if not ok:
    sys.exit("compiling failed")

paths = []
for folder, dirs, files in os.walk(package):
    paths += [os.path.join(folder, name) for name in files]
entries = sorted((os.path.relpath(path, package).replace(os.sep, "/"), path) for path in paths)
with zipfile.ZipFile(out, "w") as archive:
    for name, path in entries:
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.create_system = 3  # Unix, so that the permissions below are read
        info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(path, "rb") as source:
            archive.writestr(info, source.read(), compresslevel=9)

with open(out, "rb") as built:
    digest = hashlib.sha256(built.read()).hexdigest()
print(f"{out}: {os.path.getsize(out) / 1024 / 1024:.2f} MB, {len(entries)} files, sha256 {digest}")
EOF
