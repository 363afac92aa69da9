/* gazette liquid TEMPLATE_FILE [--data CONTEXT.json] [--partials DIR]
 *                              [--mode strict|lax]
 *
 * Renders one template with the JSON object's keys as variables and
 * prints exactly the output. A contract other tools rely on (the golden
 * suite runner, the Ruby oracle): exit 0 on success; 1 on a Liquid parse
 * or render error, with the message on stderr and nothing on stdout; 2 on
 * bad usage or unreadable input. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/commands.h"
#include "core/json.h"
#include "liquid/liquid.h"

static int
usage(const char *msg)
{
    if (msg)
        fprintf(stderr, "gazette liquid: %s\n", msg);
    fprintf(stderr, "usage: gazette liquid TEMPLATE_FILE [--data CONTEXT.json] "
                    "[--partials DIR] [--mode strict|lax]\n");
    return 2;
}

static bool
read_file(const char *path, gz_buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        gz_buf_put(out, chunk, n);
    bool ok = !ferror(f);
    fclose(f);
    return ok;
}

/* Partials from a directory: DIR/name, else DIR/name.liquid. Names that
 * are absolute or step out with ".." are not found. */
static bool
escapes(gz_str name)
{
    if (!name.len || name.p[0] == '/' || memchr(name.p, '\0', name.len))
        return true;
    for (size_t i = 0; i < name.len;) {
        const char *slash = memchr(name.p + i, '/', name.len - i);
        size_t end = slash ? (size_t)(slash - name.p) : name.len;
        if (end - i == 2 && name.p[i] == '.' && name.p[i + 1] == '.')
            return true;
        i = end + 1;
    }
    return false;
}

static bool
load_partial(void *self, gz_str name, gz_buf *source, char **path)
{
    const char *dir = self;
    if (escapes(name))
        return false;
    static const char *const suffixes[] = { "", ".liquid" };
    for (size_t i = 0; i < 2; i++) {
        gz_buf p = GZ_BUF_INIT;
        gz_buf_printf(&p, "%s/%.*s%s", dir, (int)name.len, name.p, suffixes[i]);
        struct stat st;
        if (stat(p.data, &st) == 0 && S_ISREG(st.st_mode) && read_file(p.data, source)) {
            *path = gz_buf_detach(&p, NULL);
            return true;
        }
        gz_buf_free(&p);
    }
    return false;
}

/* file:line:col: message, with the offending line and a caret when the
 * error is in the template itself (partials name their own file). */
static void
print_diags(const gz_diags *diags, const char *path, gz_str source)
{
    for (size_t i = 0; i < diags->len; i++) {
        gz_diag d = diags->items[i];
        bool own = !d.file;
        if (own)
            d.file = (char *)path;
        gz_diag_print(stderr, &d, own ? source : gz_str_n(NULL, 0));
    }
}

int
cli_liquid(int argc, char **argv)
{
    const char *template_path = NULL, *data_path = NULL, *partials = NULL;
    liq_options opts = { .mode = LIQ_LAX };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(NULL);
            return 0;
        }
        if (!strcmp(a, "--data") || !strcmp(a, "--partials") || !strcmp(a, "--mode")) {
            if (i + 1 >= argc)
                return usage("an option needs a value");
            const char *v = argv[++i];
            if (!strcmp(a, "--data"))
                data_path = v;
            else if (!strcmp(a, "--partials"))
                partials = v;
            else if (!strcmp(v, "strict"))
                opts.mode = LIQ_STRICT;
            else if (strcmp(v, "lax"))
                return usage("--mode is strict or lax");
        } else if (a[0] == '-' && a[1] == '-') {
            return usage("unknown option");
        } else if (template_path) {
            return usage("one template at a time");
        } else {
            template_path = a;
        }
    }
    if (!template_path)
        return usage("missing TEMPLATE_FILE");

    int status = 2;
    gz_buf source = GZ_BUF_INIT, json = GZ_BUF_INIT, err = GZ_BUF_INIT, out = GZ_BUF_INIT;
    gz_arena *arena = gz_arena_new();
    gz_diags diags = { 0 };
    liq_engine *engine = NULL;
    liq_template *t = NULL;
    gz_value data = gz_nil();

    if (!read_file(template_path, &source)) {
        fprintf(stderr, "gazette liquid: %s: %s\n", template_path, strerror(errno));
        goto done;
    }
    if (data_path) {
        if (!read_file(data_path, &json)) {
            fprintf(stderr, "gazette liquid: %s: %s\n", data_path, strerror(errno));
            goto done;
        }
        if (!gz_json_parse(arena, gz_buf_str(&json), &data, &err)) {
            fprintf(stderr, "gazette liquid: %s: %s\n", data_path, err.data);
            goto done;
        }
        if (data.type != GZ_HASH) {
            status = usage("--data must hold a JSON object");
            goto done;
        }
    }
    if (partials)
        opts.loader = (liq_loader){ load_partial, (void *)partials };
    engine = liq_engine_new(&opts);
    status = 1;
    t = liq_parse(engine, gz_buf_str(&source), NULL, &diags);
    if (!t)
        goto done;
    gz_drop_env env = { arena, NULL };
    liq_render_options ropts = { .env = &env, .errors_fatal = true };
    if (!liq_render(t, data.type == GZ_HASH ? data.u.h : NULL, &ropts, &out, &diags))
        goto done;
    fwrite(out.data ? out.data : "", 1, out.len, stdout);
    status = fflush(stdout) == 0 ? 0 : 1;
done:
    print_diags(&diags, template_path, gz_buf_str(&source));
    liq_template_free(t);
    liq_engine_free(engine);
    gz_diags_free(&diags);
    gz_arena_free(arena);
    gz_buf_free(&source);
    gz_buf_free(&json);
    gz_buf_free(&err);
    gz_buf_free(&out);
    return status;
}
