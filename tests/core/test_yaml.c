/* The YAML loader and Jekyll's front matter split. Every expected value in
 * yaml_cases.h was printed by the oracle, tests/core/yaml-oracle.rb
 * (Jekyll 4.3.1 and Psych run here), never by gazette; the limits at the
 * end are gazette's own and say so. */
#include <stdlib.h>

#include "core/frontmatter.h"
#include "core/time.h"
#include "core/yaml.h"
#include "test.h"

typedef struct yaml_case {
    const char *yaml;
    size_t len;
    const char *want;
} yaml_case;
#define CASE(y, w) { y, sizeof(y) - 1, w }

typedef struct yaml_mark_case {
    const char *yaml;
    size_t len;
    int line, column;
} yaml_mark_case;
#define MARK(y, l, c) { y, sizeof(y) - 1, l, c }

typedef struct fm_case {
    const char *text;
    size_t len;
    gz_fm_status status;
    const char *yaml, *body;
    int body_line;
} fm_case;
#define FM(t, s, y, b, l) { t, sizeof(t) - 1, s, y, b, l }

typedef struct header_case {
    const char *text;
    size_t len;
    bool want;
} header_case;
#define HEADER(t, w) { t, sizeof(t) - 1, w }

#include "yaml_cases.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The oracle's dump: inspect, with dates and times spelled out. */
static void
dump(gz_buf *out, gz_value v)
{
    switch (v.type) {
    case GZ_ARRAY:
        gz_buf_putc(out, '[');
        for (size_t i = 0; i < v.u.a->len; i++) {
            gz_buf_puts(out, i ? ", " : "");
            dump(out, v.u.a->items[i]);
        }
        gz_buf_putc(out, ']');
        break;
    case GZ_HASH:
        gz_buf_putc(out, '{');
        for (size_t i = 0; i < v.u.h->len; i++) {
            gz_buf_puts(out, i ? ", " : "");
            gz_value_inspect(out, gz_str_value(v.u.h->entries[i].key), NULL);
            gz_buf_puts(out, "=>");
            dump(out, v.u.h->entries[i].value);
        }
        gz_buf_putc(out, '}');
        break;
    case GZ_TIME: {
        const gz_time *t = v.u.t;
        if (t->date_only) {
            gz_civil c = gz_time_civil(t);
            gz_buf_printf(out, "Date(%04d-%02d-%02d)", c.year, c.month, c.day);
        } else {
            gz_buf_printf(out, "Time(%lld,%d,%d,%s)", (long long)t->sec, t->nsec, t->utc_offset,
                          t->zone ? t->zone : "-");
        }
        break;
    }
    default: gz_value_inspect(out, v, NULL);
    }
}

static const gz_tz *shanghai;

/* Loads text as the oracle did (TZ=Asia/Shanghai) and prints the dump, or
 * "ERROR " and the message. */
static bool
load(gz_str text, const gz_tz *local, int line_offset, gz_buf *got, gz_diag *diag)
{
    gz_arena *a = gz_arena_new();
    gz_diags d = { 0 };
    gz_value v;
    bool ok = gz_yaml_parse(a, text, "t.yml", line_offset, local, &v, &d);
    CHECK(d.len == !ok);
    if (ok)
        dump(got, v);
    else if (d.len)
        gz_buf_printf(got, "ERROR %s", d.items[0].message);
    if (diag && d.len)
        *diag = (gz_diag){ .line = d.items[0].line, .column = d.items[0].column };
    gz_diags_free(&d);
    gz_arena_free(a);
    return ok;
}

static void
check_case(const char *prefix, const yaml_case *c)
{
    gz_buf text = GZ_BUF_INIT, got = GZ_BUF_INIT;
    gz_buf_puts(&text, prefix);
    gz_buf_put(&text, c->yaml, c->len);
    load(gz_buf_str(&text), shanghai, 0, &got, NULL);
    if (strcmp(c->want, "RECURSIVE") == 0) {
        /* Psych builds data containing itself; gazette refuses it. */
        CHECK(gz_str_starts_with(gz_buf_str(&got), GZ_STR("ERROR Alias *")));
    } else {
        CHECK_STR(got.data ? got.data : "", c->want);
        if (strcmp(got.data ? got.data : "", c->want) != 0)
            fprintf(stderr, "  yaml: %s\n", text.data);
    }
    gz_buf_free(&text);
    gz_buf_free(&got);
}

static void
test_marks(void)
{
    for (size_t i = 0; i < COUNT(mark_cases); i++) {
        const yaml_mark_case *c = &mark_cases[i];
        gz_buf got = GZ_BUF_INIT;
        gz_diag d = { 0 };
        CHECK(!load(gz_str_n(c->yaml, c->len), shanghai, 0, &got, &d));
        CHECK(d.line == c->line && d.column == c->column);
        if (d.line != c->line || d.column != c->column)
            fprintf(stderr, "  %s: got %d:%d, want %d:%d\n", c->yaml, d.line, d.column, c->line,
                    c->column);
        gz_buf_free(&got);
    }
    /* line_offset moves both the diagnostic and the message's line: the
     * oracle's "at line 2 column 1" (from "a: [1, 2") plus 10. */
    gz_buf got = GZ_BUF_INIT;
    gz_diag d = { 0 };
    load(GZ_STR("a: [1, 2"), shanghai, 10, &got, &d);
    CHECK(d.line == 12 && d.column == 1);
    CHECK_STR(got.data, "ERROR (<unknown>): did not find expected ',' or ']' while parsing a "
                        "flow sequence at line 11 column 4");
    gz_buf_free(&got);
}

/* to_s of times with no local zone given, as Ruby under TZ=UTC. */
static void
test_to_s(void)
{
    for (size_t i = 0; i < COUNT(to_s_cases); i++) {
        gz_arena *a = gz_arena_new();
        gz_diags d = { 0 };
        gz_value v;
        gz_buf text = GZ_BUF_INIT, got = GZ_BUF_INIT;
        gz_buf_printf(&text, "a: %s", to_s_cases[i].yaml);
        CHECK(gz_yaml_parse(a, gz_buf_str(&text), NULL, 0, NULL, &v, &d) && v.type == GZ_HASH);
        gz_value *t = v.type == GZ_HASH ? gz_hash_get(v.u.h, GZ_STR("a")) : NULL;
        CHECK(t && t->type == GZ_TIME);
        if (t && t->type == GZ_TIME)
            gz_time_to_s(&got, t->u.t);
        CHECK_STR(got.data, to_s_cases[i].want);
        gz_buf_free(&text);
        gz_buf_free(&got);
        gz_diags_free(&d);
        gz_arena_free(a);
    }
}

static void
test_front_matter(void)
{
    for (size_t i = 0; i < COUNT(fm_cases); i++) {
        const fm_case *c = &fm_cases[i];
        gz_str yaml, body;
        int line;
        gz_fm_status st = gz_front_matter_split(gz_str_n(c->text, c->len), &yaml, &body, &line);
        bool ok = st == c->status && gz_str_eq_c(yaml, c->yaml) && gz_str_eq_c(body, c->body) &&
                  line == c->body_line;
        CHECK(ok);
        if (!ok)
            fprintf(stderr, "  front matter case %zu: %d \"%.*s\" \"%.*s\" line %d\n", i,
                    (int)st, (int)yaml.len, yaml.p, (int)body.len, body.p, line);
    }
    for (size_t i = 0; i < COUNT(header_cases); i++) {
        bool got = gz_front_matter_has_header(gz_str_n(header_cases[i].text, header_cases[i].len));
        CHECK(got == header_cases[i].want);
    }
}

/* gazette's own limits, which Psych does not have. */
static void
test_limits(void)
{
    gz_buf text = GZ_BUF_INIT, got = GZ_BUF_INIT;

    /* A billion laughs: nine levels of ten aliases each. */
    gz_buf_puts(&text, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 10; i++) {
        gz_buf_printf(&text, "a%d: &a%d [", i, i);
        for (int j = 0; j < 10; j++)
            gz_buf_printf(&text, "%s*a%d", j ? ", " : "", i - 1);
        gz_buf_puts(&text, "]\n");
    }
    CHECK(!load(gz_buf_str(&text), shanghai, 0, &got, NULL));
    CHECK_STR(got.data, "ERROR Aliases expand to more than 1000000 nodes");

    /* Nesting: GZ_YAML_MAX_DEPTH levels load, one more does not, whether
     * written out or reached through an alias. */
    for (int extra = 0; extra < 2; extra++) {
        gz_buf_clear(&text);
        gz_buf_clear(&got);
        for (int i = 0; i < GZ_YAML_MAX_DEPTH + extra; i++)
            gz_buf_putc(&text, '[');
        for (int i = 0; i < GZ_YAML_MAX_DEPTH + extra; i++)
            gz_buf_putc(&text, ']');
        CHECK(load(gz_buf_str(&text), shanghai, 0, &got, NULL) == !extra);
    }
    CHECK_STR(got.data, "ERROR Nesting deeper than 512 levels");
    gz_buf_clear(&text);
    gz_buf_clear(&got);
    gz_buf_puts(&text, "a: &a ");
    for (int i = 0; i < GZ_YAML_MAX_DEPTH; i++)
        gz_buf_putc(&text, '[');
    for (int i = 0; i < GZ_YAML_MAX_DEPTH; i++)
        gz_buf_putc(&text, ']');
    gz_buf_puts(&text, "\nb: [*a]\n");
    CHECK(!load(gz_buf_str(&text), shanghai, 0, &got, NULL));
    CHECK_STR(got.data, "ERROR Nesting deeper than 512 levels");

    /* libyaml's scanner takes time in the square of the flow depth: 200000
     * "[" would take minutes if the loader kept reading past the limit,
     * even after an earlier error (meson's timeout guards this). */
    for (int after_error = 0; after_error < 2; after_error++) {
        gz_buf_clear(&text);
        gz_buf_clear(&got);
        gz_buf_puts(&text, after_error ? "a: :sym\nb: " : "b: ");
        for (int i = 0; i < 200000; i++)
            gz_buf_putc(&text, '[');
        CHECK(!load(gz_buf_str(&text), shanghai, 0, &got, NULL));
        CHECK_STR(got.data, after_error ? "ERROR Tried to load unspecified class: Symbol"
                                        : "ERROR Nesting deeper than 512 levels");
    }

    /* An integer Ruby would hold as a Bignum of 10001 digits. */
    gz_buf_clear(&text);
    gz_buf_clear(&got);
    gz_buf_puts(&text, "a: 0x");
    for (int i = 0; i < 10001; i++)
        gz_buf_putc(&text, 'F');
    CHECK(!load(gz_buf_str(&text), shanghai, 0, &got, NULL));
    CHECK_STR(got.data, "ERROR integer of more than 10000 digits");

    /* No text at all is an empty stream. */
    CHECK(load(gz_str_n(NULL, 0), shanghai, 0, &got, NULL));
    gz_buf_free(&text);
    gz_buf_free(&got);
}

int
main(void)
{
    shanghai = gz_tz_get("Asia/Shanghai");
    CHECK(shanghai != NULL);
    for (size_t i = 0; i < COUNT(scalar_cases); i++)
        check_case("a: ", &scalar_cases[i]);
    for (size_t i = 0; i < COUNT(document_cases); i++)
        check_case("", &document_cases[i]);
    test_marks();
    test_to_s();
    test_front_matter();
    test_limits();
    return test_report("core-yaml");
}
