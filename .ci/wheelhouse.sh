#!/usr/bin/env bash
# Download the wheels the packaging tests (tests/test_build.py, tests/test_lambda.py) build and
# install from offline, and print the folder: the value of OPENAI_LITE_WHEELHOUSE.
#
#   export OPENAI_LITE_WHEELHOUSE="$(.ci/wheelhouse.sh)"   # then: python -m pytest tests/test_lambda.py
#
# Pure-Python wheels (any platform) of the runtime dependencies setup.cfg lists, their own
# dependencies and setuptools (the build backend), for Python 3.8 so that they suit every supported
# version. Into .ci/.wheelhouse/ (ignored by git), or the folder given as $1. Everything but the
# path goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

dest=${1:-.ci/.wheelhouse}
python=${PYTHON:-python3}
mkdir -p "$dest"
printf '*\n' >"$dest/.gitignore"
# shellcheck disable=SC2207  # one requirement per line, none with spaces
requirements=($("$python" -c 'import configparser; c = configparser.ConfigParser(); c.read("setup.cfg"); print(c["options"]["install_requires"])'))
"$python" -m pip download --quiet --disable-pip-version-check --dest "$dest" --only-binary=:all: \
    --implementation py --platform any --python-version 3.8 "${requirements[@]}" "setuptools>=61" >&2
echo "$(cd "$dest" && pwd)"
