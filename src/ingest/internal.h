/* Internals shared by the files of src/ingest/; not part of the door. */
#ifndef INGEST_INTERNAL_H
#define INGEST_INTERNAL_H

#include <signal.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/value.h"
#include "ingest/ingest.h"

/* ---- items: what a feed says, before it becomes a post (item.c) ------- */

/* Raw fields of one feed item, valid UTF-8, in the pass's arena. A field
 * the feed lacks is {NULL, 0}. */
typedef struct ingest_item {
    size_t index; /* 0-based position in the feed, for messages */
    gz_str id, title, date, body, link, source;
    bool body_is_text; /* body is plain text, not HTML */
} ingest_item;

typedef struct ingest_items {
    ingest_item *v;
    size_t len, cap;
} ingest_items;

ingest_item *ingest_items_push(gz_arena *a, ingest_items *items);

/* Reads an item date: RFC 3339, RFC 2822, "YYYY-MM-DD HH:MM:SS" (in
 * `local`), unix seconds (or milliseconds when 13 digits). */
bool ingest_parse_date(gz_str s, const gz_tz *local, gz_time *out);

/* Trims ASCII and ideographic whitespace at both ends. */
gz_str ingest_trim(gz_str s);

/* ---- fetching (fetch.c) ---------------------------------------------- */

typedef struct ingest_fetch {
    /* request, borrowed */
    const char *url;
    const char *const *headers; /* "Name: value" */
    size_t nheaders;
    long timeout_ms;
    int retries;
    size_t max_bytes;
    const char *etag, *last_modified; /* validators of the last good response */
    /* response, owned (ingest_fetch_release) */
    bool ok;           /* a 2xx (or 304) response arrived complete */
    bool not_modified; /* 304 */
    long status;
    int attempts;
    gz_buf body;
    char *content_type, *etag_out, *last_modified_out;
    char error[256]; /* why, when !ok */
} ingest_fetch;

/* Runs every request concurrently (libcurl multi) with timeouts, retries
 * with backoff on 5xx and network errors, conditional GET, a size limit and
 * at most 5 redirects. Returns when all are done or `stop` is set. */
void ingest_fetch_run(ingest_fetch *reqs, size_t n, const volatile sig_atomic_t *stop);
void ingest_fetch_release(ingest_fetch *f);

/* ---- charsets (charset.c) -------------------------------------------- */

/* The charset a document declares: the XML prolog's encoding (when `xml`),
 * else the Content-Type's charset, else NULL (UTF-8). */
const char *ingest_charset(gz_arena *a, gz_str body, const char *content_type, bool xml);

/* Decodes `in` to UTF-8 (GBK, GB2312, GB18030, Big5 and whatever iconv
 * knows); an invalid sequence becomes U+FFFD; a UTF-8 BOM is dropped.
 * Returns false (and copies nothing) for an unknown charset. */
bool ingest_to_utf8(gz_buf *out, gz_str in, const char *charset);

/* ---- feed parsers (feed_xml.c, feed_json.c) ---------------------------- */

/* RSS 0.9x/1.0/2.0 and Atom 1.0, told apart by the root element. The
 * input is UTF-8 whatever its prolog says. On a malformed document returns
 * false with "line L column C: reason" in err. */
bool ingest_parse_xml(gz_arena *a, gz_str doc, ingest_items *out, gz_buf *err);

/* JSON Feed 1.0/1.1. */
bool ingest_parse_jsonfeed(gz_arena *a, gz_str doc, ingest_items *out, gz_buf *err);

/* A JSON API: the array at src->items, each field at its pointer. */
bool ingest_parse_json_api(gz_arena *a, gz_str doc, const ingest_source *src,
                           ingest_items *out, gz_buf *err);

/* RFC 6901: the value at `pointer` inside `root`; false when absent. */
bool ingest_json_pointer(gz_value root, const char *pointer, gz_value *out);

/* A scalar as text (strings as they are, numbers in decimal); false for
 * nil, arrays and hashes. */
bool ingest_json_text(gz_arena *a, gz_value v, gz_str *out);

/* ---- HTML (clean_html.c) --------------------------------------------- */

/* Appends `html` without script/style/iframe/object/embed elements, event
 * handler attributes and javascript: URLs, with the ideographic spaces that
 * indent paragraphs removed, and with Liquid's `{{` and `{%` escaped so the
 * post always renders. */
void ingest_clean_html(gz_buf *out, gz_str html);

/* Plain text to HTML paragraphs: blank lines separate <p>s. */
void ingest_text_to_html(gz_buf *out, gz_str text);

/* The text of an HTML fragment, entities decoded, tags dropped. */
void ingest_html_text(gz_buf *out, gz_str html);

/* ---- names (pinyin.c, slug.c) ---------------------------------------- */

/* Han characters as toneless pinyin (Unihan kMandarin), Latin letters
 * lowercased without diacritics, digits kept, everything else dropped. */
void ingest_pinyin_slug(gz_buf *out, gz_str name);

/* The file-name id: [A-Za-z0-9_-] of `id`, or a short hash when nothing is
 * left or the id is too long for a file name. */
void ingest_file_id(gz_buf *out, gz_str id);

/* 16 hex digits of a 64-bit hash, or the first `digits` of them. */
void ingest_hex_hash(gz_buf *out, gz_str s, int digits);

/* ---- state (state.c) -------------------------------------------------- */

typedef struct ingest_state ingest_state;

/* What the state knows about one post. Strings are heap copies owned by
 * the record (ingest_record_release). */
typedef struct ingest_record {
    char *source, *source_id, *link, *path, *date;
    uint64_t title_hash, body_hash, content_key;
    int64_t body_len;
} ingest_record;

void ingest_record_release(ingest_record *r);

/* Opens (creating) <site>/.gazette/ingest.db; when it was missing or
 * unreadable, rebuilds it from the posts' front matter. */
ingest_state *ingest_state_open(const ingest_config *cfg, gz_buf *err);
void ingest_state_close(ingest_state *st);

bool ingest_state_begin(ingest_state *st);
bool ingest_state_commit(ingest_state *st);

bool ingest_state_by_id(ingest_state *st, const char *source, const char *source_id,
                        ingest_record *out);
bool ingest_state_by_link(ingest_state *st, const char *link, ingest_record *out);
bool ingest_state_by_content(ingest_state *st, uint64_t key, ingest_record *out);
bool ingest_state_by_path(ingest_state *st, const char *path, ingest_record *out);
bool ingest_state_put(ingest_state *st, const ingest_record *r);
/* Records the post `name` of the posts folder as its front matter says. */
bool ingest_state_index_post(ingest_state *st, const ingest_config *cfg, const char *name);

/* Conditional GET validators of a source URL (heap strings or NULL). */
void ingest_state_validators(ingest_state *st, const char *url, char **etag, char **modified);
void ingest_state_set_validators(ingest_state *st, const char *url, const char *etag,
                                 const char *modified);
void ingest_state_set_status(ingest_state *st, const char *source, bool ok, const char *why);

/* Category slugs by source name: the slug recorded for `name`, or NULL;
 * and the name that owns `slug`, or NULL. Heap strings. */
char *ingest_state_slug_of(ingest_state *st, const char *name);
char *ingest_state_slug_owner(ingest_state *st, const char *slug);
void ingest_state_set_slug(ingest_state *st, const char *name, const char *slug);

/* The category slug of a source name: its recorded slug, else `fixed` or
 * the pinyin slug if no other name owns it, else that slug with a short
 * hash of the name. Recorded in the state. Returned in arena `a`. */
const char *ingest_slug_resolve(ingest_state *st, gz_arena *a, const char *name,
                                const char *fixed);

/* ---- posts (post_write.c, post_read.c) -------------------------------- */

typedef struct ingest_post {
    gz_str title, body, link, source, source_id, slug, tag;
    const char *layout;
    const char *date; /* "YYYY-MM-DD HH:MM:SS +HHMM" */
} ingest_post;

/* The post file: front matter, body, "\n\n" and the footer. */
void ingest_post_render(gz_buf *out, const ingest_post *p, const char *footer);

/* A category page: layout category, title {tag}, category {slug}. */
void ingest_page_render(gz_buf *out, gz_str tag, gz_str slug);

/* The footer template with {link} {name} {slug} {tag} filled in. */
void ingest_footer_render(gz_buf *out, const char *footer, const ingest_post *p);

/* Writes `dir/name` through a temporary file in `dir`, fsynced and renamed
 * into place. Leaves the file untouched when its bytes are the same. */
bool ingest_write_file(const char *dir, const char *name, gz_str bytes, gz_buf *err);

/* Posts written in batches, for speed with the same guarantee: each goes
 * to a temporary file; a flush (every 512 posts, and at the end) makes
 * the batch durable with one syncfs(), then renames each file into place
 * and syncs the folder. A post is never visible half-written. */
typedef struct ingest_writer ingest_writer;
ingest_writer *ingest_writer_new(const char *dir);
/* `is_new`: the caller knows no file has that name (skips a comparison). */
bool ingest_writer_add(ingest_writer *w, const char *name, bool is_new, gz_str bytes, gz_buf *err);
/* True when `name` waits in the batch (it exists, for the pass). */
bool ingest_writer_pending(const ingest_writer *w, const char *name);
/* False when this or any earlier batch could not be written. */
bool ingest_writer_flush(ingest_writer *w, gz_buf *err);
/* Drops what was not flushed. */
void ingest_writer_free(ingest_writer *w);
/* Removes temporary files a killed run left in `dir`. */
void ingest_remove_temp(const char *dir);

/* A post's front matter and body, read back (for the state rebuild and for
 * a file that exists but is unknown to the state). */
typedef struct ingest_post_file {
    gz_value front; /* a hash, or nil */
    gz_str body;
} ingest_post_file;

bool ingest_post_read(gz_arena *a, const char *path, ingest_post_file *out);
/* A front matter field as text (a time as "YYYY-MM-DD HH:MM:SS +HHMM",
 * a list as its first element), NUL-terminated in `a`, or {NULL,0}. */
gz_str ingest_front_str(gz_arena *a, const ingest_post_file *pf, const char *key);

/* ---- dedupe (dedupe.c) ------------------------------------------------- */

uint64_t ingest_hash(gz_str s);
/* The same article under any source: hash of its normalized title and body
 * text (tags, whitespace and punctuation dropped, NFKC case-folded); 0
 * when the body has no text, as then the title alone says too little. */
uint64_t ingest_content_key(gz_str title, gz_str body_html);

/* A record for a post (hashes computed from its parts). */
void ingest_record_fill(ingest_record *r, const ingest_post *p, const char *path);

#endif
