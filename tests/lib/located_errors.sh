# tests/lib/located_errors.sh: sourced by the tests that build bad sites
# (tests/build/errors.sh, tests/site/paginate_v2_errors.sh). Each case must
# give a located error, exit 1 and leave the previous destination exactly
# as it was, with no staging folder left behind.
#
#   errors_begin NAME GAZETTE   a work folder with $site (empty _posts and
#                               _layouts) and $dest; removed at exit
#   errors_build_good           builds the good site first (exits on failure)
#   check CASE PATTERN          builds; passes when all of the above hold
#                               and a diagnostic matches PATTERN (an extended
#                               regex); with errors_one=1, exactly one error line
#   errors_end LABEL            prints the counts; the status of the script

errors_begin() {
    errors_label=$1
    gazette=$2
    work=$(mktemp -d "${TMPDIR:-/tmp}/gazette-$1.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    pass=0
    fail=0
    errors_one=0
    site=$work/site
    dest=$work/dest
    mkdir -p "$site/_posts" "$site/_layouts"
}

snapshot() { (cd "$dest" && find . -printf '%p %s %T@\n' | sort && find . -type f -exec md5sum {} + | sort); }

errors_build_good() {
    if ! "$gazette" build -q -s "$site" -d "$dest" >"$work/log" 2>&1; then
        echo "FAIL setup: the good site does not build"
        cat "$work/log"
        exit 1
    fi
    before=$(snapshot)
}

check() {
    local name=$1 pattern=$2
    "$gazette" build -q -s "$site" -d "$dest" >"$work/log" 2>&1
    local rc=$? why=""
    ((rc == 1)) || why="exit status $rc, expected 1"
    [[ -z "$why" ]] && ! grep -Eq -- "$pattern" "$work/log" && why="no diagnostic matching /$pattern/"
    [[ -z "$why" && $errors_one == 1 && $(grep -c '^error: ' "$work/log") != 1 ]] && why="not exactly one error"
    [[ -z "$why" && "$(snapshot)" != "$before" ]] && why="the previous destination changed"
    [[ -z "$why" ]] && ls -a "$work" | grep -q gazette-staging && why="a staging folder was left behind"
    if [[ -z "$why" ]]; then
        echo "pass $name"
        pass=$((pass + 1))
    else
        echo "FAIL $name: $why"
        sed 's/^/    /' "$work/log"
        fail=$((fail + 1))
    fi
}

errors_end() {
    echo "$1: $pass passed, $fail failed"
    ((fail == 0))
}
