#!/usr/bin/env bash
# paginate_v2_errors.sh GAZETTE: bad jekyll-paginate-v2 settings give a
# located error (file:line), exit 1 and leave the previous destination as
# it was; a setting shared by many listings is reported once.
set -uo pipefail
source "$(dirname "$0")/../lib/located_errors.sh"
errors_begin pv2 "${1:?usage: paginate_v2_errors.sh GAZETTE}"
errors_one=1

config() {
    cat >"$site/_config.yml" <<EOF
title: Errors
plugins: [jekyll-paginate-v2]
pagination:
  enabled: true
  per_page: ${1:-2}
  sort_reverse: true
autopages:
  enabled: true
  categories:
    layouts: [${2:-autopage_category.html}]
  tags:
    enabled: false
  collections:
    enabled: false
${3:-}
EOF
}
config
printf -- '---\n---\n<ul>{%% for p in paginator.posts %%}<li>{{ p.title }}</li>{%% endfor %%}</ul>\n' \
    >"$site/_layouts/autopage_category.html"
printf -- '---\npagination:\n  enabled: true\n---\n{{ paginator.page }}\n' >"$site/index.html"
for i in 1 2 3 4 5; do
    printf -- '---\ntitle: Post %s\ncategories: [c%s, all]\n---\nx\n' "$i" "$((i % 3))" \
        >"$site/_posts/2024-01-0$i-p$i.md"
done

errors_build_good
if [[ ! -f "$dest/category/all/page2/index.html" || ! -f "$dest/page3/index.html" ]]; then
    echo "FAIL setup: the good site has no paginated category or index"
    exit 1
fi

# Every category listing and the index share the setting: one error.
config 0
check per-page-zero '^error: _config\.yml:5: pagination: per_page must be a positive integer, not 0$'
config 1.5
check per-page-float '^error: _config\.yml:5: pagination: per_page must be a positive integer, not 1\.5$'
config

printf -- '---\npagination:\n  enabled: true\n  per_page: ten\n---\nx\n' >"$site/index.html"
check per-page-in-page '^error: index\.html:4: pagination: per_page must be a positive integer, not "ten"$'
printf -- '---\npagination:\n  enabled: true\n---\n{{ paginator.page }}\n' >"$site/index.html"

cp "$site/_layouts/autopage_category.html" "$work/layout"
printf -- '---\npagination:\n  per_page: -1\n---\nx\n' >"$site/_layouts/autopage_category.html"
check per-page-in-layout '^error: _layouts/autopage_category\.html:3: pagination: per_page must be a positive integer, not -1$'
cp "$work/layout" "$site/_layouts/autopage_category.html"

config 2 nosuch.html
check unknown-layout "^error: _config\.yml:10: autopages: the categories layout 'nosuch\.html' cannot be read from _layouts/nosuch\.html"

# The default layout of an enabled kind must exist too.
# Tags are on by default once autopages are, with layout autopage_tags.html.
cat >"$site/_config.yml" <<'EOF'
plugins: [jekyll-paginate-v2]
pagination: {enabled: true}
autopages:
  enabled: true
  categories: {layouts: [autopage_category.html]}
  collections: {enabled: false}
EOF
check missing-default-layout "^error: _config\.yml:[0-9]+: autopages: the tags layout 'autopage_tags\.html' cannot be read"
config

config 2 autopage_category.html 'paginate: 5'
check legacy-paginate "^error: _config\.yml:15: The new jekyll-paginate-v2 and the old jekyll-paginate logic cannot both be configured"
config

sed -i 's/^  sort_reverse: true$/  sort_field: rank/' "$site/_config.yml"
printf -- '---\ntitle: Ranked\nrank: high\ncategories: [all]\n---\nx\n' >"$site/_posts/2024-01-06-r1.md"
printf -- '---\ntitle: Ranked too\nrank: 3\ncategories: [all]\n---\nx\n' >"$site/_posts/2024-01-07-r2.md"
check sort-mixed-types "^error: _config\.yml:6: pagination: cannot sort by 'rank': _posts/2024-01-0[67]-r[12]\.md has (string|integer) and _posts/2024-01-0[67]-r[12]\.md has (string|integer)$"
rm -f "$site/_posts/2024-01-06-r1.md" "$site/_posts/2024-01-07-r2.md"
config

errors_end "paginate-v2 errors"
