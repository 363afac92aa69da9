/* Internal to the site part: the model every site_*.c file shares. */
#ifndef SITE_INTERNAL_H
#define SITE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>

#include "core/arena.h"
#include "core/frontmatter.h"
#include "core/time.h"
#include "core/value.h"
#include "liquid/liquid.h"
#include "site/markdown.h"
#include "site/site.h"

typedef enum site_kind {
    SITE_POST,   /* a document of the posts collection (or a draft) */
    SITE_DOC,    /* a document of another collection */
    SITE_PAGE,   /* a page: a file with front matter outside collections */
    SITE_STATIC, /* copied as is */
} site_kind;

typedef struct site_coll site_coll;
typedef struct site_snapshot site_snapshot;

typedef struct site_watched_list {
    site_watched *v;
    size_t n, cap;
} site_watched_list;

/* A thread reading documents for site_load, in parallel with others: the
 * model's allocations go to its own arena (which lives as long as the
 * site), what it looks at to its own list, merged when all are done. */
typedef struct site_reader {
    gz_arena *arena;
    gz_arena *scratch;
    site_watched_list watched;
} site_reader;
typedef struct site_doc site_doc;

/* Rendered text shared between renders (a post's content read by the
 * feed): computed by whoever asks first, published with one CAS. The
 * published texts are also chained from the site (site.texts), so that
 * freeing them need not visit every document. */
typedef struct site_text {
    struct site_text *next;
    size_t len;
    char text[]; /* NUL-terminated */
} site_text;
typedef struct site_cache {
    _Atomic(site_text *) p; /* NULL until published; freed with the site */
} site_cache;

struct site_doc {
    site_kind kind;
    bool draft;
    bool markdown;        /* converted by the Markdown converter */
    bool has_front;       /* had a front matter block */
    const char *relpath;  /* relative to the source ("_posts/2022-..-x.md") */
    const char *name;     /* basename with extension */
    const char *ext;      /* ".md" (may be "") */
    const char *dir;      /* pages: directory relative to source, "" or "/about" */
    const char *url;      /* as Jekyll's url */
    const char *dest_rel; /* output path relative to dest, unescaped */
    const char *output_ext;
    gz_time date;         /* posts/docs: in the site's zone */
    gz_hash *data;        /* front matter merged with defaults and derived keys */
    gz_hash *defaults;    /* matching front matter defaults (for lookups) */
    size_t body_off;      /* where the content starts in the file */
    int body_line;        /* line number of the content's first line */
    site_coll *coll;      /* NULL for pages and plain static files */
    size_t index;         /* position in coll->docs */
    gz_drop *drop;        /* the document's drop (for posts, pages, docs) */
    const char *inline_body; /* generated pages (feed): the template itself */
    long page_num, page_total, page_per; /* jekyll-paginate: this page's pager */
    const site_doc *page_of; /* the pagination template page */
    gz_hash *pager;       /* paginator, built once posts have drops */
    uint64_t hash;        /* of the source file's bytes (site_source_info) */
    int64_t size, mtime_ns;
    int64_t ctime_ns;     /* the rest of the file's status, for the snapshot */
    uint64_t ino;
    size_t source;        /* index in site.sources */
    size_t output;        /* index in site.outputs, or SIZE_MAX */
    site_cache content;   /* converted content when read by another render */
    site_cache excerpt;   /* rendered excerpt */
    /* jekyll-paginate-v2: this page is page `listing_page` (1-based) of
     * `listing`, which says what it lists (see struct site_listing); NULL
     * for every other document. */
    const struct site_listing *listing;
    long listing_page;
    /* Posts: the date (seconds) front matter gave before the file name's
     * could apply, INT64_MIN when none; the file name's wins when it
     * equals site.time, so the model depends on the clock (snapshot.c). */
    int64_t given_date;
    /* Posts: not to be kept in the snapshot (reading it gave warnings). */
    bool no_snapshot;
    /* Posts taken from the last snapshot: their record there, copied as
     * is into the next one. */
    const char *snap_record;
    uint32_t snap_len;
};

struct site_coll {
    const char *label;
    const char *reldir;       /* "_posts" */
    bool output;
    const char *permalink;    /* url template */
    gz_hash *meta;            /* the collection's config */
    site_doc **docs;          /* sorted ascending (Jekyll's collection.docs) */
    size_t ndocs, capdocs;
    site_doc **files;         /* static files of the collection */
    size_t nfiles, capfiles;
    gz_drop *drop;
};

/* A parsed layout, shared read-only by every render. */
typedef struct site_layout {
    const char *name;
    const char *relpath;
    gz_hash *data;
    liq_template *tmpl;
    const char *parent;   /* data["layout"] as a string, or NULL */
    int body_line;
} site_layout;

/* include/exclude patterns, joined to the source once (reader.c). */
typedef struct site_glob {
    const char *path; /* SOURCE/pattern */
    size_t len;
    bool literal;     /* no wildcard: matching is a prefix test */
} site_glob;
typedef struct site_globs {
    site_glob *v;
    size_t n;
} site_globs;

struct site {
    gz_arena *arena;      /* everything of the model; freed with the site */
    gz_arena *scratch;    /* reset for each file the load parses */
    pthread_mutex_t arena_lock; /* for the rare model allocations during render */
    _Atomic(site_text *) texts; /* every published site_cache text */
    char *source;         /* absolute, no trailing slash */
    int source_fd;        /* an O_PATH descriptor of it: files are opened relative to it */
    char *dest;           /* absolute */
    gz_hash *config;
    const gz_tz *tz;      /* site timezone (or the local zone) */
    gz_time time;         /* site.time */
    bool future, show_drafts, unpublished;
    long limit_posts;
    const char *permalink_style; /* config "permalink" as given */
    const char *markdown;        /* "kramdown", "CommonMark", ... */
    bool rouge;                  /* kramdown highlights code with Rouge */
    site_commonmark_opts commonmark; /* markdown: CommonMark */
    const char *excerpt_sep;
    gz_str md_exts[16];
    size_t nmd_exts;
    bool feed;            /* jekyll-feed in plugins */
    bool paginate;        /* jekyll-paginate in plugins */

    site_coll **colls;    /* posts first, then config order */
    size_t ncolls;
    site_coll *posts;
    site_doc **pages;     /* sorted by name, as Jekyll does */
    size_t npages, cappages;
    site_doc **statics;   /* sorted by relative path */
    size_t nstatics, capstatics;
    site_layout *layouts;
    size_t nlayouts;
    gz_value data;        /* site.data */

    /* Indexes built once after reading. */
    gz_array *posts_desc;       /* site.posts: newest first (drops) */
    gz_hash *categories;        /* name -> array of post drops, newest first */
    gz_hash *tags;
    gz_array *pages_arr, *html_pages_arr, *static_arr, *docs_arr, *colls_arr;
    gz_drop *site_drop;

    /* Outputs in write order. */
    site_doc **outputs;
    size_t noutputs, capoutputs;
    /* Every document, page and static file, with unique keys (site_source_info). */
    site_doc **sources;
    const char **source_keys;
    size_t nsources;
    /* What the load looked at (site_watched), and until when it holds. */
    site_watched_list watched;
    int64_t valid_until;
    /* The last load's posts (snapshot.c), and what they depend on. */
    site_snapshot *snapshot;
    uint64_t model_fp;
    int64_t load_start_ns; /* CLOCK_REALTIME when the load began */
    /* Arenas of the threads that read documents (site_reader). */
    gz_arena **reader_arenas;
    size_t nreader_arenas;

    liq_engine *liquid;
    liq_memo *memo;   /* fragments of layouts rendered once per build */
    liq_site_hooks hooks;
    liq_custom_tag plugin_tags[1]; /* the plugins' tags: feed_meta */
    const char *keep[64];
    size_t nkeep;
    site_globs include_globs, exclude_globs;
};

/* ---- config.c ---- */
/* Reads _config.yml (or opts->configs) over Jekyll's defaults into s->config. */
bool site_config_load(site *s, const site_options *o, gz_diags *d);
/* Deep merge as Jekyll's Utils.deep_merge_hashes (overwrite wins; nil
 * keeps the old value; hashes merge). Returns a new hash. */
gz_hash *site_deep_merge(gz_arena *a, const gz_hash *base, const gz_hash *over);
/* The same merge into `into` itself, which must belong to the caller
 * alone (its nested hashes are merged into new ones: they may be shared). */
void site_merge_into(gz_arena *a, gz_hash *into, const gz_hash *over);
gz_value site_cfg(const site *s, const char *key);
const char *site_cfg_str(const site *s, const char *key, const char *dflt);

/* ---- yaml glue (frontmatter.c) ---- */
/* Parses YAML text (from a file's first line) as Psych.safe_load does;
 * times without an offset are shown in `local`. */
bool site_yaml(gz_arena *a, gz_str text, const char *file, const gz_tz *local, gz_value *out,
               gz_diags *d);
/* Splits Jekyll front matter (gz_front_matter_split, which also checks
 * that the file is UTF-8): on GZ_FM_FOUND *yaml is its text, *body_off
 * where content starts. */
gz_fm_status site_front_split(gz_str file, gz_str *yaml, size_t *body_off, int *body_line);

/* ---- reader.c ---- */
bool site_read(site *s, gz_diags *d);
/* Whether a file has a front matter header ("---" line first). */
bool site_has_yaml_header(const char *abspath);

/* ---- document.c ---- */
/* A document with what its path alone tells (name, extension, converter). */
site_doc *site_doc_new(site *s, site_kind kind, site_coll *c, const char *relpath,
                       const char *dir, bool draft);
site_doc *site_doc_read(site *s, site_kind kind, site_coll *c, const char *relpath,
                        const char *dir, bool draft, gz_diags *d);
/* Front matter defaults for a path and type ("posts", "pages", ...). */
gz_hash *site_defaults_for(site *s, const char *relpath, const char *type);
/* Reads the document's content (after front matter) into out. */
bool site_doc_body(site *s, const site_doc *doc, gz_buf *out, gz_diags *d);
/* Parses a date string as Jekyll's Utils.parse_date (Time.parse, in the site's zone). */
bool site_parse_date(site *s, gz_value v, gz_time *out);
gz_value site_data_get(const site_doc *doc, const char *key);

/* ---- permalink.c ---- */
void site_doc_url(site *s, site_doc *doc);
/* URL.escape_path as Jekyll does it (Addressable::URI.encode). */
void site_url_escape_path(gz_buf *out, gz_str path);
void site_url_unescape(gz_buf *out, gz_str path);
/* Utils.slugify with a mode ("default", "pretty", "raw", "ascii", "latin"). */
void site_slugify(gz_buf *out, gz_str s, const char *mode, bool cased);

/* ---- markdown.c ---- */
void site_markdown(const site *s, gz_str text, gz_buf *html);

/* ---- drops.c ---- */
void site_drops_init(site *s);
gz_drop *site_doc_drop(site *s, site_doc *doc);

/* The per-render state reached from gz_drop_env.user. */
typedef enum site_stage { STAGE_BODY, STAGE_LAYOUT, STAGE_EXCERPT } site_stage;
typedef struct site_capture site_capture;
typedef struct site_render site_render;
struct site_render {
    site *site;
    site_doc *doc;          /* the document being rendered */
    site_stage stage;
    gz_str raw_content;     /* the doc's content before rendering */
    gz_str converted;       /* after conversion (valid from STAGE_LAYOUT) */
    const site_doc *stack[16]; /* documents whose content this render computes */
    int depth;
    gz_diags *diags;
    /* Drops record what they are asked (DESIGN.md); NULL = nobody listens. */
    site_dep_fn record;
    void *record_self;
    /* Reads of fragments shared between renders, while one is computed
     * (shared_reads.c); NULL until the first. */
    site_capture *capture;
    /* The document's own excerpt, once this render computed it: kept here
     * and freed with the render rather than cached for the whole build,
     * so that excerpts (often the whole post) do not stay resident. */
    site_text *own_excerpt;
};

/* Reports a dependency of the render (when somebody listens). */
void site_record(const site_render *r, site_dep_kind kind, const site_doc *doc, gz_str name);
void site_record_dep(const site_render *r, site_dep dep);

/* ---- shared_reads.c ---- */
/* The recorder of the site's liq_memo: user is the site_render. */
extern const liq_memo_recorder site_shared_reads;
/* Adds a dependency to the recordings in progress (if any). */
void site_capture_add(site_capture *c, site_dep dep);
void site_capture_free(site_capture *c);
/* What was just read depends on the document being rendered: no fragment
 * being computed is shared. */
void site_render_taint(const site_render *r);
/* The render running on this thread (for hooks called without one). */
site_render *site_current_render(void);

/* ---- site.c ---- */
/* The post {% post_url name %} names (PostComparer), or NULL. */
site_doc *site_find_post(const site *s, gz_str name);

/* ---- reader.c ---- */
/* The arena for the model's allocations on this thread: its site_reader's
 * while it reads documents, else the site's. */
gz_arena *site_arena(site *s);
/* A scratch arena for the current file (reset by whoever uses it). */
gz_arena *site_scratch(site *s);
site_reader *site_current_reader(void);

/* ---- fingerprint.c ---- */
void site_watched_push(site_watched_list *l, site_watched w);
/* Notes that the load looked at path (a file, or a folder whose sorted
 * entries are names[0..n)), whose status was st. */
void site_watch(site *s, const char *path, const struct stat *st, char *const *names, size_t n);
/* The same for a file at rel below the source, a string that lives as
 * long as the site: kept as it is (a million posts, no copies). */
void site_watch_file(site *s, const char *rel, const struct stat *st);
/* Numbers the sources and gives each a unique key (after the outputs). */
void site_sources_init(site *s);
/* Sets doc's size, mtime and hash from the file's status and bytes
 * (static files, which are not read: a hash of size and mtime). */
void site_doc_fingerprint(site_doc *doc, gz_str bytes, const struct stat *st);

/* ---- snapshot.c: the last load's posts (site.h) ---- */
/* What every post's model depends on besides its own file: config,
 * options, the time zone (site_load sets s->model_fp with it). */
uint64_t site_model_fingerprint(const site *s);
/* Reads the snapshot at path when it was made for s->model_fp; NULL when
 * there is none or it cannot be used (a warning in d says why). */
site_snapshot *site_snapshot_open(const site *s, const char *path, gz_diags *d);
void site_snapshot_close(site_snapshot *snap);
/* The post at relpath (whose status is st) as the snapshot holds it, in
 * the current thread's arena; NULL when the file is not the one the
 * snapshot saw. Thread-safe. */
site_doc *site_snapshot_restore(site *s, const char *relpath, const char *dir,
                                const struct stat *st);
/* Writes the snapshot of s->posts to path (a warning in d on failure). */
void site_snapshot_save(site *s, const char *path, gz_diags *d);

/* ---- render.c ---- */
/* The document's converted content (liquid + markdown, no layout). */
bool site_content(site_render *r, site_doc *doc, gz_str *out);
bool site_excerpt(site_render *r, site_doc *doc, gz_str *out);

/* ---- paginate.c ---- */
/* Adds the pages 2..N of jekyll-paginate (before the drops are made). */
void site_paginate_add(site *s, gz_diags *d);
/* Builds every paginated page's paginator (after the drops are made). */
void site_paginate_payload(site *s);

/* ---- paginate_v2.c, autopages.c: jekyll-paginate-v2 3.0 ---- */
/* One paginated listing: a page with `pagination: enabled: true`, or an
 * autopage (one per category, tag or collection). Its pages are site
 * pages with doc->listing set; page N shows docs[(N-1)*per_page ...] of
 * the listing, and every page shows ndocs and total_pages, so a change in
 * which documents a listing holds (or in their sort field) changes all of
 * its pages: page N of category X depends on the documents of X, i.e. on
 * every post whose categories, lower-cased and split at ',' and ';' as
 * the plugin does, include X (site.categories keeps the names as written,
 * so its keys are not exactly these). */
typedef enum site_listing_kind {
    SITE_LISTING_PAGE,       /* a page of the source with pagination enabled */
    SITE_LISTING_CATEGORY,   /* an autopage of autopages.categories */
    SITE_LISTING_TAG,        /* autopages.tags */
    SITE_LISTING_COLLECTION, /* autopages.collections */
} site_listing_kind;
typedef struct site_listing {
    site_listing_kind kind;
    const char *key;          /* the category, tag or collection (lower-cased); NULL for PAGE */
    const char *source;       /* the file it is made from: the page, or the autopage's layout */
    const site_doc *tmpl;     /* the template page (not itself in site.pages) */
    /* What it lists: the documents of these collections that have every
     * one of these categories, tags and locales (keys lower-cased). */
    const char **collections, **categories, **tags, **locales;
    size_t ncollections, ncategories, ntags, nlocales;
    site_doc **docs;          /* the documents listed, in order, over all pages */
    size_t ndocs;
    long per_page, total_pages;
    long trail_before, trail_after; /* paginator.page_trail; 0, 0: none */
    site_doc **pages;         /* its pages, 1..total_pages */
    const char **paths;       /* each page's paginator.page_path */
    const char *first_url, *paged_url; /* URL patterns with :num and :max */
} site_listing;

/* Adds autopages and the pages of every listing; removes the templates
 * from s->pages (before the drops are made). A no-op unless
 * "jekyll-paginate-v2" is among the plugins. */
void site_paginate_v2_add(site *s, gz_diags *d);
/* Builds the paginator of every listing page (after the drops are made). */
void site_paginate_v2_payload(site *s);
/* What a listing page's paginator shows that its template does not: its
 * URL, its page of how many, and which documents it lists (for the
 * page's fingerprint: a post that joins a category changes it). */
uint64_t site_listing_fingerprint(const site_doc *d);
/* Between paginate_v2.c and autopages.c. */
typedef void (*site_pv2_key_fn)(void *self, gz_str key, gz_str raw);
/* The keys the plugin indexes a document by from a value of its data
 * (a string split at ';' ',' and white space, or a list): each piece
 * split again at ';' and ',', lower-cased and stripped (key), and as
 * written (raw). */
void site_pv2_keys(gz_value v, site_pv2_key_fn fn, void *self);
/* Ruby's File.join(a, b) and String#sub(pattern, replacement). */
void site_pv2_join(gz_buf *out, gz_str a, gz_str b);
void site_pv2_sub(gz_buf *out, gz_str s, gz_str pattern, gz_str replacement);
/* Page#destination for a generated page's URL, relative to the destination. */
const char *site_pv2_dest(site *s, gz_str url, const char *output_ext);
/* The first line of source file relpath with `key:` (or, when !as_key,
 * with the text anywhere); 0 when there is none. */
int site_pv2_line(site *s, const char *relpath, const char *key, bool as_key);
/* An autopage, as site_autopages_add appended it to s->pages. */
typedef struct site_autopage {
    site_doc *doc;
    site_listing_kind kind;
    const char *key;          /* the category, tag or collection */
    const char *layout;       /* "_layouts/autopage_category.html" */
    const gz_hash *own;       /* the layout's `pagination:` front matter, or NULL */
} site_autopage;
/* AutoPages.create_autopages: appends the autopages of `ap` (the merged
 * autopages config) with pagination config `pg` to s->pages and lists
 * them in *out (malloc'd); false on an error. */
bool site_autopages_add(site *s, gz_hash *ap, gz_hash *pg, site_autopage **out, size_t *nout,
                        gz_diags *d);

/* ---- feed.c ---- */
void site_feed_add(site *s);
extern const char site_feed_template[];
/* {% feed_meta %} (a liq_custom_tag; self is the site). */
bool site_feed_meta(void *self, liq_ctx *ctx, gz_str markup, gz_buf *out);

#endif
