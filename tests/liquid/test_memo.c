/* Fragments shared between renders (src/liquid/memo.c) must not change
 * any output. Every case of the golden-liquid suite is rendered without a
 * memo, then twice with one whose constants are all of the case's
 * variables, so that every loop body and assign that reads only them is
 * shared: the first of the two renders stores the fragments, the second
 * reuses them. Both must print exactly what the render without a memo
 * printed: the same text, or the same error. In the case's own mode
 * (strict when tagged so, as run-golden runs it), the render that reuses
 * fragments must also print the suite's expected result, or fail where
 * the case is invalid, unless the case is one Ruby Liquid 5.4 fails too
 * (KNOWN_FAILURES). A test in which nothing was shared would prove
 * nothing, so it also counts the cases that shared a fragment.
 *
 * What this covers is that a shared fragment renders as Liquid renders it
 * (loops, slices, forloop, break, nested values, errors). When a fragment
 * may be shared at all (a page's own variables, shadowed names, reads that
 * depend on the page) is tested against Jekyll in
 * tests/compat/shared-fragments.
 *
 * usage: test-liquid-memo GOLDEN_JSON KNOWN_FAILURES */
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "liquid/liquid.h"
#include "test.h"

/* The case's partials ("templates": name -> source). */
static bool
load_partial(void *self, gz_str name, gz_buf *source, char **path)
{
    const gz_hash *partials = self;
    gz_value *v = partials ? gz_hash_get(partials, name) : NULL;
    if (!v || v->type != GZ_STRING)
        return false;
    gz_buf_put_str(source, gz_value_str(*v));
    *path = strndup(name.p, name.len);
    return true;
}

/* No embedder reads to record: every fragment may be shared. */
static void
no_begin(void *user)
{
    (void)user;
}

static void *
no_end(void *user, bool *shareable)
{
    (void)user;
    *shareable = true;
    return NULL;
}

static void
no_replay(void *user, const void *reads)
{
    (void)user, (void)reads;
}

static void
no_release(void *reads)
{
    (void)reads;
}

static const liq_memo_recorder no_recorder = { no_begin, no_end, no_replay, no_release };

/* The text a render printed, or its error. */
static char *
render(const liq_template *t, gz_hash *vars, liq_memo *memo)
{
    gz_arena *arena = gz_arena_new();
    gz_drop_env env = { arena, NULL };
    liq_render_options ro = { .env = &env, .errors_fatal = true, .memo = memo };
    gz_buf out = GZ_BUF_INIT, result = GZ_BUF_INIT;
    gz_diags d = { 0 };
    if (liq_render(t, vars, &ro, &out, &d))
        gz_buf_printf(&result, "ok: %.*s", (int)out.len, out.data ? out.data : "");
    else
        gz_buf_printf(&result, "error: %s", d.len ? d.items[0].message : "?");
    gz_buf_free(&out);
    gz_diags_free(&d);
    gz_arena_free(arena);
    char *text = strdup(result.data ? result.data : "");
    gz_buf_free(&result);
    return text;
}

/* What the suite expects of a case in its own mode: one of `results`,
 * or an error (invalid). n == 0 and !invalid: not checked. */
typedef struct oracle {
    const gz_value *results;
    size_t n;
    bool invalid;
} oracle;

static bool
as_expected(const char *got, const oracle *o)
{
    if (o->invalid)
        return !strncmp(got, "error: ", 7);
    for (size_t i = 0; i < o->n; i++)
        if (o->results[i].type == GZ_STRING && !strncmp(got, "ok: ", 4) &&
            strlen(got + 4) == o->results[i].len &&
            !memcmp(got + 4, o->results[i].u.s, o->results[i].len))
            return true;
    return false;
}

static size_t oracle_checks; /* renders compared with the suite's result */

/* One case in one mode, against the oracle when `o` is given; true when
 * the memo shared a fragment. */
static bool
check_case(const char *name, gz_str source, gz_hash *data, gz_hash *partials, liq_mode mode,
           const oracle *o)
{
    liq_options opts = { .mode = mode, .loader = { load_partial, partials } };
    liq_engine *e = liq_engine_new(&opts);
    gz_diags d = { 0 };
    liq_template *t = liq_parse(e, source, NULL, &d);
    gz_diags_free(&d);
    bool shared = false;
    if (t) {
        const char **constants = calloc((data ? data->len : 0) + 1, sizeof *constants);
        char **names = calloc((data ? data->len : 0) + 1, sizeof *names);
        for (size_t i = 0; data && i < data->len; i++) {
            gz_str k = data->entries[i].key;
            constants[i] = names[i] = strndup(k.p, k.len);
        }
        liq_memo *memo = liq_memo_new(constants, &no_recorder);
        char *plain = render(t, data, NULL);
        char *first = render(t, data, memo);
        char *again = render(t, data, memo);
        if (strcmp(plain, first) != 0 || strcmp(plain, again) != 0) {
            fprintf(stderr, "%s (%s): shared fragments changed the output\n"
                            "  without: %s\n  first:   %s\n  again:   %s\n",
                    name, mode == LIQ_STRICT ? "strict" : "lax", plain, first, again);
            test_failed++;
        } else {
            test_passed++;
        }
        if (o && (o->n || o->invalid)) {
            oracle_checks++;
            if (as_expected(again, o)) {
                test_passed++;
            } else {
                fprintf(stderr, "%s: not the suite's result with shared fragments: %s\n", name,
                        again);
                test_failed++;
            }
        }
        shared = liq_memo_count(memo) > 0;
        free(plain);
        free(first);
        free(again);
        liq_memo_free(memo);
        for (size_t i = 0; names[i]; i++)
            free(names[i]);
        free(names);
        free(constants);
        liq_template_free(t);
    }
    liq_engine_free(e);
    return shared;
}

int
main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s GOLDEN_JSON KNOWN_FAILURES\n", argv[0]);
        return 2;
    }
    setenv("TZ", "UTC", 1); /* as run-golden runs the suite */
    gz_buf known = GZ_BUF_INIT; /* the known failures' lines */
    FILE *kf = fopen(argv[2], "rb");
    if (!kf) {
        perror(argv[2]);
        return 2;
    }
    char chunk[65536];
    size_t n;
    gz_buf_putc(&known, '\n');
    while ((n = fread(chunk, 1, sizeof chunk, kf)) > 0)
        gz_buf_put(&known, chunk, n);
    fclose(kf);
    gz_buf text = GZ_BUF_INIT;
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        gz_buf_put(&text, chunk, n);
    fclose(f);
    gz_arena *a = gz_arena_new();
    gz_value suite;
    gz_buf err = GZ_BUF_INIT;
    if (!gz_json_parse(a, gz_buf_str(&text), &suite, &err) || suite.type != GZ_HASH) {
        fprintf(stderr, "%s: %s\n", argv[1], err.data ? err.data : "not a JSON object");
        return 2;
    }
    gz_value *tests = gz_hash_get(suite.u.h, GZ_STR("tests"));
    size_t cases = 0, sharing = 0;
    for (size_t i = 0; tests && tests->type == GZ_ARRAY && i < tests->u.a->len; i++) {
        gz_value c = tests->u.a->items[i];
        if (c.type != GZ_HASH)
            continue;
        gz_value *name = gz_hash_get(c.u.h, GZ_STR("name"));
        gz_value *tpl = gz_hash_get(c.u.h, GZ_STR("template"));
        gz_value *data = gz_hash_get(c.u.h, GZ_STR("data"));
        gz_value *partials = gz_hash_get(c.u.h, GZ_STR("templates"));
        if (!tpl || tpl->type != GZ_STRING)
            continue;
        gz_hash *vars = data && data->type == GZ_HASH ? data->u.h : NULL;
        gz_hash *parts = partials && partials->type == GZ_HASH ? partials->u.h : NULL;
        const char *label = name && name->type == GZ_STRING ? name->u.s : "?";
        oracle o = { 0 };
        gz_value *result = gz_hash_get(c.u.h, GZ_STR("result"));
        gz_value *results = gz_hash_get(c.u.h, GZ_STR("results"));
        gz_value *invalid = gz_hash_get(c.u.h, GZ_STR("invalid"));
        if (result) {
            o.results = result;
            o.n = 1;
        } else if (results && results->type == GZ_ARRAY) {
            o.results = results->u.a->items;
            o.n = results->u.a->len;
        }
        o.invalid = invalid && gz_truthy(*invalid);
        /* a known failure's line: "\nNAME\t" */
        gz_buf line = GZ_BUF_INIT;
        gz_buf_printf(&line, "\n%s\t", label);
        bool known_failure = strstr(known.data, line.data) != NULL;
        gz_buf_free(&line);
        bool strict_case = false;
        gz_value *tags = gz_hash_get(c.u.h, GZ_STR("tags"));
        for (size_t k = 0; tags && tags->type == GZ_ARRAY && k < tags->u.a->len; k++)
            strict_case |= tags->u.a->items[k].type == GZ_STRING &&
                           !strcmp(tags->u.a->items[k].u.s, "strict");
        const oracle *own = known_failure ? NULL : &o;
        bool lax = check_case(label, gz_value_str(*tpl), vars, parts, LIQ_LAX,
                              strict_case ? NULL : own);
        bool strict = check_case(label, gz_value_str(*tpl), vars, parts, LIQ_STRICT,
                                 strict_case ? own : NULL);
        cases++;
        sharing += lax || strict;
    }
    printf("memo: %zu cases, %zu of them shared a fragment, %zu checked against the suite's "
           "results\n", cases, sharing, oracle_checks);
    /* The suite has hundreds of loops and assigns over its data. */
    CHECK(cases > 1000 && sharing > 100 && oracle_checks > 900);
    gz_buf_free(&err);
    gz_buf_free(&known);
    gz_buf_free(&text);
    gz_arena_free(a);
    return test_report("memo");
}
