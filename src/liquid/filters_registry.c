/* The filter tables: every filter by name, sorted so that liq_filter_find
 * is a binary search. Static and read-only, shared by all threads.
 *
 * min_args/max_args count the arguments after the input, positional ones
 * plus one for any `key: value` arguments (Ruby receives those as one
 * trailing Hash). Ruby's "wrong number of arguments (given N, expected M)"
 * counts the input too, so N and M are one more than these counts. */
#include "liquid/filters_internal.h"

#define F(name, min, max) { #name, liq_filter_##name, min, max, false, false }

/* Liquid 5.4's StandardFilters (standardfilters.rb), plus its alias `h`. */
static const liq_filter_def standard_filters[] = {
    F(abs, 0, 0),
    F(append, 1, 1),
    F(at_least, 1, 1),
    F(at_most, 1, 1),
    F(base64_decode, 0, 0),
    F(base64_encode, 0, 0),
    F(base64_url_safe_decode, 0, 0),
    F(base64_url_safe_encode, 0, 0),
    F(capitalize, 0, 0),
    F(ceil, 0, 0),
    F(compact, 0, 1),
    F(concat, 1, 1),
    F(date, 1, 1),
    F(default, 0, 2),
    F(divided_by, 1, 1),
    F(downcase, 0, 0),
    F(escape, 0, 0),
    F(escape_once, 0, 0),
    F(first, 0, 0),
    F(floor, 0, 0),
    { "h", liq_filter_escape, 0, 0, false, false },
    F(join, 0, 1),
    F(last, 0, 0),
    F(lstrip, 0, 0),
    F(map, 1, 1),
    F(minus, 1, 1),
    F(modulo, 1, 1),
    F(newline_to_br, 0, 0),
    F(plus, 1, 1),
    F(prepend, 1, 1),
    F(remove, 1, 1),
    F(remove_first, 1, 1),
    F(remove_last, 1, 1),
    F(replace, 1, 2),
    F(replace_first, 1, 2),
    F(replace_last, 2, 2),
    F(reverse, 0, 0),
    F(round, 0, 1),
    F(rstrip, 0, 0),
    F(size, 0, 0),
    F(slice, 1, 2),
    F(sort, 0, 1),
    F(sort_natural, 0, 1),
    F(split, 1, 1),
    F(strip, 0, 0),
    F(strip_html, 0, 0),
    F(strip_newlines, 0, 0),
    F(times, 1, 1),
    F(truncate, 0, 2),
    F(truncatewords, 0, 2),
    F(uniq, 0, 1),
    F(upcase, 0, 0),
    F(url_decode, 0, 0),
    F(url_encode, 0, 0),
    F(where, 1, 2),
};

#define J(name, min, max) { #name, liq_filter_##name, min, max, true, false }
#define JS(name, min, max) { #name, liq_filter_##name, min, max, true, true }

/* Jekyll 4.3's filters (Jekyll::Filters and its modules), which also
 * replace Liquid's where and sort. */
static const liq_filter_def jekyll_filters[] = {
    J(absolute_url, 0, 0),
    J(array_to_sentence_string, 0, 1),
    J(cgi_escape, 0, 0),
    J(date_to_long_string, 0, 2),
    J(date_to_rfc822, 0, 0),
    J(date_to_string, 0, 2),
    J(date_to_xmlschema, 0, 0),
    { "find", liq_filter_jekyll_find, 2, 2, true, false },
    JS(find_exp, 2, 2),
    J(group_by, 1, 1),
    JS(group_by_exp, 2, 2),
    J(inspect, 0, 0),
    J(jsonify, 0, 0),
    J(markdownify, 0, 0),
    J(normalize_whitespace, 0, 0),
    J(number_of_words, 0, 1),
    J(pop, 0, 1),
    J(push, 1, 1),
    J(relative_url, 0, 0),
    J(sample, 0, 1),
    J(shift, 0, 1),
    J(slugify, 0, 1),
    J(smartify, 0, 0),
    { "sort", liq_filter_jekyll_sort, 0, 2, true, false },
    J(strip_index, 0, 0),
    J(to_integer, 0, 0),
    J(unshift, 1, 1),
    J(uri_escape, 0, 0),
    { "where", liq_filter_jekyll_where, 2, 2, true, false },
    JS(where_exp, 2, 2),
    J(xml_escape, 0, 0),
};

#undef F
#undef J
#undef JS

static const liq_filter_def *
search(const liq_filter_def *table, size_t n, gz_str name)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *key = table[mid].name;
        size_t klen = strlen(key);
        size_t m = klen < name.len ? klen : name.len;
        int c = memcmp(key, name.p, m);
        if (c == 0)
            c = (klen > name.len) - (klen < name.len);
        if (c == 0)
            return &table[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

#define COUNT(t) (sizeof(t) / sizeof((t)[0]))

const liq_filter_def *
liq_filter_find(gz_str name, bool jekyll)
{
    const liq_filter_def *def = NULL;
    if (jekyll)
        def = search(jekyll_filters, COUNT(jekyll_filters), name);
    return def ? def : search(standard_filters, COUNT(standard_filters), name);
}
