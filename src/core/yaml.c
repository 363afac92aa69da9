/* The YAML loader (yaml.h): libyaml's event stream folded into gz_values
 * with an explicit stack, no recursion, following Psych 4's ToRuby
 * visitor for tags, anchors and merge keys, and its ScalarScanner
 * (yaml_scalar.c) for plain scalars. */
#include "core/yaml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/yaml_scalar.h"

#define TAG_STR "tag:yaml.org,2002:str"
#define TAG_FLOAT "tag:yaml.org,2002:float"
#define TAG_BINARY "tag:yaml.org,2002:binary"
#define TAG_SET "tag:yaml.org,2002:set"
#define TAG_OMAP "tag:yaml.org,2002:omap"

typedef enum node_kind { NODE_SCALAR, NODE_ALIAS, NODE_SEQ, NODE_MAP } node_kind;

/* A node: finished on its way into its parent, or an open collection. */
typedef struct node {
    gz_value value;
    node_kind kind;
    bool merge_key; /* the String "<<", not tagged !!str: a merge as a key */
    uint64_t size;  /* nodes once every alias in it is expanded */
    int height;     /* collection levels it spans, 0 for a scalar */
} node;

typedef struct frame {
    node n;
    size_t anchor; /* 1 + index in loader.anchors, or 0 */
    bool have_key; /* a mapping's key waits for its value */
    node key;
} frame;

typedef struct anchor {
    node n;
    bool open; /* its collection is still being read */
} anchor;

typedef struct loader {
    gz_arena *a;
    const gz_tz *local;
    frame *stack;
    size_t depth, stack_cap;
    anchor *anchors;
    size_t nanchors, anchors_cap;
    gz_hash *anchor_names; /* name -> index in anchors; a redefinition wins */
    uint64_t alias_nodes;
    bool have_root;
    gz_value root;
    /* The first error found while building values. Parsing goes on to the
     * end of the document, since Psych parses it whole before building
     * and a syntax error anywhere takes precedence. */
    bool failed;
    yaml_mark_t error_mark;
    gz_buf error;
} loader;

static void
fail(loader *l, yaml_mark_t mark)
{
    l->failed = true;
    l->error_mark = mark;
}

static void
too_deep(loader *l, yaml_mark_t mark)
{
    gz_buf_printf(&l->error, "Nesting deeper than %d levels", GZ_YAML_MAX_DEPTH);
    fail(l, mark);
}

static void
disallow(loader *l, const char *cls, size_t len)
{
    gz_buf_printf(&l->error, "Tried to load unspecified class: %.*s", (int)len, cls);
}

static bool
is_merge_text(gz_value v)
{
    return v.type == GZ_STRING && gz_str_eq_c(gz_value_str(v), "<<");
}

/* ---- tags naming Ruby classes, which safe_load refuses ---------------- */

/* What follows `prefix` in tag, or NULL. */
static const char *
after(const char *tag, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(tag, prefix, n) == 0 ? tag + n : NULL;
}

/* The class in what follows a prefix like "!ruby/object": an optional ':'
 * and a name, or `dflt` when the name is missing. */
static const char *
named(const char *rest, const char *dflt)
{
    rest += *rest == ':';
    return *rest ? rest : dflt;
}

/* /^!(?:str|ruby\/string)(?::(.*))?$/ or !!str: true, *cls the class. */
static bool
str_tag(const char *tag, const char **cls)
{
    const char *rest = after(tag, "!str");
    if (!rest)
        rest = after(tag, "!ruby/string");
    *cls = NULL;
    if (!strcmp(tag, TAG_STR))
        return true;
    if (!rest || (*rest && *rest != ':'))
        return false;
    if (*rest && rest[1])
        *cls = rest + 1;
    return true;
}

static const char *
map_class(const char *tag)
{
    const char *r;
    if ((r = after(tag, "!ruby/struct")))
        return named(r, "Struct");
    if ((r = after(tag, "!ruby/object")))
        return strcmp(named(r, "Object"), "Hash") ? named(r, "Object") : NULL;
    if (str_tag(tag, &r))
        return r; /* Psych would build a String from key "str": rare, kept a hash */
    if ((r = after(tag, "!ruby/array:")) || (r = after(tag, "!map:")) ||
        (r = after(tag, "!ruby/hash:")) || (r = after(tag, "!ruby/hash-with-ivars:")) ||
        (r = after(tag, "!ruby/marshalable:")))
        return r;
    if (!strcmp(tag, "!ruby/range"))
        return "Range";
    if ((r = after(tag, "!ruby/exception")))
        return named(r, "Exception");
    if (!strcmp(tag, "!set") || !strcmp(tag, TAG_SET))
        return "Psych::Set";
    if (!strcmp(tag, "!omap") || !strcmp(tag, TAG_OMAP))
        return "Psych::Omap";
    return NULL;
}

static const char *
seq_class(const char *tag)
{
    const char *r = after(tag, "!seq:");
    return r ? r : after(tag, "!ruby/array:");
}

static const char *
scalar_class(const char *tag)
{
    static const char *const classes[][2] = {
        { "!ruby/object:BigDecimal", "BigDecimal" },
        { "!ruby/object:DateTime", "DateTime" },
        { "!ruby/object:Complex", "Complex" },
        { "!ruby/object:Rational", "Rational" },
        { "!ruby/regexp", "Regexp" },
        { "!ruby/range", "Range" },
    };
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
        if (!strcmp(tag, classes[i][0]))
            return classes[i][1];
    return after(tag, "!ruby/sym") ? "Symbol" : NULL;
}

/* ---- building ---------------------------------------------------------- */

/* Ruby's to_s of a key Psych would keep typed. */
static gz_str
key_text(loader *l, gz_value k)
{
    if (k.type == GZ_STRING)
        return gz_value_str(k);
    gz_buf b = GZ_BUF_INIT;
    if (k.type == GZ_TIME)
        gz_time_to_s(&b, k.u.t);
    else if (k.type != GZ_NIL)
        gz_value_inspect(&b, k, NULL); /* to_s of these is their inspect */
    gz_value v = gz_string_from_buf(l->a, &b);
    gz_buf_free(&b);
    return gz_value_str(v);
}

static void
merge_into(loader *l, gz_hash *h, const gz_hash *from)
{
    for (size_t i = 0; i < from->len; i++)
        gz_hash_set(l->a, h, from->entries[i].key, from->entries[i].value);
}

/* Psych's `<<`: Hash#merge! of a mapping (or an alias of one), or of a
 * list of them merged last-to-first so the first wins; where merge! would
 * raise TypeError the value is kept under "<<". */
static void
merge(loader *l, gz_hash *h, const node *v)
{
    if (v->kind != NODE_SCALAR && v->value.type == GZ_HASH) {
        merge_into(l, h, v->value.u.h);
        return;
    }
    if (v->kind == NODE_SEQ) {
        const gz_array *list = v->value.u.a;
        size_t i = 0;
        while (i < list->len && list->items[i].type == GZ_HASH)
            i++;
        if (i == list->len) {
            gz_hash *acc = gz_hash_new(l->a, 0);
            while (i-- > 0)
                merge_into(l, acc, list->items[i].u.h);
            merge_into(l, h, acc);
            return;
        }
    }
    gz_hash_set(l->a, h, GZ_STR("<<"), v->value);
}

static void
deliver(loader *l, const node *n)
{
    if (!l->depth) {
        l->root = n->value;
        l->have_root = true;
        return;
    }
    frame *f = &l->stack[l->depth - 1];
    f->n.size += n->size;
    if (n->height + 1 > f->n.height)
        f->n.height = n->height + 1;
    if (f->n.kind == NODE_SEQ) {
        gz_array_push(l->a, f->n.value.u.a, n->value);
    } else if (!f->have_key) {
        f->key = *n;
        f->have_key = true;
    } else {
        f->have_key = false;
        if (f->key.merge_key)
            merge(l, f->n.value.u.h, n);
        else
            gz_hash_set(l->a, f->n.value.u.h, key_text(l, f->key.value), n->value);
    }
}

static size_t
define_anchor(loader *l, const char *name, node n, bool open)
{
    if (l->nanchors == l->anchors_cap) {
        l->anchors_cap = l->anchors_cap ? l->anchors_cap * 2 : 16;
        l->anchors = gz_xrealloc(l->anchors, l->anchors_cap * sizeof *l->anchors);
    }
    l->anchors[l->nanchors] = (anchor){ n, open };
    size_t len = strlen(name);
    gz_hash_set(l->a, l->anchor_names, gz_str_n(gz_arena_strndup(l->a, name, len), len),
                gz_int((int64_t)l->nanchors));
    return ++l->nanchors;
}

static bool
scalar_value(loader *l, const yaml_event_t *ev, gz_value *out)
{
    gz_str text = gz_str_n((const char *)ev->data.scalar.value, ev->data.scalar.length);
    const char *tag = (const char *)ev->data.scalar.tag, *cls;
    if (ev->data.scalar.quoted_implicit) { /* quoted or block, untagged */
        *out = gz_string_copy(l->a, text.p, text.len);
        return true;
    }
    if (!tag)
        return gz_yaml_tokenize(l->a, text, l->local, out, &l->error);
    if (!strcmp(tag, TAG_BINARY) || !strcmp(tag, "!binary")) {
        *out = gz_yaml_binary(l->a, text);
        return true;
    }
    if (str_tag(tag, &cls)) {
        if (cls) {
            disallow(l, cls, strlen(cls));
            return false;
        }
        *out = gz_string_copy(l->a, text.p, text.len);
        return true;
    }
    if (!strcmp(tag, TAG_FLOAT) || !strcmp(tag, "!float"))
        return gz_yaml_float_tag(l->a, text, l->local, out, &l->error);
    if (!strcmp(tag, "!ruby/class") || !strcmp(tag, "!ruby/module")) {
        disallow(l, text.p, text.len);
        return false;
    }
    if ((cls = scalar_class(tag))) {
        disallow(l, cls, strlen(cls));
        return false;
    }
    return gz_yaml_tokenize(l->a, text, l->local, out, &l->error);
}

static void
on_scalar(loader *l, const yaml_event_t *ev)
{
    node n = { .kind = NODE_SCALAR, .size = 1 };
    if (!scalar_value(l, ev, &n.value)) {
        fail(l, ev->start_mark);
        return;
    }
    const char *tag = (const char *)ev->data.scalar.tag;
    n.merge_key = is_merge_text(n.value) && !(tag && !strcmp(tag, TAG_STR));
    if (ev->data.scalar.anchor)
        define_anchor(l, (const char *)ev->data.scalar.anchor, n, false);
    deliver(l, &n);
}

static void
on_alias(loader *l, const yaml_event_t *ev)
{
    const char *name = (const char *)ev->data.alias.anchor;
    gz_value *index = gz_hash_get(l->anchor_names, gz_str_c(name));
    if (!index) {
        gz_buf_printf(&l->error, "Unknown alias: %s", name);
        fail(l, ev->start_mark);
        return;
    }
    const anchor *an = &l->anchors[index->u.i];
    node n = an->n;
    n.kind = NODE_ALIAS;
    n.merge_key = is_merge_text(n.value);
    l->alias_nodes += n.size;
    if (l->depth + (size_t)n.height > GZ_YAML_MAX_DEPTH) {
        too_deep(l, ev->start_mark);
        return;
    }
    if (an->open)
        gz_buf_printf(&l->error, "Alias *%s inside its own anchor: recursive data is not supported",
                      name);
    else if (l->alias_nodes > GZ_YAML_MAX_ALIAS_NODES)
        gz_buf_printf(&l->error, "Aliases expand to more than %d nodes", GZ_YAML_MAX_ALIAS_NODES);
    else {
        deliver(l, &n);
        return;
    }
    fail(l, ev->start_mark);
}

static void
on_open(loader *l, const yaml_event_t *ev, node_kind kind)
{
    bool map = kind == NODE_MAP;
    const yaml_char_t *tag = map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
    const yaml_char_t *name = map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
    const char *cls = NULL;
    if (tag)
        cls = map ? map_class((const char *)tag) : seq_class((const char *)tag);
    if (cls) {
        disallow(l, cls, strlen(cls));
        fail(l, ev->start_mark);
        return;
    }
    if (l->depth == l->stack_cap) {
        l->stack_cap = l->stack_cap ? l->stack_cap * 2 : 16;
        l->stack = gz_xrealloc(l->stack, l->stack_cap * sizeof *l->stack);
    }
    frame *f = &l->stack[l->depth++];
    *f = (frame){ .n = { .kind = kind, .size = 1, .height = 1 } };
    f->n.value = map ? gz_hash_value(gz_hash_new(l->a, 0)) : gz_array_value(gz_array_new(l->a, 0));
    if (name)
        f->anchor = define_anchor(l, (const char *)name, f->n, true);
}

static void
on_close(loader *l)
{
    const frame *f = &l->stack[--l->depth];
    if (f->anchor)
        l->anchors[f->anchor - 1] = (anchor){ f->n, false };
    deliver(l, &f->n);
}

static void
on_event(loader *l, const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_SCALAR_EVENT: on_scalar(l, ev); break;
    case YAML_ALIAS_EVENT: on_alias(l, ev); break;
    case YAML_SEQUENCE_START_EVENT: on_open(l, ev, NODE_SEQ); break;
    case YAML_MAPPING_START_EVENT: on_open(l, ev, NODE_MAP); break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: on_close(l); break;
    default: break;
    }
}

/* Psych::SyntaxError's message, placed at libyaml's context mark as Psych
 * does; the diagnostic itself points at the problem. */
static void
syntax_error(const yaml_parser_t *p, gz_str text, const char *file, int line_offset,
             gz_diags *diags)
{
    int line, column;
    if (p->error == YAML_READER_ERROR) {
        gz_line_col(text, p->problem_offset, &line, &column);
    } else {
        line = (int)p->problem_mark.line + 1;
        column = (int)p->problem_mark.column + 1;
    }
    gz_diags_add(diags, GZ_ERROR, file, line + line_offset, column,
                 "(<unknown>): %s%s%s at line %d column %d", p->problem ? p->problem : "",
                 p->problem && p->context ? " " : "", p->context ? p->context : "",
                 (int)p->context_mark.line + 1 + line_offset, (int)p->context_mark.column + 1);
}

bool
gz_yaml_parse(gz_arena *a, gz_str text, const char *file, int line_offset,
              const gz_tz *local, gz_value *out, gz_diags *diags)
{
    loader l = { .a = a, .local = local, .anchor_names = gz_hash_new(a, 0) };
    yaml_parser_t p;
    bool syntax_ok = true;
    if (!yaml_parser_initialize(&p)) {
        fprintf(stderr, "gazette: out of memory (libyaml)\n");
        abort();
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)(text.p ? text.p : ""), text.len);
    yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING); /* as Psych does for a String */
    size_t nesting = 0; /* counted even after an error, unlike l.depth */
    for (bool done = false; !done;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            syntax_error(&p, text, file, line_offset, diags);
            syntax_ok = false;
            break;
        }
        done = ev.type == YAML_DOCUMENT_END_EVENT || ev.type == YAML_STREAM_END_EVENT;
        nesting += ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT;
        nesting -= ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT;
        if (nesting > GZ_YAML_MAX_DEPTH) {
            /* Stop reading: libyaml's scanner slows down with the square
             * of the flow depth, and the value is refused anyway. */
            if (!l.failed)
                too_deep(&l, ev.start_mark);
            done = true;
        } else if (!l.failed) {
            on_event(&l, &ev);
        }
        yaml_event_delete(&ev);
    }
    if (syntax_ok && l.failed)
        gz_diags_add(diags, GZ_ERROR, file, (int)l.error_mark.line + 1 + line_offset,
                     (int)l.error_mark.column + 1, "%s", l.error.data);
    bool ok = syntax_ok && !l.failed;
    *out = ok && l.have_root ? l.root : gz_nil();
    yaml_parser_delete(&p);
    free(l.stack);
    free(l.anchors);
    gz_buf_free(&l.error);
    return ok;
}
