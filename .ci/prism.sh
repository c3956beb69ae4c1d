#!/usr/bin/env bash
# Install the Prism mock server the contract tests (tests/contract) run against, and print the path of
# its CLI entry point: the value of OPENAI_LITE_PRISM.
#
#   export OPENAI_LITE_PRISM="$(.ci/prism.sh)"   # then: OPENAI_LITE_REQUIRE_PRISM=1 python -m pytest
#
# The version is pinned by tests/contract/prism/package.json and its package-lock.json (every transitive
# package, with integrity hashes); `npm ci` installs exactly that into .ci/.prism/ (outside the package,
# ignored by git). Idempotent: nothing is done when the lock file is unchanged since the last install and
# the entry point runs. Everything but the path goes to stderr. Fails (non-zero) if node or npm is
# missing or the installed Prism cannot run.
set -euo pipefail
cd "$(dirname "$0")/.."

src=tests/contract/prism
dest=${OPENAI_LITE_PRISM_DIR:-.ci/.prism}
entry=$dest/node_modules/@stainless-api/prism-cli/dist/index.js

for tool in node npm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "prism.sh: $tool is not installed (Prism needs node >= 18 and npm)" >&2
        exit 1
    fi
done

mkdir -p "$dest"
printf '*\n' >"$dest/.gitignore" # the whole install folder stays out of git

if [ -f "$entry" ] && cmp -s "$src/package-lock.json" "$dest/package-lock.json" \
    && version=$(node "$entry" --version 2>/dev/null); then
    echo "prism.sh: Prism $version already installed in $dest" >&2
else
    echo "prism.sh: installing Prism into $dest (npm ci)" >&2
    cp "$src/package.json" "$src/package-lock.json" "$dest/"
    (cd "$dest" && npm ci --no-audit --no-fund --loglevel=error) >&2
    if ! version=$(node "$entry" --version 2>/dev/null); then
        echo "prism.sh: the installed Prism does not run: node $entry --version failed" >&2
        exit 1
    fi
    echo "prism.sh: Prism $version installed" >&2
fi

echo "$(cd "$(dirname "$entry")" && pwd)/$(basename "$entry")"
