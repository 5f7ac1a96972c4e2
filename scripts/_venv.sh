# Sourced by scripts/run and scripts/test: makes the project's virtual environment in .venv.
PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "Python 3.11 or newer is needed as '$PYTHON' (set PYTHON=... to choose another)." >&2
    exit 1
fi
VENV="${LFI_VENV:-.venv}"
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi

# install_locked LOCKFILE: exactly the pinned versions, each checked against its hash, then the
# project itself (its build tool, setuptools, comes from the same lock: nothing unpinned is fetched).
install_locked() {
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes -r "$1"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \
        --no-build-isolation -e .
}
