# Sourced by scripts/run and scripts/test: installs Debian packages that are missing.
# Usage: need_debian_packages COMMAND PACKAGE... (installs the packages if COMMAND is not found)
need_debian_packages() {
    local command_name="$1"
    shift
    if command -v "$command_name" >/dev/null 2>&1; then
        return 0
    fi
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    echo "Installing Debian's $* ..."
    $sudo apt-get update -q
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}
