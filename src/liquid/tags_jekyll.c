/* Jekyll's tags (Jekyll 4.3 lib/jekyll/tags): include with key=value
 * parameters and variable file names, include_relative, link, post_url,
 * highlight; and the embedder's custom tags (liq_custom_tag), with the
 * functions liquid.h offers them. Enabled by liq_options.jekyll; the site
 * behind them is reached only through liq_site_hooks. */
#include <stdarg.h>

#include "liquid/convert.h"
#include "liquid/filter.h"
#include "liquid/scan.h"
#include "liquid/tags_jekyll.h"

/* ---- for custom tags ----------------------------------------------------- */

gz_value
liq_ctx_lookup(liq_ctx *ctx, gz_str name)
{
    return liq_find_variable(ctx, name);
}

bool
liq_ctx_filter(liq_ctx *ctx, const char *name, gz_value input, gz_value *out)
{
    const liq_filter_def *f = liq_filter_find(gz_str_c(name), true);
    return f && f->min_args == 0 && f->fn(ctx, input, NULL, 0, NULL, out);
}

bool
liq_ctx_error(liq_ctx *ctx, const char *fmt, ...)
{
    gz_buf msg = GZ_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    gz_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    liq_render_error(ctx, "%s", msg.data ? msg.data : "");
    gz_buf_free(&msg);
    return false;
}

/* ---- shared pieces ------------------------------------------------------- */

/* Parses `text`, a piece of the template's source, as a Liquid body of
 * its own (Jekyll renders an include's or link's markup as a template).
 * The surrounding tag's whitespace control and position are kept. */
static bool
parse_inner(liq_parser *p, gz_str text, liq_body *body)
{
    bool trim = p->trim_next;
    size_t at = p->at;
    int at_line = p->at_line;
    liq_tokenizer tk;
    liq_end end;
    p->trim_next = false;
    liq_tokenizer_init(&tk, text, false);
    bool ok = liq_parse_body(p, &tk, body, &end);
    if (ok && !end.eof)
        ok = liq_unknown_tag(p, end.name, "include", "%}");
    p->trim_next = trim;
    p->at = at;
    p->at_line = at_line;
    return ok;
}

/* Renders a parsed body into a string of the render's arena. */
static bool
render_inner(liq_ctx *ctx, const liq_body *body, gz_str *out)
{
    gz_buf b = GZ_BUF_INIT;
    bool ok = liq_render_body(ctx, body, &b);
    gz_value v = gz_string_from_buf(ctx->env->arena, &b);
    gz_buf_free(&b);
    *out = gz_value_str(v);
    return ok;
}

/* Jekyll's relative_url filter (registered with liq_options.jekyll, as
 * these tags are) applied to a URL. */
static bool
relative_url(liq_ctx *ctx, gz_str url, gz_buf *out)
{
    gz_value v;
    if (!liq_ctx_filter(ctx, "relative_url", gz_str_value(url), &v))
        return ctx->err->set ? false : liq_render_error(ctx, "undefined filter relative_url");
    liq_to_s(out, v, ctx->env);
    return true;
}

/* ---- include and include_relative ---------------------------------------- */

typedef struct include_param {
    gz_str key;
    gz_str text;    /* a quoted value, unescaped */
    liq_expr *expr; /* a [\w.-]+ value, looked up when rendering */
} include_param;

typedef struct include {
    bool relative;
    gz_str file;       /* the literal file name */
    liq_body name;     /* the file name as a template, when it has {{ }} */
    bool templated;
    bool has_params;   /* `include` is set (to a possibly empty hash) */
    include_param *params;
    uint32_t nparams;
} include;

static bool
is_name_char(char c)
{
    return liq_is_word(c) || c == '-';
}

/* VARIABLE_SYNTAX's repeated group at i:
 * \{\{\s*[\w\-.]+\s*(\|.*)?\}\}[^\s{}]* — its end, or i. With a filter,
 * `.*` takes the text up to the last "}}". */
static size_t
variable_group(gz_str m, size_t i)
{
    if (i + 1 >= m.len || m.p[i] != '{' || m.p[i + 1] != '{')
        return i;
    size_t k = liq_skip_space(m, i + 2), n = k;
    while (n < m.len && (is_name_char(m.p[n]) || m.p[n] == '.'))
        n++;
    if (n == k)
        return i;
    k = liq_skip_space(m, n);
    size_t close = 0;
    bool found = false;
    if (k < m.len && m.p[k] == '|') {
        for (size_t j = m.len - 1; j > k; j--)
            if (m.p[j] == '}' && m.p[j - 1] == '}' && j - 1 > k) {
                close = j - 1;
                found = true;
                break;
            }
    }
    if (!found) {
        if (k + 1 < m.len && m.p[k] == '}' && m.p[k + 1] == '}')
            close = k;
        else
            return i;
    }
    size_t e = close + 2;
    while (e < m.len && !liq_is_space(m.p[e]) && m.p[e] != '{' && m.p[e] != '}')
        e++;
    return e;
}

/* Jekyll's VARIABLE_SYNTAX, /(?<variable>[^{]*(GROUP)+)(?<params>.*)/m,
 * matched (not anchored) against the stripped markup. */
static bool
match_variable_syntax(gz_str m, gz_str *variable, gz_str *params)
{
    size_t start = 0;
    for (size_t q = 0; q < m.len; q++) {
        if (m.p[q] != '{')
            continue;
        size_t e = variable_group(m, q);
        if (e == q) {
            start = q + 1; /* [^{]* cannot cross this brace */
            continue;
        }
        for (size_t more; (more = variable_group(m, e)) > e;)
            e = more;
        *variable = liq_substr(m, start, e);
        *params = liq_substr(m, e, m.len);
        return true;
    }
    return false;
}

/* "..." or '...' with backslash escapes at i; its end (after the quote), or i. */
static size_t
quoted_value(gz_str m, size_t i)
{
    if (i >= m.len || (m.p[i] != '"' && m.p[i] != '\''))
        return i;
    char q = m.p[i];
    for (size_t k = i + 1; k < m.len; k++) {
        if (m.p[k] == '\\') {
            k++;
            continue;
        }
        if (m.p[k] == q)
            return k + 1;
    }
    return i;
}

/* The quoted text with \" (or \') turned into the quote, into the arena. */
static gz_str
unescape_quoted(gz_arena *a, gz_str v, char q)
{
    char *out = gz_arena_alloc(a, v.len + 1);
    size_t n = 0;
    for (size_t i = 0; i < v.len; i++) {
        if (v.p[i] == '\\' && i + 1 < v.len && v.p[i + 1] == q) {
            out[n++] = q;
            i++;
        } else
            out[n++] = v.p[i];
    }
    out[n] = 0;
    return gz_str_n(out, n);
}

/* FULL_VALID_SYNTAX: key=value pairs separated by whitespace, each value
 * "double", 'single' or [\w.-]+ and followed by whitespace or the end. */
static bool
parse_params(liq_parser *p, include *inc, gz_str m)
{
    gz_buf acc = GZ_BUF_INIT;
    size_t i = liq_skip_space(m, 0);
    bool ok = true;
    while (i < m.len) {
        include_param prm = { 0 };
        size_t k = i;
        while (k < m.len && is_name_char(m.p[k]))
            k++;
        if (k == i) {
            ok = false;
            break;
        }
        prm.key = liq_substr(m, i, k);
        k = liq_skip_space(m, k);
        if (k >= m.len || m.p[k] != '=') {
            ok = false;
            break;
        }
        k = liq_skip_space(m, k + 1);
        size_t e = quoted_value(m, k);
        if (e > k) {
            prm.text = unescape_quoted(p->arena, liq_substr(m, k + 1, e - 1), m.p[k]);
        } else {
            while (e < m.len && (is_name_char(m.p[e]) || m.p[e] == '.'))
                e++;
            if (e == k) {
                ok = false;
                break;
            }
            prm.expr = liq_expr_parse(p, liq_substr(m, k, e));
        }
        if (e < m.len && !liq_is_space(m.p[e])) {
            ok = false;
            break;
        }
        gz_buf_put(&acc, &prm, sizeof prm);
        i = liq_skip_space(m, e);
    }
    if (ok) {
        inc->nparams = (uint32_t)(acc.len / sizeof(include_param));
        inc->params = gz_arena_alloc(p->arena, acc.len + 1);
        if (acc.len)
            memcpy(inc->params, acc.data, acc.len);
    }
    gz_buf_free(&acc);
    if (!ok)
        return liq_syntax_error(p,
                                "Invalid syntax for include tag: %.*s - Valid syntax: "
                                "{%% %s file.ext param='value' param2='value' %%}",
                                (int)m.len, m.p, inc->relative ? "include_relative" : "include");
    return true;
}

static bool
parse_include_common(liq_parser *p, liq_node *node, gz_str markup, bool relative)
{
    include *inc = gz_arena_calloc(p->arena, 1, sizeof *inc);
    inc->relative = relative;
    gz_str m = liq_strip(markup), variable, params;
    if (match_variable_syntax(m, &variable, &params)) {
        inc->file = liq_strip(variable);
        inc->templated = true;
        if (!parse_inner(p, inc->file, &inc->name))
            return false;
        params = liq_strip(params);
        inc->has_params = true;
    } else {
        size_t i = 0;
        while (i < m.len && !liq_is_space(m.p[i]))
            i++;
        inc->file = liq_substr(m, 0, i);
        params = liq_substr(m, liq_skip_space(m, i), m.len);
        inc->has_params = i < m.len;
    }
    if (!inc->file.len)
        return liq_syntax_error(p, "Error in tag '%s' - Valid syntax: %s file.ext "
                                   "param='value' param2='value'",
                                relative ? "include_relative" : "include",
                                relative ? "include_relative" : "include");
    if (inc->has_params && !parse_params(p, inc, params))
        return false;
    node->u.data = inc;
    return true;
}

static bool
parse_include(liq_parser *p, liq_tokenizer *tk, liq_node *node, gz_str markup)
{
    (void)tk;
    return parse_include_common(p, node, markup, false);
}

static bool
parse_include_relative(liq_parser *p, liq_tokenizer *tk, liq_node *node, gz_str markup)
{
    (void)tk;
    return parse_include_common(p, node, markup, true);
}

/* validate_file_name: INVALID_SEQUENCES [./]{2,} and VALID_FILENAME_CHARS
 * ^[\w/.\-()+~\#@]+$ (on some line of the name, as Ruby's ^ $ are). */
static bool
valid_file_name(gz_str f)
{
    for (size_t i = 0; i + 1 < f.len; i++)
        if ((f.p[i] == '.' || f.p[i] == '/') && (f.p[i + 1] == '.' || f.p[i + 1] == '/'))
            return false;
    for (size_t i = 0; i <= f.len;) {
        size_t e = i;
        while (e < f.len && f.p[e] != '\n')
            e++;
        bool ok = e > i;
        for (size_t k = i; k < e && ok; k++)
            ok = liq_is_word(f.p[k]) || strchr("/.-()+~#@", f.p[k]) != NULL;
        if (ok)
            return true;
        i = e + 1;
    }
    return false;
}

static gz_hash *
include_hash(liq_ctx *ctx, const include *inc, bool *ok)
{
    gz_arena *a = ctx->env->arena;
    gz_hash *h = gz_hash_new(a, inc->nparams);
    *ok = true;
    for (uint32_t i = 0; i < inc->nparams; i++) {
        const include_param *prm = &inc->params[i];
        gz_value v = gz_str_value(prm->text);
        if (prm->expr && !liq_eval(ctx, prm->expr, &v)) {
            *ok = false;
            break;
        }
        gz_hash_set(a, h, prm->key, v);
    }
    return h;
}

/* Renders t in a new scope holding `include`, as the current template
 * (errors inside name the included file). */
static bool
render_included(liq_ctx *ctx, const include *inc, const liq_template *t, gz_buf *out)
{
    if (!liq_push_scope(ctx))
        return false;
    bool ok = true;
    if (inc->has_params) {
        gz_hash *h = include_hash(ctx, inc, &ok);
        if (ok)
            liq_set_local(ctx, GZ_STR("include"), gz_hash_value(h));
    }
    if (ok) {
        const liq_template *outer = ctx->t;
        ctx->t = t;
        ok = liq_render_body(ctx, &t->body, out);
        ctx->t = outer;
    }
    liq_pop_scope(ctx);
    return ok;
}

static bool
include_file_name(liq_ctx *ctx, const include *inc, gz_str *file)
{
    *file = inc->file;
    if (inc->templated && !render_inner(ctx, &inc->name, file))
        return false;
    if (!valid_file_name(*file))
        return liq_render_error(ctx,
                                "Invalid syntax for include tag. File contains invalid "
                                "characters or sequences: %.*s",
                                (int)file->len, file->p);
    return true;
}

static bool
render_include(liq_ctx *ctx, const liq_node *node, gz_buf *out)
{
    const include *inc = node->u.data;
    gz_str file;
    if (!include_file_name(ctx, inc, &file))
        return false;
    const liq_template *t;
    if (!liq_load_partial(ctx, file, &t)) {
        if (!ctx->err->located) /* not found, rather than a syntax error in it */
            liq_render_error(ctx,
                             "Could not locate the included file '%.*s' in any of [\"%s\"]. "
                             "Ensure it exists in one of those directories and, if it is a "
                             "symlink, does not point outside your site source.",
                             (int)file.len, file.p,
                             ctx->site && ctx->site->includes_dir ? ctx->site->includes_dir
                                                                  : "_includes");
        return false;
    }
    return render_included(ctx, inc, t, out);
}

/* The directory of the page being rendered (page.path, without the
 * "/#excerpt" of an excerpt), relative to the source. */
static gz_str
page_dir(liq_ctx *ctx)
{
    gz_value page = liq_find_variable(ctx, GZ_STR("page")), path = gz_nil();
    if (page.type == GZ_HASH) {
        gz_value *v = gz_hash_get(page.u.h, GZ_STR("path"));
        path = v ? *v : gz_nil();
    } else if (page.type == GZ_DROP && page.u.d->cls->get) {
        page.u.d->cls->get(page.u.d, GZ_STR("path"), &path, ctx->env);
    }
    if (path.type != GZ_STRING)
        return gz_str_n("", 0);
    gz_str p = gz_value_str(path);
    if (gz_str_ends_with(p, GZ_STR("/#excerpt")))
        p.len -= 9;
    size_t slash = p.len;
    while (slash > 0 && p.p[slash - 1] != '/')
        slash--;
    return gz_str_n(p.p, slash ? slash - 1 : 0);
}

/* A relative include's syntax error, located in the included file. */
static void
partial_syntax_error(liq_ctx *ctx, const gz_diags *d, const char *label)
{
    liq_error *err = ctx->err;
    const char *msg = d->len ? d->items[0].message : "syntax error";
    const char *rest = strstr(msg, "): "); /* after "Liquid syntax error (file line N)" */
    gz_buf_clear(&err->message);
    gz_buf_puts(&err->message, rest ? rest + 3 : msg);
    err->set = err->located = err->syntax = true;
    err->line = d->len ? d->items[0].line : 0;
    err->column = d->len ? d->items[0].column : 0;
    err->file = gz_arena_strndup(ctx->env->arena, label, strlen(label));
}

static bool
render_include_relative(liq_ctx *ctx, const liq_node *node, gz_buf *out)
{
    const include *inc = node->u.data;
    gz_str file;
    if (!include_file_name(ctx, inc, &file))
        return false;
    gz_str dir = page_dir(ctx);
    gz_buf path = GZ_BUF_INIT, source = GZ_BUF_INIT;
    if (dir.len) {
        gz_buf_put_str(&path, dir);
        gz_buf_putc(&path, '/');
    }
    gz_buf_put_str(&path, file);
    bool ok = ctx->site && ctx->site->read_source &&
              ctx->site->read_source(ctx->site->self, gz_buf_str(&path), &source);
    if (!ok) {
        liq_render_error(ctx,
                         "Could not locate the included file '%.*s' in any of [\"%.*s\"]. "
                         "Ensure it exists in one of those directories and, if it is a "
                         "symlink, does not point outside your site source.",
                         (int)file.len, file.p, (int)dir.len, dir.p);
    } else {
        gz_diags d = { 0 };
        liq_template *t = liq_parse(ctx->engine, gz_buf_str(&source), path.data, &d);
        if (t) {
            /* t is freed below: its nodes cannot key shared fragments */
            liq_memo *memo = ctx->memo;
            ctx->memo = NULL;
            ok = render_included(ctx, inc, t, out);
            ctx->memo = memo;
            if (!ok && ctx->err->located && ctx->err->file == t->name) /* outlive t */
                ctx->err->file = gz_arena_strndup(ctx->env->arena, t->name, strlen(t->name));
            liq_template_free(t);
        } else {
            partial_syntax_error(ctx, &d, path.data);
            ok = false;
        }
        gz_diags_free(&d);
    }
    gz_buf_free(&path);
    gz_buf_free(&source);
    return ok;
}

/* ---- link and post_url ----------------------------------------------------- */

typedef struct link {
    gz_str path;
    liq_body body; /* the path as a template */
} link;

static bool
parse_link(liq_parser *p, liq_tokenizer *tk, liq_node *node, gz_str markup)
{
    (void)tk;
    link *l = gz_arena_calloc(p->arena, 1, sizeof *l);
    l->path = liq_strip(markup);
    if (!parse_inner(p, l->path, &l->body))
        return false;
    node->u.data = l;
    return true;
}

static bool
render_link(liq_ctx *ctx, const liq_node *node, gz_buf *out)
{
    const link *l = node->u.data;
    gz_str path;
    if (!render_inner(ctx, &l->body, &path))
        return false;
    gz_buf url = GZ_BUF_INIT;
    bool found = ctx->site && ctx->site->link && ctx->site->link(ctx->site->self, path, &url);
    bool ok = found ? relative_url(ctx, gz_buf_str(&url), out)
                    : liq_render_error(ctx,
                                       "Could not find document '%.*s' in tag 'link'. Make sure "
                                       "the document exists and the path is correct.",
                                       (int)path.len, path.p);
    gz_buf_free(&url);
    return ok;
}

/* PostComparer::MATCHER ^(.+/)*(\d+-\d+-\d+)-(.*)$ on the name without a
 * leading slash. */
static bool
valid_post_name(gz_str n)
{
    if (n.len && n.p[0] == '/') {
        n.p++;
        n.len--;
    }
    for (size_t seg = 0; seg < n.len;) {
        size_t i = seg;
        for (int part = 0; part < 3; part++) {
            size_t d = i;
            while (i < n.len && n.p[i] >= '0' && n.p[i] <= '9')
                i++;
            if (i == d || i >= n.len || n.p[i] != '-')
                break;
            i++;
            if (part == 2)
                return true;
        }
        const char *sl = memchr(n.p + seg, '/', n.len - seg);
        if (!sl)
            return false;
        seg = (size_t)(sl - n.p) + 1;
    }
    return false;
}

static bool
parse_post_url(liq_parser *p, liq_tokenizer *tk, liq_node *node, gz_str markup)
{
    (void)tk;
    gz_str *name = gz_arena_alloc(p->arena, sizeof *name);
    *name = liq_strip(markup);
    if (!valid_post_name(*name))
        return liq_syntax_error(p,
                                "Could not parse name of post \"%.*s\" in tag 'post_url'. Make "
                                "sure the post exists and the name is correct.",
                                (int)name->len, name->p);
    node->u.data = name;
    return true;
}

static bool
render_post_url(liq_ctx *ctx, const liq_node *node, gz_buf *out)
{
    gz_str name = *(const gz_str *)node->u.data;
    gz_buf url = GZ_BUF_INIT;
    bool found = ctx->site && ctx->site->post_url &&
                 ctx->site->post_url(ctx->site->self, name, &url);
    bool ok = found ? relative_url(ctx, gz_buf_str(&url), out)
                    : liq_render_error(ctx,
                                       "Could not find post \"%.*s\" in tag 'post_url'. Make "
                                       "sure the post exists and the name is correct.",
                                       (int)name.len, name.p);
    gz_buf_free(&url);
    return ok;
}

/* ---- highlight ------------------------------------------------------------ */

typedef struct highlight {
    gz_str lang;  /* downcased, in the arena */
    bool linenos;
    liq_body body;
} highlight;

/* SYNTAX ^([a-zA-Z0-9.+#_-]+)((\s+\w+(=(\w+|"([0-9]+\s)*[0-9]+"))?)*)$ */
static bool
parse_highlight_markup(gz_str m, gz_str *lang, bool *linenos)
{
    size_t i = 0;
    while (i < m.len && (liq_is_word(m.p[i]) || strchr(".+#-", m.p[i])))
        i++;
    if (i == 0)
        return false;
    *lang = liq_substr(m, 0, i);
    *linenos = false;
    while (i < m.len) {
        size_t k = liq_skip_space(m, i);
        if (k == i)
            return false;
        size_t w = k;
        while (w < m.len && liq_is_word(m.p[w]))
            w++;
        if (w == k)
            return false;
        gz_str key = liq_substr(m, k, w);
        if (w < m.len && m.p[w] == '=') {
            size_t v = w + 1, e = v;
            if (v < m.len && m.p[v] == '"') {
                e = v + 1;
                while (e < m.len && ((m.p[e] >= '0' && m.p[e] <= '9') || liq_is_space(m.p[e])))
                    e++;
                if (e >= m.len || m.p[e] != '"' || e == v + 1 || !(m.p[e - 1] >= '0' && m.p[e - 1] <= '9'))
                    return false;
                e++;
            } else {
                while (e < m.len && liq_is_word(m.p[e]))
                    e++;
                if (e == v)
                    return false;
            }
            w = e;
        }
        if (gz_str_eq_c(key, "linenos"))
            *linenos = true;
        i = w;
    }
    return true;
}

static bool
parse_highlight(liq_parser *p, liq_tokenizer *tk, liq_node *node, gz_str markup)
{
    highlight *h = gz_arena_calloc(p->arena, 1, sizeof *h);
    gz_str lang;
    if (!parse_highlight_markup(liq_strip(markup), &lang, &h->linenos))
        return liq_syntax_error(p,
                                "Syntax Error in tag 'highlight' while parsing the following "
                                "markup: %.*s Valid syntax: highlight <lang> [linenos]",
                                (int)markup.len, markup.p);
    char *low = gz_arena_strndup(p->arena, lang.p, lang.len);
    for (size_t i = 0; i < lang.len; i++)
        if (low[i] >= 'A' && low[i] <= 'Z')
            low[i] = (char)(low[i] + 32);
    h->lang = gz_str_n(low, lang.len);
    liq_end end;
    if (!liq_parse_body(p, tk, &h->body, &end) || !liq_expect_end(p, &end, "highlight"))
        return false;
    node->u.data = h;
    node->blank = h->body.blank;
    return true;
}

/* Rouge's HTML formatter escapes & < > only; CGI.escapeHTML (the `h`
 * Jekyll uses without a highlighter) also " and '. */
static void
escape_html(gz_buf *out, gz_str s, bool quotes)
{
    for (size_t i = 0; i < s.len; i++) {
        switch (s.p[i]) {
        case '&': gz_buf_puts(out, "&amp;"); break;
        case '<': gz_buf_puts(out, "&lt;"); break;
        case '>': gz_buf_puts(out, "&gt;"); break;
        case '"': gz_buf_puts(out, quotes ? "&quot;" : "\""); break;
        case '\'': gz_buf_puts(out, quotes ? "&#39;" : "'"); break;
        default: gz_buf_putc(out, s.p[i]);
        }
    }
}

/* Rouge with its plain-text lexer (every language is written as plain
 * text: gazette has no Rouge lexers), and its HTMLTable formatter for
 * linenos. */
static void
rouge_plain(gz_buf *out, gz_str code, bool linenos)
{
    if (!linenos) {
        escape_html(out, code, false);
        return;
    }
    size_t lines = 1;
    for (size_t i = 0; i < code.len; i++)
        lines += code.p[i] == '\n';
    if (code.len && code.p[code.len - 1] == '\n')
        lines--;
    gz_buf_puts(out, "<table class=\"rouge-table\"><tbody><tr><td class=\"gutter gl\">"
                     "<pre class=\"lineno\">");
    for (size_t i = 1; i <= lines; i++)
        gz_buf_printf(out, "%zu\n", i);
    gz_buf_puts(out, "</pre></td><td class=\"code\"><pre>");
    escape_html(out, code, false);
    if (!code.len || code.p[code.len - 1] != '\n')
        gz_buf_putc(out, '\n');
    gz_buf_puts(out, "</pre></td></tr></tbody></table>");
}

static bool
is_line_end(char c)
{
    return c == '\n' || c == '\r';
}

static void
put_variable(liq_ctx *ctx, const char *name, gz_buf *out)
{
    gz_value v = liq_find_variable(ctx, gz_str_c(name));
    if (gz_truthy(v))
        liq_to_s(out, v, ctx->env);
}

static bool
render_highlight(liq_ctx *ctx, const liq_node *node, gz_buf *out)
{
    const highlight *h = node->u.data;
    gz_buf body = GZ_BUF_INIT, code = GZ_BUF_INIT;
    if (!liq_render_body(ctx, &h->body, &body)) {
        gz_buf_free(&body);
        return false;
    }
    /* gsub(/\A(\n|\r)+|(\n|\r)+\z/, "") */
    gz_str c = gz_buf_str(&body);
    while (c.len && is_line_end(c.p[0])) {
        c.p++;
        c.len--;
    }
    while (c.len && is_line_end(c.p[c.len - 1]))
        c.len--;
    const char *hl = ctx->site && ctx->site->highlighter ? ctx->site->highlighter : "";
    if (!strcmp(hl, "rouge") || !strcmp(hl, "pygments")) {
        rouge_plain(&code, c, h->linenos);
    } else {
        escape_html(&code, c, true);
        gz_str s = liq_strip(gz_buf_str(&code));
        memmove(code.data, s.p, s.len);
        gz_buf_truncate(&code, s.len);
    }
    /* code.chomp */
    gz_str k = gz_buf_str(&code);
    if (k.len && k.p[k.len - 1] == '\n')
        k.len--;
    if (k.len && k.p[k.len - 1] == '\r')
        k.len--;
    put_variable(ctx, "highlighter_prefix", out);
    gz_buf_puts(out, "<figure class=\"highlight\"><pre><code class=\"language-");
    for (size_t i = 0; i < h->lang.len; i++)
        gz_buf_putc(out, h->lang.p[i] == '+' ? '-' : h->lang.p[i]);
    gz_buf_printf(out, "\" data-lang=\"%.*s\">", (int)h->lang.len, h->lang.p);
    gz_buf_put_str(out, k);
    gz_buf_puts(out, "</code></pre></figure>");
    put_variable(ctx, "highlighter_suffix", out);
    gz_buf_free(&body);
    gz_buf_free(&code);
    return true;
}

/* ---- custom tags ------------------------------------------------------------ */

typedef struct custom_def {
    liq_tag_def def; /* first: node->tag points here */
    const liq_custom_tag *tag;
} custom_def;

static bool
parse_custom(liq_parser *p, liq_tokenizer *tk, liq_node *node, gz_str markup)
{
    (void)tk;
    gz_str *m = gz_arena_alloc(p->arena, sizeof *m);
    *m = markup;
    node->u.data = m;
    return true;
}

static bool
render_custom(liq_ctx *ctx, const liq_node *node, gz_buf *out)
{
    const custom_def *cd = (const custom_def *)node->tag;
    return cd->tag->render(cd->tag->self, ctx, *(const gz_str *)node->u.data, out);
}

/* The site hooks of an engine, as it hands them to every render. */
static const liq_site_hooks *
engine_hooks(const liq_engine *e)
{
    liq_ctx probe;
    probe.site = NULL;
    liq_engine_setup_ctx(e, &probe);
    return probe.site;
}

const liq_tag_def *
liq_tag_find_custom(liq_parser *p, gz_str name)
{
    const liq_site_hooks *h = engine_hooks(p->t->engine);
    if (!h)
        return NULL;
    for (size_t i = 0; i < h->ntags; i++) {
        if (!gz_str_eq_c(name, h->tags[i].name) || !h->tags[i].render)
            continue;
        custom_def *cd = gz_arena_calloc(p->arena, 1, sizeof *cd);
        cd->def = (liq_tag_def){ h->tags[i].name, parse_custom, render_custom, NULL };
        cd->tag = &h->tags[i];
        return &cd->def;
    }
    return NULL;
}

/* ---- the table -------------------------------------------------------------- */

static const liq_tag_def jekyll_tags[] = {
    { "highlight", parse_highlight, render_highlight, NULL },
    { "include", parse_include, render_include, NULL },
    { "include_relative", parse_include_relative, render_include_relative, NULL },
    { "link", parse_link, render_link, NULL },
    { "post_url", parse_post_url, render_post_url, NULL },
};

const liq_tag_def *
liq_tag_find_jekyll(const liq_parser *p, gz_str name)
{
    if (!p->jekyll)
        return NULL;
    for (size_t i = 0; i < sizeof jekyll_tags / sizeof jekyll_tags[0]; i++)
        if (gz_str_eq_c(name, jekyll_tags[i].name))
            return &jekyll_tags[i];
    return NULL;
}
