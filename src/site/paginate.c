/* jekyll-paginate 1.1 built in: when "jekyll-paginate" is among the
 * plugins and `paginate` is set, the index.html nearest to paginate_path
 * is the template of pages 2..N (at paginate_path with :num), and every
 * one of them, the template included, renders with a `paginator`. */
#include <stdlib.h>
#include <string.h>

#include "site/internal.h"

static gz_str
S(const char *s)
{
    return gz_str_c(s);
}

/* Directory of a source-relative path ("" at the top). */
static gz_str
dir_of(gz_str p)
{
    size_t n = p.len;
    while (n > 0 && p.p[n - 1] != '/')
        n--;
    return gz_str_n(p.p, n ? n - 1 : 0);
}

/* Pager.pagination_candidate?: an index.html whose directory is the
 * directory of paginate_path or one above it (below the source). */
static bool
candidate(const site_doc *d, gz_str paginate_dir)
{
    if (strcmp(d->name, "index.html"))
        return false;
    gz_str pd = dir_of(gz_str_c(d->relpath));
    for (gz_str up = paginate_dir;;) {
        if (gz_str_eq(pd, up))
            return true;
        if (!up.len)
            return false;
        up = dir_of(up);
    }
}

/* paginate_path with :num, with a leading slash; page 1 is the template's URL. */
static char *
page_path(site *s, const char *format, long num, const site_doc *tmpl)
{
    if (num <= 1)
        return gz_arena_strndup(s->arena, tmpl->url, strlen(tmpl->url));
    gz_buf b = GZ_BUF_INIT;
    if (format[0] != '/')
        gz_buf_putc(&b, '/');
    const char *at = strstr(format, ":num");
    if (at) {
        gz_buf_put(&b, format, (size_t)(at - format));
        gz_buf_printf(&b, "%ld", num);
        gz_buf_puts(&b, at + 4);
    } else
        gz_buf_puts(&b, format);
    char *r = gz_arena_strndup(s->arena, b.data, b.len);
    gz_buf_free(&b);
    return r;
}

void
site_paginate_add(site *s, gz_diags *d)
{
    site_paginate_v2_add(s, d); /* jekyll-paginate-v2, when it is a plugin */
    gz_value per = site_cfg(s, "paginate");
    if (!s->paginate || per.type == GZ_NIL || s->npages == 0)
        return;
    long per_page = per.type == GZ_INT     ? (long)per.u.i
                   : per.type == GZ_FLOAT ? (long)per.u.f
                   : per.type == GZ_STRING ? atol(per.u.s)
                                           : 0;
    const char *format = site_cfg_str(s, "paginate_path", "/page:num");
    /* File.dirname(File.expand_path(paginate_path without its leading slash)) */
    gz_str fmt = S(format);
    while (fmt.len && fmt.p[0] == '/') {
        fmt.p++;
        fmt.len--;
    }
    while (fmt.len && fmt.p[fmt.len - 1] == '/')
        fmt.len--;
    gz_str pdir = dir_of(fmt);
    site_doc *tmpl = NULL;
    for (size_t i = 0; i < s->npages; i++) {
        site_doc *p = s->pages[i];
        if (!p->inline_body && candidate(p, pdir) &&
            (!tmpl || strlen(p->relpath) > strlen(tmpl->relpath)))
            tmpl = p;
    }
    if (!tmpl || per_page <= 0)
        return;
    size_t nposts = 0;
    for (size_t i = 0; i < s->posts->ndocs; i++)
        nposts += !gz_truthy(site_data_get(s->posts->docs[i], "hidden"));
    long pages = (long)((nposts + (size_t)per_page - 1) / (size_t)per_page);
    gz_buf body = GZ_BUF_INIT;
    if (pages > 1 && !site_doc_body(s, tmpl, &body, d)) {
        gz_buf_free(&body);
        return;
    }
    const char *text = gz_arena_strndup(s->arena, body.data ? body.data : "", body.len);
    gz_buf_free(&body);
    for (long num = 1; num <= pages; num++) {
        site_doc *p = tmpl;
        if (num > 1) {
            /* Page.new(site, source, template.dir, "index.html") with dir
             * set after: relative_path (hence page.path) follows the new dir */
            p = gz_arena_alloc(s->arena, sizeof *p);
            *p = *tmpl;
            p->dir = page_path(s, format, num, tmpl);
            gz_buf rel = GZ_BUF_INIT;
            gz_buf_printf(&rel, "%s/%s", p->dir[0] == '/' ? p->dir + 1 : p->dir, tmpl->name);
            const char *r = rel.data;
            p->relpath = gz_arena_strndup(s->arena, r, rel.len);
            gz_buf_free(&rel);
            p->name = strrchr(p->relpath, '/') ? strrchr(p->relpath, '/') + 1 : p->relpath;
            p->inline_body = text;
            p->drop = NULL;
            atomic_init(&p->content.p, NULL);
            atomic_init(&p->excerpt.p, NULL);
            site_doc_url(s, p);
            if (s->npages == s->cappages) {
                s->cappages = s->cappages * 2;
                s->pages = gz_xrealloc(s->pages, s->cappages * sizeof *s->pages);
            }
            s->pages[s->npages++] = p;
        }
        p->page_num = num;
        p->page_total = pages;
        p->page_per = per_page;
        p->page_of = tmpl;
    }
}

/* Pager#to_liquid, once the posts have their drops. */
void
site_paginate_payload(site *s)
{
    site_paginate_v2_payload(s);
    gz_arena *a = s->arena;
    gz_array *all = gz_array_new(a, s->posts_desc->len);
    for (size_t i = 0; i < s->posts_desc->len; i++) {
        gz_value v = s->posts_desc->items[i];
        site_doc *doc = v.u.d->data;
        if (!gz_truthy(site_data_get(doc, "hidden")))
            gz_array_push(a, all, v);
    }
    const char *format = site_cfg_str(s, "paginate_path", "/page:num");
    for (size_t i = 0; i < s->npages; i++) {
        site_doc *p = s->pages[i];
        if (!p->page_num)
            continue;
        long num = p->page_num, per = p->page_per, total = p->page_total;
        size_t init = (size_t)((num - 1) * per);
        gz_array *posts = gz_array_new(a, (size_t)per);
        for (size_t k = init; k < all->len && k < init + (size_t)per; k++)
            gz_array_push(a, posts, all->items[k]);
        gz_hash *h = gz_hash_new(a, 10);
        gz_hash_set(a, h, S("page"), gz_int(num));
        gz_hash_set(a, h, S("per_page"), gz_int(per));
        gz_hash_set(a, h, S("posts"), gz_array_value(posts));
        gz_hash_set(a, h, S("total_posts"), gz_int((int64_t)all->len));
        gz_hash_set(a, h, S("total_pages"), gz_int(total));
        gz_hash_set(a, h, S("previous_page"), num != 1 ? gz_int(num - 1) : gz_nil());
        const char *prev = num != 1 ? page_path(s, format, num - 1, p->page_of) : NULL;
        gz_hash_set(a, h, S("previous_page_path"), prev ? gz_string(prev, strlen(prev)) : gz_nil());
        gz_hash_set(a, h, S("next_page"), num != total ? gz_int(num + 1) : gz_nil());
        const char *next = num != total ? page_path(s, format, num + 1, p->page_of) : NULL;
        gz_hash_set(a, h, S("next_page_path"), next ? gz_string(next, strlen(next)) : gz_nil());
        p->pager = h;
    }
}
