/* Named time zones: a reader for TZif files (RFC 8536, versions 1 to 3)
 * under /usr/share/zoneinfo and for POSIX TZ strings (the footer that
 * governs times after a file's last transition), answering what glibc's
 * localtime, and so Ruby, answers. Loaded zones are immutable and cached
 * for the life of the process. */
#include "core/time.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/time_impl.h"

#define ZONEINFO "/usr/share/zoneinfo/"
#define MAX_FILE (1 << 20)     /* real zones are a few kilobytes */
#define MAX_OFFSET (26 * 3600) /* RFC 8536 allows -25:59:59 .. 25:59:59 */

const char gz_tz_utc_abbr[] = "UTC";

typedef struct tz_type {
    int32_t off;
    bool dst;
    const char *abbr;
} tz_type;

/* A POSIX TZ rule date: Jn (1..365, no leap day), n (0..365) or Mm.w.d. */
typedef struct rule_date {
    char kind; /* 'J', 'N' or 'M' */
    int n, m, w, d;
    int32_t time; /* seconds after local midnight */
} rule_date;

typedef struct tz_rule {
    tz_type std, dst;
    bool has_dst;
    rule_date start, end;
} tz_rule;

struct gz_tz {
    const char *name;
    int64_t *trans; /* ascending */
    uint8_t *trans_type;
    size_t ntrans;
    tz_type *types;
    size_t ntypes;
    char *chars; /* every abbreviation, NUL-terminated */
    bool has_rule;
    tz_rule rule;
    char *rule_chars; /* the rule's abbreviations */
    gz_tz *next;
};

static tz_type utc_type = { 0, false, gz_tz_utc_abbr };
static gz_tz utc_zone = { .name = "UTC", .types = &utc_type, .ntypes = 1 };

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static gz_tz *cache;

const gz_tz *
gz_tz_utc(void)
{
    return &utc_zone;
}

/* ---- POSIX TZ strings ------------------------------------------------- */

typedef struct cursor {
    const char *p, *end;
} cursor;

static bool
at_char(const cursor *c, char ch)
{
    return c->p < c->end && *c->p == ch;
}

static bool
is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

static bool
is_alpha(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static bool
read_int(cursor *c, int max, int *out)
{
    int v = 0;
    if (c->p >= c->end || !is_digit(*c->p))
        return false;
    while (c->p < c->end && is_digit(*c->p)) {
        v = v * 10 + (*c->p++ - '0');
        if (v > max)
            return false;
    }
    *out = v;
    return true;
}

/* [+-]hh[:mm[:ss]], hours up to max_hours. */
static bool
read_hms(cursor *c, int max_hours, int32_t *out)
{
    int sign = 1, h, m = 0, s = 0;
    if (at_char(c, '+') || at_char(c, '-'))
        sign = *c->p++ == '-' ? -1 : 1;
    if (!read_int(c, max_hours, &h))
        return false;
    if (at_char(c, ':')) {
        c->p++;
        if (!read_int(c, 59, &m))
            return false;
        if (at_char(c, ':')) {
            c->p++;
            if (!read_int(c, 59, &s))
                return false;
        }
    }
    *out = sign * (h * 3600 + m * 60 + s);
    return true;
}

/* An abbreviation, "CST" or quoted "<+08>"; copied into the arena-like
 * block `store` (at least as long as the TZ string, plus NULs). */
static bool
read_abbr(cursor *c, char **store, const char **out)
{
    const char *b = c->p;
    size_t n = 0;
    if (at_char(c, '<')) {
        b = ++c->p;
        while (c->p < c->end && *c->p != '>')
            c->p++;
        if (c->p >= c->end)
            return false;
        n = (size_t)(c->p++ - b);
    } else {
        while (c->p < c->end && is_alpha(*c->p))
            c->p++;
        n = (size_t)(c->p - b);
    }
    if (n < 3)
        return false;
    if (n == 3 && memcmp(b, "UTC", 3) == 0) {
        *out = gz_tz_utc_abbr;
        return true;
    }
    memcpy(*store, b, n);
    (*store)[n] = '\0';
    *out = *store;
    *store += n + 1;
    return true;
}

static bool
read_rule_date(cursor *c, rule_date *r)
{
    memset(r, 0, sizeof *r);
    if (at_char(c, 'J')) {
        c->p++;
        r->kind = 'J';
        if (!read_int(c, 365, &r->n) || r->n < 1)
            return false;
    } else if (at_char(c, 'M')) {
        c->p++;
        r->kind = 'M';
        if (!read_int(c, 12, &r->m) || r->m < 1 || !at_char(c, '.'))
            return false;
        c->p++;
        if (!read_int(c, 5, &r->w) || r->w < 1 || !at_char(c, '.'))
            return false;
        c->p++;
        if (!read_int(c, 6, &r->d))
            return false;
    } else {
        r->kind = 'N';
        if (!read_int(c, 365, &r->n))
            return false;
    }
    r->time = 7200;
    if (at_char(c, '/')) {
        c->p++;
        return read_hms(c, 167, &r->time); /* RFC 8536 extends to ±167h */
    }
    return true;
}

/* std offset [dst [offset] [,start[/time],end[/time]]]. POSIX offsets are
 * west of UTC ("CST-8" is UTC+8). `store` receives the abbreviations. */
static bool
parse_posix(const char *s, size_t len, char *store, tz_rule *r)
{
    cursor c = { s, s + len };
    int32_t west;
    memset(r, 0, sizeof *r);
    if (!read_abbr(&c, &store, &r->std.abbr) || !read_hms(&c, 24, &west))
        return false;
    r->std.off = -west;
    if (c.p == c.end)
        return true;
    r->has_dst = true;
    r->dst.dst = true;
    if (!read_abbr(&c, &store, &r->dst.abbr))
        return false;
    r->dst.off = r->std.off + 3600;
    if (c.p < c.end && !at_char(&c, ',')) {
        if (!read_hms(&c, 24, &west))
            return false;
        r->dst.off = -west;
    }
    if (c.p == c.end) {
        /* no rule: glibc's default, the US rule since 2007 */
        r->start = (rule_date){ 'M', 0, 3, 2, 0, 7200 };
        r->end = (rule_date){ 'M', 0, 11, 1, 0, 7200 };
        return true;
    }
    if (!at_char(&c, ','))
        return false;
    c.p++;
    if (!read_rule_date(&c, &r->start) || !at_char(&c, ','))
        return false;
    c.p++;
    return read_rule_date(&c, &r->end) && c.p == c.end;
}

static bool
is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* When a rule date falls in `year`, in local seconds since the epoch.
 * Like glibc, and so Ruby, a year before 1970 takes its dates from the
 * year but counts them from 1970-01-01. */
static int64_t
rule_local(const rule_date *r, int64_t year)
{
    int64_t jan1 = gz_days_from_civil(year, 1, 1), day;
    if (r->kind == 'J') {
        day = jan1 + r->n - 1 + (is_leap(year) && r->n >= 60);
    } else if (r->kind == 'N') {
        day = jan1 + r->n;
    } else {
        int64_t first = gz_days_from_civil(year, r->m, 1);
        int wd = (int)gz_floor_mod(first + 4, 7);
        day = first + (r->d - wd + 7) % 7 + (int64_t)(r->w - 1) * 7;
        int64_t next = gz_days_from_civil(year, r->m + 1, 1);
        while (day >= next) /* week 5 is the last such day */
            day -= 7;
    }
    if (year < 1970)
        day -= jan1;
    return day * 86400 + r->time;
}

static const tz_type *
rule_at(const tz_rule *r, int64_t utc)
{
    if (!r->has_dst)
        return &r->std;
    /* glibc takes the year of the UTC instant, not of local time. */
    int y, m, d;
    gz_civil_from_days(gz_floor_div(utc, 86400), &y, &m, &d);
    int64_t start = rule_local(&r->start, y) - r->std.off;
    int64_t end = rule_local(&r->end, y) - r->dst.off;
    bool dst = start < end ? (utc >= start && utc < end) : !(utc >= end && utc < start);
    return dst ? &r->dst : &r->std;
}

/* ---- TZif files ------------------------------------------------------- */

static uint32_t
be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t
be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

typedef struct tzif_counts {
    size_t isut, isstd, leap, time, type, chars;
} tzif_counts;

static bool
read_header(const unsigned char *p, size_t len, tzif_counts *n)
{
    if (len < 44 || memcmp(p, "TZif", 4) != 0)
        return false;
    n->isut = be32(p + 20);
    n->isstd = be32(p + 24);
    n->leap = be32(p + 28);
    n->time = be32(p + 32);
    n->type = be32(p + 36);
    n->chars = be32(p + 40);
    return n->type >= 1 && n->type <= 256 && n->chars >= 1;
}

static size_t
data_size(const tzif_counts *n, size_t tsize)
{
    /* Counts are below 2^32, so no product overflows a 64-bit size_t. */
    return n->time * tsize + n->time + n->type * 6 + n->chars + n->leap * (tsize + 4) +
           n->isstd + n->isut;
}

/* Fills tz from one data block (4- or 8-byte times); p has the room. */
static bool
read_data(gz_tz *tz, const unsigned char *p, const tzif_counts *n, size_t tsize)
{
    tz->ntrans = n->time;
    tz->trans = gz_xmalloc((n->time ? n->time : 1) * sizeof *tz->trans);
    tz->trans_type = gz_xmalloc(n->time ? n->time : 1);
    for (size_t i = 0; i < n->time; i++, p += tsize) {
        tz->trans[i] = tsize == 8 ? be64(p) : (int32_t)be32(p);
        if (i > 0 && tz->trans[i] <= tz->trans[i - 1])
            return false;
    }
    for (size_t i = 0; i < n->time; i++) {
        tz->trans_type[i] = *p++;
        if (tz->trans_type[i] >= n->type)
            return false;
    }
    const unsigned char *types = p;
    p += n->type * 6;
    tz->chars = gz_xmalloc(n->chars + 1);
    memcpy(tz->chars, p, n->chars);
    tz->chars[n->chars] = '\0';
    tz->ntypes = n->type;
    tz->types = gz_xcalloc(n->type, sizeof *tz->types);
    for (size_t i = 0; i < n->type; i++, types += 6) {
        int32_t off = (int32_t)be32(types);
        if (off < -MAX_OFFSET || off > MAX_OFFSET || types[5] >= n->chars)
            return false;
        tz->types[i].off = off;
        tz->types[i].dst = types[4] != 0;
        const char *abbr = tz->chars + types[5];
        tz->types[i].abbr = strcmp(abbr, "UTC") == 0 ? gz_tz_utc_abbr : abbr;
    }
    return true;
}

static bool
read_tzif(gz_tz *tz, const unsigned char *p, size_t len)
{
    tzif_counts n;
    if (!read_header(p, len, &n))
        return false;
    size_t v1 = 44 + data_size(&n, 4);
    if (v1 > len)
        return false;
    if (p[4] == '\0') /* version 1: 32-bit times only */
        return read_data(tz, p + 44, &n, 4);

    /* Version 2+: a second header and 64-bit data, then "\nTZ string\n". */
    p += v1;
    len -= v1;
    if (!read_header(p, len, &n) || 44 + data_size(&n, 8) > len)
        return false;
    if (!read_data(tz, p + 44, &n, 8))
        return false;
    size_t at = 44 + data_size(&n, 8);
    if (at < len && p[at] == '\n') {
        const char *footer = (const char *)p + at + 1;
        const char *nl = memchr(footer, '\n', len - at - 1);
        if (nl && nl > footer) {
            size_t flen = (size_t)(nl - footer);
            tz->rule_chars = gz_xmalloc(flen + 2);
            tz->has_rule = parse_posix(footer, flen, tz->rule_chars, &tz->rule);
        }
    }
    return true;
}

static void
tz_free(gz_tz *tz)
{
    free((char *)tz->name);
    free(tz->trans);
    free(tz->trans_type);
    free(tz->types);
    free(tz->chars);
    free(tz->rule_chars);
    free(tz);
}

static char *
slurp(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    char *data = NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 && st.st_size <= MAX_FILE) {
        data = gz_xmalloc((size_t)st.st_size);
        size_t got = 0;
        while (got < (size_t)st.st_size) {
            ssize_t r = read(fd, data + got, (size_t)st.st_size - got);
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        *len = got;
    }
    close(fd);
    return data;
}

/* A zone file name: relative, no "..", only the characters tzdata uses. */
static bool
valid_file_name(const char *name, size_t len)
{
    if (len == 0 || len > 255 || name[0] == '/' || strstr(name, ".."))
        return false;
    for (size_t i = 0; i < len; i++) {
        char ch = name[i];
        if (!is_alpha(ch) && !is_digit(ch) && !strchr("/_-+.", ch))
            return false;
    }
    return true;
}

static gz_tz *
load(const char *name)
{
    size_t nlen = strlen(name);
    gz_tz *tz = gz_xcalloc(1, sizeof *tz);
    tz->name = gz_xstrndup(name, nlen);
    if (valid_file_name(name, nlen)) {
        char path[sizeof ZONEINFO + 256];
        memcpy(path, ZONEINFO, sizeof ZONEINFO - 1);
        memcpy(path + sizeof ZONEINFO - 1, name, nlen + 1);
        size_t len = 0;
        char *data = slurp(path, &len);
        if (data) {
            bool ok = read_tzif(tz, (const unsigned char *)data, len);
            free(data);
            if (ok)
                return tz;
            tz_free(tz);
            return NULL;
        }
    }
    /* Not a file: a POSIX TZ string such as "CST-8" names a zone too. */
    tz->rule_chars = gz_xmalloc(nlen + 2);
    if (nlen <= 255 && parse_posix(name, nlen, tz->rule_chars, &tz->rule)) {
        tz->has_rule = true;
        tz->types = gz_xmalloc(sizeof *tz->types);
        tz->types[0] = tz->rule.std;
        tz->ntypes = 1;
        return tz;
    }
    tz_free(tz);
    return NULL;
}

const gz_tz *
gz_tz_get(const char *name)
{
    if (!name)
        return NULL;
    if (name[0] == ':') /* TZ=":Asia/Shanghai" */
        name++;
    if (strcmp(name, "UTC") == 0)
        return &utc_zone;
    pthread_mutex_lock(&cache_lock);
    gz_tz *tz = cache;
    while (tz && strcmp(tz->name, name) != 0)
        tz = tz->next;
    if (!tz && (tz = load(name)) != NULL) {
        tz->next = cache;
        cache = tz;
    }
    pthread_mutex_unlock(&cache_lock);
    return tz;
}

/* ---- lookups ---------------------------------------------------------- */

static const tz_type *
type_at(const gz_tz *tz, int64_t utc)
{
    if (tz->ntrans == 0 || utc < tz->trans[0]) {
        if (tz->ntrans == 0 && tz->has_rule)
            return rule_at(&tz->rule, utc);
        /* Before the first transition glibc uses the first standard type. */
        for (size_t i = 0; i < tz->ntypes; i++)
            if (!tz->types[i].dst)
                return &tz->types[i];
        return &tz->types[0];
    }
    if (utc >= tz->trans[tz->ntrans - 1] && tz->has_rule)
        return rule_at(&tz->rule, utc);
    size_t lo = 0, hi = tz->ntrans; /* trans[lo] <= utc < trans[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (tz->trans[mid] <= utc)
            lo = mid;
        else
            hi = mid;
    }
    return &tz->types[tz->trans_type[lo]];
}

void
gz_tz_at(const gz_tz *tz, int64_t utc_sec, int32_t *offset, const char **abbr)
{
    const tz_type *t = type_at(tz ? tz : &utc_zone, utc_sec);
    if (offset)
        *offset = t->off;
    if (abbr)
        *abbr = t->abbr;
}

gz_time
gz_time_in_zone(gz_time t, const gz_tz *tz)
{
    gz_tz_at(tz, t.sec, &t.utc_offset, &t.zone);
    t.date_only = false;
    return t;
}

gz_time
gz_time_from_local(const gz_tz *tz, int y, int mo, int d, int h, int mi, int s)
{
    int64_t local = gz_days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 +
                    (int64_t)mi * 60 + s;
    /* Try the offsets in force a day before and a day after: each gives
     * an instant that is right when the zone agrees with it there. */
    int32_t before, after, o1, o2;
    gz_tz_at(tz, local - 86400, &before, NULL);
    gz_tz_at(tz, local + 86400, &after, NULL);
    int64_t ub = local - before, ua = local - after;
    gz_tz_at(tz, ub, &o1, NULL);
    gz_tz_at(tz, ua, &o2, NULL);
    bool ok_b = o1 == before, ok_a = o2 == after;
    int64_t u;
    if (ok_a && ok_b)
        u = ua > ub ? ua : ub; /* ambiguous: Ruby takes the later */
    else if (ok_a)
        u = ua;
    else
        u = ub; /* valid, or skipped: read with the offset before the gap */
    return gz_time_in_zone((gz_time){ .sec = u }, tz);
}
