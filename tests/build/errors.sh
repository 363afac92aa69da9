#!/usr/bin/env bash
# errors.sh GAZETTE: a build that meets bad input reports a located error
# (file:line:col, or the file for one that cannot be read), exits 1 and
# leaves the previous destination exactly as it was. One case per kind of
# bad input: malformed front matter, a missing layout, a Liquid error in one
# post (at render and at parse time, and from Jekyll's include and link
# tags), an unreadable file, invalid UTF-8.
set -uo pipefail
source "$(dirname "$0")/../lib/located_errors.sh"
errors_begin errors "${1:?usage: errors.sh GAZETTE}"

printf -- '---\nlayout: post\n---\n<main>{{ content }}</main>\n' >"$site/_layouts/post.html"
printf -- '---\nlayout: post\ntitle: Good\n---\nA good post.\n' >"$site/_posts/2024-01-01-good.md"
printf -- '---\nlayout: post\ntitle: Other\n---\nAnother good post.\n' >"$site/_posts/2024-01-03-other.md"

errors_build_good

bad=$site/_posts/2024-01-02-bad.md

# A flow sequence never closed: the YAML error is located in the file.
printf -- '---\ntitle: [unclosed\nlayout: post\n---\nx\n' >"$bad"
check malformed-front-matter '^error: _posts/2024-01-02-bad\.md:[0-9]+:[0-9]+: .*flow sequence'
rm -f "$bad"

printf -- '---\nlayout: nosuch\n---\nx\n' >"$bad"
check missing-layout "^error: _posts/2024-01-02-bad\.md:1:1: Layout 'nosuch' requested in _posts/2024-01-02-bad\.md does not exist\."
rm -f "$bad"

# The error is on line 6 of the file (line 2 of the content for Liquid).
printf -- '---\nlayout: post\ntitle: Bad\n---\nfine\n{{ 1 | divided_by: 0 }}\n' >"$bad"
check liquid-render-error '^error: _posts/2024-01-02-bad\.md:6:1: Liquid error \(.*line 2\): divided by 0'
rm -f "$bad"

printf -- '---\nlayout: post\n---\nfine\n{%% if x %%}never closed\n' >"$bad"
check liquid-syntax-error "^error: _posts/2024-01-02-bad\.md:[0-9]+:[0-9]+: Liquid syntax error .*'if' tag was never closed"
rm -f "$bad"

# Jekyll's tags: an include that is not there, a link to no document.
mkdir -p "$site/_includes"
printf -- '---\nlayout: post\n---\nfine\n{%% include nosuch.html x="1" %%}\n' >"$bad"
check include-not-found "^error: _posts/2024-01-02-bad\.md:5:4: Liquid error .*Could not locate the included file 'nosuch\.html'"
printf -- '---\nlayout: post\n---\n{%% link nosuch.md %%}\n' >"$bad"
check link-not-found "^error: _posts/2024-01-02-bad\.md:4:4: Liquid error .*Could not find document 'nosuch\.md' in tag 'link'"
rm -f "$bad"
rmdir "$site/_includes"

# Unreadable: mode 000 (root reads anything, so there a dangling symlink).
if (($(id -u) == 0)); then
    ln -s "$work/nonexistent" "$bad"
else
    printf -- '---\n---\nx\n' >"$bad"
    chmod 000 "$bad"
fi
check unreadable-file '^error: _posts/2024-01-02-bad\.md: could not read file: '
rm -f "$bad"

# 0xFF on line 6, column 5 (columns count characters).
printf -- '---\nlayout: post\n---\nfine\n\xc3\xa9t\xc3\xa9\nbad \xff byte\n' >"$bad"
check invalid-utf8 '^error: _posts/2024-01-02-bad\.md:6:5: invalid UTF-8'
rm -f "$bad"

# Several bad files: every error is reported, each in its own file.
printf -- '---\nlayout: nosuch\n---\nx\n' >"$bad"
printf -- '---\nlayout: post\n---\n{{ 1 | divided_by: 0 }}\n' >"$site/_posts/2024-01-04-bad2.md"
check every-error-reported '^error: _posts/2024-01-04-bad2\.md:4:1: Liquid error'
grep -q "^error: _posts/2024-01-02-bad.md:1:1: Layout" "$work/log" || {
    echo "FAIL every-error-reported: the missing layout was not reported too"
    fail=$((fail + 1))
}
rm -f "$bad" "$site/_posts/2024-01-04-bad2.md"

# And the good site still builds.
if "$gazette" build -q -s "$site" -d "$dest" >"$work/log" 2>&1; then
    echo "pass rebuild"
    pass=$((pass + 1))
else
    echo "FAIL rebuild"
    fail=$((fail + 1))
fi
errors_end build-errors
