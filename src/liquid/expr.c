/* Expressions: Ruby Liquid's Expression.parse (literals, ranges and
 * variable lookups read from markup text) and their evaluation. */
#include <stdlib.h>

#include "liquid/convert.h"
#include "liquid/parse.h"
#include "liquid/scan.h"

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static liq_expr *
new_expr(liq_parser *p, liq_expr_kind kind)
{
    liq_expr *e = gz_arena_calloc(p->arena, 1, sizeof *e);
    e->kind = kind;
    return e;
}

static liq_expr *
literal(liq_parser *p, gz_value v)
{
    liq_expr *e = new_expr(p, LIQ_E_LIT);
    e->u.lit = v;
    return e;
}

/* /\A-?\d+\z/ */
static bool
is_integer(gz_str s)
{
    size_t i = s.len && s.p[0] == '-';
    if (i == s.len)
        return false;
    for (; i < s.len; i++)
        if (!is_digit(s.p[i]))
            return false;
    return true;
}

/* /\A-?\d[\d\.]+\z/ */
static bool
is_float(gz_str s)
{
    size_t i = s.len && s.p[0] == '-';
    if (i + 2 > s.len || !is_digit(s.p[i]))
        return false;
    for (i++; i < s.len; i++)
        if (!is_digit(s.p[i]) && s.p[i] != '.')
            return false;
    return true;
}

static int64_t
parse_int(gz_str s)
{
    bool neg = s.p[0] == '-';
    int64_t v = 0;
    for (size_t i = neg; i < s.len; i++) {
        int d = s.p[i] - '0';
        v = v > (INT64_MAX - d) / 10 ? INT64_MAX : v * 10 + d;
    }
    return neg ? -v : v;
}

/* String#to_f of a string matching is_float: digits, then at most one
 * "." followed by digits. */
static double
parse_float(gz_str s)
{
    char tmp[400];
    size_t i = s.p[0] == '-', n;
    while (i < s.len && is_digit(s.p[i]))
        i++;
    if (i + 1 < s.len && s.p[i] == '.' && is_digit(s.p[i + 1]))
        for (i++; i < s.len && is_digit(s.p[i]);)
            i++;
    n = i < sizeof tmp ? i : sizeof tmp - 1;
    memcpy(tmp, s.p, n);
    tmp[n] = '\0';
    return strtod(tmp, NULL);
}

/* RANGES_REGEX /\A\(\s*(?>(\S+)\s*\.\.)\s*(\S+)\s*\)\z/: splits
 * "(first..last)". The first part is the longest non-space run that is
 * followed by "..". */
static bool
split_range(gz_str s, gz_str *first, gz_str *last)
{
    if (s.len < 2 || s.p[0] != '(' || s.p[s.len - 1] != ')')
        return false;
    size_t start = liq_skip_space(s, 1), run = start;
    while (run < s.len && !liq_is_space(s.p[run]))
        run++;
    size_t dots = 0;
    for (size_t k = run; k > start; k--) {
        size_t after = k == run ? liq_skip_space(s, k) : k;
        if (after + 1 < s.len && s.p[after] == '.' && s.p[after + 1] == '.') {
            *first = liq_substr(s, start, k);
            dots = after + 2;
            break;
        }
    }
    if (!dots)
        return false;
    /* \s*(\S+)\s*\)\z over the rest, the last ")" being the closing one */
    size_t from = liq_skip_space(s, dots), to = s.len - 1;
    while (to > from && liq_is_space(s.p[to - 1]))
        to--;
    if (to <= from)
        return false;
    for (size_t k = from; k < to; k++)
        if (liq_is_space(s.p[k]))
            return false;
    *last = liq_substr(s, from, to);
    return true;
}

static liq_expr *parse_expr(liq_parser *p, gz_str markup, int depth);

/* RangeLookup.parse: literal ends make a literal range now (to_i of each
 * end), anything else is evaluated when rendering. */
static liq_expr *
parse_range(liq_parser *p, gz_str a, gz_str b, int depth)
{
    liq_expr *first = parse_expr(p, a, depth + 1), *last = parse_expr(p, b, depth + 1);
    int64_t ends[2];
    liq_expr *both[2] = { first, last };
    bool literal_ends = true;
    for (int i = 0; i < 2; i++) {
        if (both[i]->kind != LIQ_E_LIT) {
            literal_ends = false;
            continue;
        }
        gz_value v = both[i]->u.lit;
        if (v.type == GZ_INT)
            ends[i] = v.u.i;
        else if (v.type == GZ_FLOAT)
            ends[i] = liq_float_to_i(v.u.f);
        else if (v.type == GZ_STRING)
            ends[i] = liq_str_to_i(gz_value_str(v));
        else if (v.type == GZ_NIL)
            ends[i] = 0;
        else
            literal_ends = false; /* true.to_i fails: let rendering report it */
    }
    if (literal_ends)
        return literal(p, gz_range_new(p->arena, ends[0], ends[1]));
    liq_expr *e = new_expr(p, LIQ_E_RANGE);
    e->u.range.first = first;
    e->u.range.last = last;
    return e;
}

/* VariableParser /\[[^\]]+\]|[\w-]+\??/: the next name or [index] part of
 * a lookup at or after *pos. */
static bool
next_part(gz_str s, size_t *pos, gz_str *part)
{
    for (size_t i = *pos; i < s.len; i++) {
        if (s.p[i] == '[') {
            const char *close = memchr(s.p + i + 1, ']', s.len - i - 1);
            if (close && close > s.p + i + 1) {
                size_t end = (size_t)(close - s.p) + 1;
                *part = liq_substr(s, i, end);
                *pos = end;
                return true;
            }
        }
        if (liq_is_word(s.p[i]) || s.p[i] == '-') {
            size_t end = i + 1;
            while (end < s.len && (liq_is_word(s.p[end]) || s.p[end] == '-'))
                end++;
            if (end < s.len && s.p[end] == '?')
                end++;
            *part = liq_substr(s, i, end);
            *pos = end;
            return true;
        }
    }
    return false;
}

static bool
is_bracketed(gz_str part)
{
    return part.p[0] == '[';
}

static gz_str
bracket_inner(gz_str part)
{
    return gz_str_n(part.p + 1, part.len - 2);
}

static bool
is_command(gz_str key)
{
    return gz_str_eq_c(key, "size") || gz_str_eq_c(key, "first") || gz_str_eq_c(key, "last");
}

static liq_expr *
parse_lookup(liq_parser *p, gz_str s, int depth)
{
    liq_expr *e = new_expr(p, LIQ_E_VAR);
    size_t pos = 0, n = 0;
    gz_str part;
    if (!next_part(s, &pos, &part))
        return e; /* no name at all: always nil */
    if (is_bracketed(part))
        e->u.var.name_expr = parse_expr(p, bracket_inner(part), depth + 1);
    else
        e->u.var.name = part;
    size_t rest = pos;
    while (next_part(s, &pos, &part))
        n++;
    if (!n)
        return e;
    liq_segment *segs = gz_arena_calloc(p->arena, n, sizeof *segs);
    pos = rest;
    for (size_t i = 0; i < n; i++) {
        next_part(s, &pos, &part);
        if (is_bracketed(part)) {
            segs[i].index = parse_expr(p, bracket_inner(part), depth + 1);
        } else {
            segs[i].key = part;
            segs[i].command = is_command(part);
        }
    }
    e->u.var.segs = segs;
    e->nsegs = (uint32_t)n;
    return e;
}

static liq_expr *
parse_expr(liq_parser *p, gz_str markup, int depth)
{
    gz_str s = liq_strip(markup);
    if (depth > LIQ_MAX_DEPTH)
        return literal(p, gz_nil());
    if (s.len >= 1 && (s.p[0] == '"' || s.p[0] == '\'') && s.p[s.len - 1] == s.p[0])
        return literal(p, gz_string(s.p + 1, s.len >= 2 ? s.len - 2 : 0));
    if (is_integer(s))
        return literal(p, gz_int(parse_int(s)));
    gz_str first, last;
    if (split_range(s, &first, &last))
        return parse_range(p, first, last, depth);
    if (is_float(s))
        return literal(p, gz_float(parse_float(s)));
    if (!s.len || gz_str_eq_c(s, "nil") || gz_str_eq_c(s, "null"))
        return literal(p, gz_nil());
    if (gz_str_eq_c(s, "true") || gz_str_eq_c(s, "false"))
        return literal(p, gz_bool(s.p[0] == 't'));
    if (gz_str_eq_c(s, "blank") || gz_str_eq_c(s, "empty"))
        return literal(p, gz_string("", 0));
    return parse_lookup(p, s, depth);
}

liq_expr *
liq_expr_parse(liq_parser *p, gz_str markup)
{
    return parse_expr(p, markup, 0);
}

liq_expr *
liq_cond_operand_parse(liq_parser *p, gz_str markup)
{
    if (gz_str_eq_c(markup, "empty"))
        return new_expr(p, LIQ_E_EMPTY);
    if (gz_str_eq_c(markup, "blank"))
        return new_expr(p, LIQ_E_BLANK);
    return liq_expr_parse(p, markup);
}

/* ---- evaluation ------------------------------------------------------- */

/* RangeLookup#to_integer: integers as they are, nil and strings by to_i,
 * anything else through Integer(x.to_s). */
static bool
range_end(liq_ctx *ctx, gz_value v, int64_t *out)
{
    if (v.type == GZ_NIL || v.type == GZ_STRING) {
        *out = v.type == GZ_NIL ? 0 : liq_str_to_i(gz_value_str(v));
        return true;
    }
    return liq_ctx_to_integer(ctx, v, out);
}

static bool
eval_lookup(liq_ctx *ctx, const liq_expr *e, gz_value *out)
{
    gz_value obj;
    if (e->u.var.name_expr) {
        gz_value name;
        if (!liq_eval(ctx, e->u.var.name_expr, &name))
            return false;
        obj = name.type == GZ_STRING ? liq_find_variable(ctx, gz_value_str(name)) : gz_nil();
    } else if (e->u.var.name.p) {
        obj = liq_find_variable(ctx, e->u.var.name);
    } else {
        obj = gz_nil();
    }
    for (uint32_t i = 0; i < e->nsegs && obj.type != GZ_NIL; i++) {
        const liq_segment *seg = &e->u.var.segs[i];
        bool found;
        if (seg->index) {
            gz_value key;
            if (!liq_eval(ctx, seg->index, &key))
                return false;
            found = liq_lookup_index(obj, key, &obj, ctx->env);
        } else if (seg->command) {
            found = liq_lookup_key(obj, seg->key, &obj, ctx->env);
        } else {
            found = liq_lookup_index(obj, gz_str_value(seg->key), &obj, ctx->env);
        }
        if (!found)
            obj = gz_nil();
    }
    *out = obj;
    return true;
}

bool
liq_eval(liq_ctx *ctx, const liq_expr *e, gz_value *out)
{
    switch (e->kind) {
    case LIQ_E_LIT:
        *out = e->u.lit;
        return true;
    case LIQ_E_VAR:
        return eval_lookup(ctx, e, out);
    case LIQ_E_RANGE: {
        gz_value a, b;
        int64_t first, last;
        if (!liq_eval(ctx, e->u.range.first, &a) || !liq_eval(ctx, e->u.range.last, &b) ||
            !range_end(ctx, a, &first) || !range_end(ctx, b, &last))
            return false;
        *out = gz_range_new(ctx->env->arena, first, last);
        return true;
    }
    case LIQ_E_EMPTY:
    case LIQ_E_BLANK:
        *out = gz_string("", 0);
        return true;
    }
    return false;
}
