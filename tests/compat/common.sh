# Shared by tests/compat/regenerate and tests/compat/run (sourced, not run).
# The build environment of every fixture is fixed here, so that Jekyll (when the
# expectations are made) and gazette (when they are checked) see the same one.

COMPAT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Every fixture: a directory with a site/ (a folder or a symlink to one).
compat_fixtures() {
    local d
    for d in "$COMPAT_DIR"/*/; do
        d=${d%/}
        [[ -e "$d/site" ]] && printf '%s\n' "${d##*/}"
    done
}

# compat_env FIXTURE: print the environment, one NAME=VALUE per line.
# Defaults, then the fixture's optional `env` file (NAME=VALUE lines, '#' comments).
compat_env() {
    local f="$COMPAT_DIR/$1/env" line
    printf '%s\n' "PATH=/usr/local/bin:/usr/bin:/bin" "HOME=${HOME:-/root}" \
        "LANG=C.UTF-8" "LC_ALL=C.UTF-8" "TZ=UTC" "JEKYLL_ENV=development"
    if [[ -f "$f" ]]; then
        while IFS= read -r line || [[ -n "$line" ]]; do
            [[ -z "${line// }" || "$line" == \#* ]] && continue
            printf '%s\n' "$line"
        done <"$f"
    fi
}

# compat_flags FIXTURE: print the extra build flags, one per line, from the
# fixture's optional `flags` file ('#' comments).
compat_flags() {
    local f="$COMPAT_DIR/$1/flags" line
    [[ -f "$f" ]] || return 0
    while IFS= read -r line || [[ -n "$line" ]]; do
        [[ -z "${line// }" || "$line" == \#* ]] && continue
        printf '%s\n' "$line"
    done <"$f"
}

# compat_predest FIXTURE DEST: fill DEST with the fixture's predest/ (files that
# exist in the destination before the build, to test cleaning and keep_files).
compat_predest() {
    local p="$COMPAT_DIR/$1/predest"
    mkdir -p "$2"
    [[ -d "$p" ]] && cp -a "$p/." "$2/"
    return 0
}
