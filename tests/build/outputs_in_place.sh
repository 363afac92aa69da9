#!/usr/bin/env bash
# outputs_in_place.sh GAZETTE SITE: a build puts back the outputs that were
# deleted, moved away or replaced in the destination since the last build.
# The build knows its outputs are in place from the status of their folders
# (src/build/folders.c); a folder is only recorded when it changed more than
# 50 ms before the build ended, so each case first lets a build record them
# (an incremental build after a pause), then changes the destination and
# builds again. The result must be byte for byte what a clean full build of
# SITE writes, and no other build may be needed for it.
set -uo pipefail
gazette=${1:?usage: outputs_in_place.sh GAZETTE SITE}
source_site=${2:?usage: outputs_in_place.sh GAZETTE SITE}
work=$(mktemp -d "${TMPDIR:-/tmp}/gazette-outputs.XXXXXX")
trap 'rm -rf "$work"' EXIT
site=$work/site dest=$work/dest ref=$work/ref
cp -r "$source_site" "$site"
rm -rf "$site/_site" "$site/.gazette-cache"
# site.time pinned: the feed is the same in every build
printf '\ntime: 2024-06-01 08:00:00 +0800\n' >>"$site/_config.yml"
pass=0 fail=0

if ! "$gazette" build -q -s "$site" -d "$ref" --full --cache "$work/refcache" >"$work/log" 2>&1; then
    echo "outputs_in_place: the reference build failed:"
    cat "$work/log"
    exit 1
fi

settle() { # a build, then one that records the folders as they are
    "$gazette" build -q -s "$site" -d "$dest" >"$work/log" 2>&1 &&
        sleep 0.2 && touch "$site/index.html" &&
        "$gazette" build -q -s "$site" -d "$dest" >>"$work/log" 2>&1 && sleep 0.2
}

# check CASE: one build must give the reference again
check() {
    if ! "$gazette" build -q -s "$site" -d "$dest" >>"$work/log" 2>&1; then
        echo "FAIL $1: the build failed"
        cat "$work/log"
        fail=$((fail + 1))
    elif ! diff -r -q "$ref" "$dest" >"$work/diff" 2>&1; then
        echo "FAIL $1: the destination differs from a clean build:"
        head -5 "$work/diff"
        fail=$((fail + 1))
    else
        echo "ok   $1"
        pass=$((pass + 1))
    fi
}

settle || { echo "outputs_in_place: the first builds failed"; cat "$work/log"; exit 1; }
# a post's page, its folder and the folder above it
page=$(cd "$dest" && find . -mindepth 5 -name '*.html' | sort | head -n 1)
page=${page#./}
folder=$(dirname "$page")
[ -n "$page" ] || { echo "outputs_in_place: no post page in $dest"; exit 1; }

settle && rm "$dest/$page"
check "a deleted output"

settle && mv "$dest/$page" "$work/moved.html"
check "an output moved out of the destination"

settle && printf 'not the page\n' >"$work/other" && mv "$work/other" "$dest/$page"
check "an output replaced by another file (rename over it)"

settle && rm -r "${dest:?}/$folder"
check "a deleted folder of outputs"

settle && rm -r "${dest:?}/$(dirname "$folder")"
check "a deleted folder of folders"

settle && rm "$dest/index.html"
check "a deleted output at the top of the destination"

echo "outputs_in_place: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
