/* The ingest state: SQLite under <site>/.gazette/. It only speeds up and
 * remembers what the posts already say, so when it is missing (or was left
 * half-built) it is rebuilt from their front matter. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "ingest/internal.h"

#define SCHEMA                                                                          \
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"               \
    "CREATE TABLE IF NOT EXISTS items(source TEXT, source_id TEXT, link TEXT,"          \
    "  path TEXT NOT NULL, date TEXT, title_hash INTEGER, body_hash INTEGER,"           \
    "  body_len INTEGER, content_key INTEGER, UNIQUE(source, source_id));"              \
    "CREATE INDEX IF NOT EXISTS items_link ON items(link);"                             \
    "CREATE INDEX IF NOT EXISTS items_content ON items(content_key);"                   \
    "CREATE INDEX IF NOT EXISTS items_path ON items(path);"                             \
    "CREATE TABLE IF NOT EXISTS feeds(url TEXT PRIMARY KEY, etag TEXT, modified TEXT);" \
    "CREATE TABLE IF NOT EXISTS sources(name TEXT PRIMARY KEY, ok INTEGER,"             \
    "  message TEXT, checked_at INTEGER);"                                              \
    "CREATE TABLE IF NOT EXISTS slugs(name TEXT PRIMARY KEY, slug TEXT NOT NULL);"      \
    "CREATE INDEX IF NOT EXISTS slugs_slug ON slugs(slug);"

#define ITEM_COLUMNS "source, source_id, link, path, date, title_hash, body_hash, body_len, content_key"

enum {
    Q_BY_ID, Q_BY_LINK, Q_BY_CONTENT, Q_BY_PATH, Q_PUT, Q_VALIDATORS, Q_SET_VALIDATORS,
    Q_SET_STATUS, Q_SLUG_OF, Q_SLUG_OWNER, Q_SET_SLUG, Q_COUNT
};

static const char *const queries[Q_COUNT] = {
    [Q_BY_ID] = "SELECT " ITEM_COLUMNS " FROM items WHERE source = ?1 AND source_id = ?2",
    [Q_BY_LINK] = "SELECT " ITEM_COLUMNS " FROM items WHERE link = ?1 LIMIT 1",
    [Q_BY_CONTENT] = "SELECT " ITEM_COLUMNS " FROM items WHERE content_key = ?1 LIMIT 1",
    [Q_BY_PATH] = "SELECT " ITEM_COLUMNS " FROM items WHERE path = ?1 LIMIT 1",
    [Q_PUT] = "INSERT OR REPLACE INTO items(" ITEM_COLUMNS ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
    [Q_VALIDATORS] = "SELECT etag, modified FROM feeds WHERE url = ?1",
    [Q_SET_VALIDATORS] = "INSERT OR REPLACE INTO feeds(url, etag, modified) VALUES (?1, ?2, ?3)",
    [Q_SET_STATUS] = "INSERT OR REPLACE INTO sources(name, ok, message, checked_at) VALUES (?1,?2,?3,?4)",
    [Q_SLUG_OF] = "SELECT slug FROM slugs WHERE name = ?1",
    [Q_SLUG_OWNER] = "SELECT name FROM slugs WHERE slug = ?1 LIMIT 1",
    [Q_SET_SLUG] = "INSERT OR REPLACE INTO slugs(name, slug) VALUES (?1, ?2)",
};

struct ingest_state {
    sqlite3 *db;
    sqlite3_stmt *q[Q_COUNT];
};

void
ingest_record_release(ingest_record *r)
{
    free(r->source);
    free(r->source_id);
    free(r->link);
    free(r->path);
    free(r->date);
    memset(r, 0, sizeof *r);
}

static char *
column_text(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? gz_xstrndup((const char *)t, (size_t)sqlite3_column_bytes(s, i)) : NULL;
}

static void
bind_text(sqlite3_stmt *s, int i, const char *t)
{
    if (t)
        sqlite3_bind_text(s, i, t, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

/* Runs a bound item query; fills *out from the first row. */
static bool
item_row(sqlite3_stmt *s, ingest_record *out)
{
    bool found = sqlite3_step(s) == SQLITE_ROW;
    if (found && out) {
        out->source = column_text(s, 0);
        out->source_id = column_text(s, 1);
        out->link = column_text(s, 2);
        out->path = column_text(s, 3);
        out->date = column_text(s, 4);
        out->title_hash = (uint64_t)sqlite3_column_int64(s, 5);
        out->body_hash = (uint64_t)sqlite3_column_int64(s, 6);
        out->body_len = sqlite3_column_int64(s, 7);
        out->content_key = (uint64_t)sqlite3_column_int64(s, 8);
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return found;
}

bool
ingest_state_by_id(ingest_state *st, const char *source, const char *source_id, ingest_record *out)
{
    bind_text(st->q[Q_BY_ID], 1, source);
    bind_text(st->q[Q_BY_ID], 2, source_id);
    return item_row(st->q[Q_BY_ID], out);
}

bool
ingest_state_by_link(ingest_state *st, const char *link, ingest_record *out)
{
    if (!link || !*link)
        return false;
    bind_text(st->q[Q_BY_LINK], 1, link);
    return item_row(st->q[Q_BY_LINK], out);
}

bool
ingest_state_by_content(ingest_state *st, uint64_t key, ingest_record *out)
{
    if (key == 0)
        return false;
    sqlite3_bind_int64(st->q[Q_BY_CONTENT], 1, (sqlite3_int64)key);
    return item_row(st->q[Q_BY_CONTENT], out);
}

bool
ingest_state_by_path(ingest_state *st, const char *path, ingest_record *out)
{
    bind_text(st->q[Q_BY_PATH], 1, path);
    return item_row(st->q[Q_BY_PATH], out);
}

static bool
step_done(ingest_state *st, sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE)
        fprintf(stderr, "gazette: ingest state: %s\n", sqlite3_errmsg(st->db));
    return rc == SQLITE_DONE;
}

bool
ingest_state_put(ingest_state *st, const ingest_record *r)
{
    sqlite3_stmt *s = st->q[Q_PUT];
    bind_text(s, 1, r->source);
    bind_text(s, 2, r->source_id);
    bind_text(s, 3, r->link && *r->link ? r->link : NULL);
    bind_text(s, 4, r->path);
    bind_text(s, 5, r->date);
    sqlite3_bind_int64(s, 6, (sqlite3_int64)r->title_hash);
    sqlite3_bind_int64(s, 7, (sqlite3_int64)r->body_hash);
    sqlite3_bind_int64(s, 8, r->body_len);
    sqlite3_bind_int64(s, 9, (sqlite3_int64)r->content_key);
    return step_done(st, s);
}

void
ingest_state_validators(ingest_state *st, const char *url, char **etag, char **modified)
{
    sqlite3_stmt *s = st->q[Q_VALIDATORS];
    bind_text(s, 1, url);
    *etag = *modified = NULL;
    if (sqlite3_step(s) == SQLITE_ROW) {
        *etag = column_text(s, 0);
        *modified = column_text(s, 1);
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
}

void
ingest_state_set_validators(ingest_state *st, const char *url, const char *etag,
                            const char *modified)
{
    sqlite3_stmt *s = st->q[Q_SET_VALIDATORS];
    bind_text(s, 1, url);
    bind_text(s, 2, etag);
    bind_text(s, 3, modified);
    step_done(st, s);
}

void
ingest_state_set_status(ingest_state *st, const char *source, bool ok, const char *why)
{
    sqlite3_stmt *s = st->q[Q_SET_STATUS];
    bind_text(s, 1, source);
    sqlite3_bind_int(s, 2, ok);
    bind_text(s, 3, why);
    sqlite3_bind_int64(s, 4, (sqlite3_int64)time(NULL));
    step_done(st, s);
}

static char *
one_text(sqlite3_stmt *s, const char *arg)
{
    bind_text(s, 1, arg);
    char *r = sqlite3_step(s) == SQLITE_ROW ? column_text(s, 0) : NULL;
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return r;
}

char *
ingest_state_slug_of(ingest_state *st, const char *name)
{
    return one_text(st->q[Q_SLUG_OF], name);
}

char *
ingest_state_slug_owner(ingest_state *st, const char *slug)
{
    return one_text(st->q[Q_SLUG_OWNER], slug);
}

void
ingest_state_set_slug(ingest_state *st, const char *name, const char *slug)
{
    bind_text(st->q[Q_SET_SLUG], 1, name);
    bind_text(st->q[Q_SET_SLUG], 2, slug);
    step_done(st, st->q[Q_SET_SLUG]);
}

static bool
exec(ingest_state *st, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return true;
    fprintf(stderr, "gazette: ingest state: %s\n", msg ? msg : sqlite3_errmsg(st->db));
    sqlite3_free(msg);
    return false;
}

bool
ingest_state_begin(ingest_state *st)
{
    return exec(st, "BEGIN IMMEDIATE");
}

bool
ingest_state_commit(ingest_state *st)
{
    return exec(st, "COMMIT");
}

/* ---- rebuild from the posts ----------------------------------------- */

bool
ingest_state_index_post(ingest_state *st, const ingest_config *cfg, const char *name)
{
    gz_arena *a = gz_arena_new();
    gz_buf path = GZ_BUF_INIT, footer = GZ_BUF_INIT;
    gz_buf_printf(&path, "%s/%s", cfg->posts_dir, name);
    ingest_post_file pf;
    bool ok = ingest_post_read(a, path.data, &pf);
    if (!ok)
        goto done;
    ingest_post p = {
        .title = ingest_front_str(a, &pf, "title"),
        .link = ingest_front_str(a, &pf, "link"),
        .source = ingest_front_str(a, &pf, "source"),
        .source_id = ingest_front_str(a, &pf, "source_id"),
        .slug = ingest_front_str(a, &pf, "categories"),
        .tag = ingest_front_str(a, &pf, "tags"),
        .date = ingest_front_str(a, &pf, "date").p,
    };
    /* The body without the footer this config would add. */
    p.body = pf.body;
    if (cfg->footer && *cfg->footer) {
        ingest_footer_render(&footer, cfg->footer, &p);
        gz_str f = gz_buf_str(&footer);
        if (gz_str_eq(p.body, f))
            p.body.len = 0;
        else if (gz_str_ends_with(p.body, f) && p.body.len >= f.len + 2 &&
                 !memcmp(p.body.p + p.body.len - f.len - 2, "\n\n", 2))
            p.body.len -= f.len + 2;
    } else if (gz_str_ends_with(p.body, GZ_STR("\n"))) {
        p.body.len--;
    }
    ingest_record r;
    ingest_record_fill(&r, &p, name);
    ingest_state_put(st, &r);
    ingest_record_release(&r);
    if (p.source.len && p.slug.len) {
        char *src = gz_arena_strndup(a, p.source.p, p.source.len);
        char *slug = gz_arena_strndup(a, p.slug.p, p.slug.len);
        char *known = ingest_state_slug_of(st, src);
        if (!known)
            ingest_state_set_slug(st, src, slug);
        free(known);
    }
done:
    gz_buf_free(&path);
    gz_buf_free(&footer);
    gz_arena_free(a);
    return ok;
}

static bool
rebuild(ingest_state *st, const ingest_config *cfg)
{
    if (!ingest_state_begin(st))
        return false;
    exec(st, "DELETE FROM items; DELETE FROM slugs;");
    DIR *d = opendir(cfg->posts_dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t len = strlen(e->d_name);
            if (e->d_name[0] != '.' && len > 3 && !strcmp(e->d_name + len - 3, ".md"))
                ingest_state_index_post(st, cfg, e->d_name);
        }
        closedir(d);
    }
    exec(st, "INSERT OR REPLACE INTO meta(key, value) VALUES ('complete', '1')");
    return ingest_state_commit(st);
}

static bool
is_complete(ingest_state *st)
{
    sqlite3_stmt *s;
    bool done = false;
    if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key = 'complete'", -1, &s,
                           NULL) == SQLITE_OK) {
        done = sqlite3_step(s) == SQLITE_ROW;
        sqlite3_finalize(s);
    }
    return done;
}

ingest_state *
ingest_state_open(const ingest_config *cfg, gz_buf *err)
{
    ingest_state *st = gz_xcalloc(1, sizeof *st);
    gz_buf path = GZ_BUF_INIT;
    gz_buf_printf(&path, "%s/.gazette", cfg->site_dir);
    if (mkdir(path.data, 0755) != 0 && errno != EEXIST) {
        gz_buf_printf(err, "%s: %s", path.data, strerror(errno));
        goto fail;
    }
    gz_buf_puts(&path, "/ingest.db");
    if (sqlite3_open(path.data, &st->db) != SQLITE_OK) {
        gz_buf_printf(err, "%s: %s", path.data, sqlite3_errmsg(st->db));
        goto fail;
    }
    sqlite3_busy_timeout(st->db, 10000);
    /* WAL: a crash at any instant leaves the last committed state. */
    if (!exec(st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;") || !exec(st, SCHEMA)) {
        gz_buf_printf(err, "%s: %s", path.data, sqlite3_errmsg(st->db));
        goto fail;
    }
    for (int i = 0; i < Q_COUNT; i++)
        if (sqlite3_prepare_v2(st->db, queries[i], -1, &st->q[i], NULL) != SQLITE_OK) {
            gz_buf_printf(err, "%s: %s", path.data, sqlite3_errmsg(st->db));
            goto fail;
        }
    if (!is_complete(st) && !rebuild(st, cfg)) {
        gz_buf_printf(err, "%s: rebuilding from %s failed: %s", path.data, cfg->posts_dir,
                      sqlite3_errmsg(st->db));
        goto fail;
    }
    gz_buf_free(&path);
    return st;
fail:
    gz_buf_free(&path);
    ingest_state_close(st);
    return NULL;
}

void
ingest_state_close(ingest_state *st)
{
    if (!st)
        return;
    for (int i = 0; i < Q_COUNT; i++)
        sqlite3_finalize(st->q[i]);
    sqlite3_close(st->db);
    free(st);
}
