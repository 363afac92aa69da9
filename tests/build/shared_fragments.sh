#!/usr/bin/env bash
# shared_fragments.sh GAZETTE SITE: fragments of layouts rendered once for
# the whole build (a navigation over site.pages) still make every page that
# shows them depend on what they read. Each step edits SITE the way a user
# would, builds it incrementally, and compares with a clean full build: a
# page that reused a fragment without its dependencies would keep the old
# navigation.
set -uo pipefail
gazette=${1:?usage: shared_fragments.sh GAZETTE SITE}
source_site=${2:?usage: shared_fragments.sh GAZETTE SITE}
work=$(mktemp -d "${TMPDIR:-/tmp}/gazette-shared.XXXXXX")
trap 'rm -rf "$work"' EXIT
site=$work/site dest=$work/dest
cp -r "$source_site" "$site"
pass=0 fail=0

build() { "$gazette" build -q "$@" >>"$work/log" 2>&1; }

# step NAME: an incremental build must equal a clean full build
step() {
    rm -rf "$work/ref" "$work/refcache"
    if ! build -s "$site" -d "$dest" || ! build -s "$site" -d "$work/ref" --full --cache "$work/refcache"; then
        echo "FAIL $1: a build failed"
        cat "$work/log"
        fail=$((fail + 1))
    elif ! diff -r "$work/ref" "$dest" >"$work/diff" 2>&1; then
        echo "FAIL $1: the incremental build differs from a clean build:"
        head -20 "$work/diff"
        fail=$((fail + 1))
    else
        echo "ok   $1"
        pass=$((pass + 1))
    fi
}

# A file's mtime must move even on a coarse clock.
edit() { # FILE SED-EXPRESSION
    sed -i "$2" "$1" && touch -d "+2 seconds" "$1"
}

step "first build"
edit "$site/about.md" 's/^title: About$/title: About us/'
step "a navigation page's title"
edit "$site/posts.html" 's/^order: 3$/order: 0/'
step "the navigation's order"
printf -- '---\nlayout: default\ntitle: Contact\nnav: true\norder: 4\n---\n<p>Write.</p>\n' >"$site/contact.html"
step "a page added to the navigation"
edit "$site/index.html" 's/^nav: true$/nav: false/'
step "a page taken out of the navigation"
rm "$site/contact.html"
step "a page of the navigation deleted"
printf -- '---\nlayout: post\ntitle: Fourth\ntags: alpha\n---\nThe fourth.\n' >"$site/_posts/2024-04-01-fourth.md"
step "a post added"

echo "shared_fragments: $pass passed, $fail failed"
((fail == 0))
