/* Ruby's Date._parse, the first half of Time.parse: a chain of pattern
 * matchers that each pick fields out of the string and blank the text
 * they used. Written by hand after the regular expressions of Ruby 3.1's
 * date_parse.c, in the same order and with the same leftmost, greedy
 * choices. */
#include <stdio.h>
#include <utf8proc.h>

#include "core/time_impl.h"
#include "core/utf8.h"

#define MAX_CHARS 128
#define MAX_BYTES GZ_DATE_MAX_BYTES
#define NONE SIZE_MAX

/* ---- the working string ------------------------------------------------ */

typedef struct ws {
    char p[MAX_BYTES + 1];
    size_t len;
} ws;

static int
at(const ws *s, size_t i)
{
    return i < s->len ? (unsigned char)s->p[i] : -1;
}

static bool
is_dig(int c)
{
    return c >= '0' && c <= '9';
}

/* Letters; after the folding every byte >= 0x80 belongs to a letter or
 * digit of another script, which the patterns see as letters. */
static bool
is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static bool
is_word(int c)
{
    return is_dig(c) || is_alpha(c);
}

static int
lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* \b */
static bool
boundary(const ws *s, size_t i)
{
    return is_word(i ? at(s, i - 1) : -1) != is_word(at(s, i));
}

static size_t
digits(const ws *s, size_t i)
{
    size_t n = 0;
    while (is_dig(at(s, i + n)))
        n++;
    return n;
}

static size_t
spaces(const ws *s, size_t i)
{
    size_t n = 0;
    while (at(s, i + n) == ' ')
        n++;
    return n;
}

/* A case-insensitive literal at i. */
static bool
lit(const ws *s, size_t i, const char *w)
{
    for (; *w; w++, i++)
        if (lower(at(s, i)) != *w)
            return false;
    return true;
}

static int
month_at(const ws *s, size_t i)
{
    static const char *const names[] = { "jan", "feb", "mar", "apr", "may", "jun",
                                         "jul", "aug", "sep", "oct", "nov", "dec" };
    for (int m = 0; m < 12; m++)
        if (lit(s, i, names[m]))
            return m + 1;
    return 0;
}

static bool
day_at(const ws *s, size_t i)
{
    static const char *const names[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };
    for (int d = 0; d < 7; d++)
        if (lit(s, i, names[d]))
            return true;
    return false;
}

/* Length of the longest run from i of bytes not in `stop` (and, when
 * no_digit, not digits). */
static size_t
run_not(const ws *s, size_t i, const char *stop, bool no_digit)
{
    size_t n = 0;
    for (int c; (c = at(s, i + n)) >= 0; n++)
        if ((no_digit && is_dig(c)) || (c < 0x80 && strchr(stop, c)))
            break;
    return n;
}

/* Replaces s[b..e) by one space, as date_parse.c's subx does. */
static void
cut(ws *s, size_t b, size_t e)
{
    s->p[b] = ' ';
    memmove(s->p + b + 1, s->p + e, s->len - e);
    s->len -= e - b - 1;
}

/* ---- captured text and the fields Date._parse fills --------------------- */

/* A captured piece of text ("'99", "28th", "-5"); set = false is nil. */
typedef struct tok {
    bool set;
    char s[24];
    size_t n;
} tok;

typedef gz_date_field field;
typedef gz_date_fields parsed;

static tok
capture(parsed *r, const ws *s, size_t b, size_t e)
{
    tok t = { .set = true };
    if (e - b >= sizeof t.s) {
        r->bad = true;
        e = b;
    }
    memcpy(t.s, s->p + b, e - b);
    t.n = e - b;
    t.s[t.n] = '\0';
    return t;
}

static tok
tok_of(const char *s, size_t n)
{
    tok t = { .set = true, .n = n };
    memcpy(t.s, s, n);
    t.s[n] = '\0';
    return t;
}

static tok
month_tok(int m)
{
    char buf[4];
    return tok_of(buf, (size_t)snprintf(buf, sizeof buf, "%d", m));
}

/* The integer of an optionally signed digit string. */
static bool
number(parsed *r, const char *p, size_t n, field *f)
{
    int64_t v = 0;
    bool neg = false;
    size_t i = 0;
    if (i < n && (p[i] == '-' || p[i] == '+'))
        neg = p[i++] == '-';
    for (; i < n && is_dig((unsigned char)p[i]); i++) {
        if (v > (INT64_MAX - 9) / 10) {
            r->bad = true;
            return false;
        }
        v = v * 10 + (p[i] - '0');
    }
    f->set = true;
    f->v = neg ? -v : v;
    return true;
}

static void
set_num(parsed *r, field *f, const ws *s, size_t b, size_t e)
{
    number(r, s->p + b, e - b, f);
}

static void
set_frac(parsed *r, const char *p, size_t n)
{
    int32_t ns = 0;
    for (size_t i = 0; i < 9; i++)
        ns = ns * 10 + (i < n ? p[i] - '0' : 0);
    r->has_frac = true;
    r->nsec = ns;
}

static void
set_zone(parsed *r, const char *p, size_t n)
{
    r->has_zone = true;
    memcpy(r->zone, p, n);
    r->zone[n] = '\0';
}

/* The first digit-led part of t: a sign (when allowed) and digits. */
static void
tok_number(parsed *r, const tok *t, bool allow_sign, field *f, bool *comp)
{
    size_t i = 0;
    while (i < t->n && !is_dig((unsigned char)t->s[i]) &&
           !(allow_sign && (t->s[i] == '-' || t->s[i] == '+')))
        i++;
    size_t b = i;
    if (allow_sign && i < t->n && !is_dig((unsigned char)t->s[i])) {
        i++;
        if (comp)
            *comp = false;
    }
    size_t l = 0;
    while (i + l < t->n && is_dig((unsigned char)t->s[i + l]))
        l++;
    if (comp && l > 2)
        *comp = false;
    number(r, t->s + b, i + l - b, f);
}

/* date_parse.c's s3e: decides which of three numbers is the year, the
 * month and the day from their look ("'22", "2022", "28th"). */
static void
s3e(parsed *r, tok y, tok m, tok d, bool bc)
{
    tok none = { .set = false };
    if (y.set && m.set && !d.set) { /* two numbers are month and day */
        d = m;
        m = y;
        y = none;
    }
    if (!y.set && d.set && (d.n > 2 || d.s[0] == '\'')) {
        y = d;
        d = none;
    }
    if (y.set) {
        /* a year with a suffix ("10th") is the day after all */
        size_t i = 0;
        while (i < y.n && !is_dig((unsigned char)y.s[i]) && y.s[i] != '-' && y.s[i] != '+')
            i++;
        size_t b = i;
        if (i < y.n && !is_dig((unsigned char)y.s[i]))
            i++;
        while (i < y.n && is_dig((unsigned char)y.s[i]))
            i++;
        if (i < y.n) {
            tok old_y = y;
            y = d;
            d = tok_of(old_y.s + b, i - b);
        }
    }
    if (m.set && (m.s[0] == '\'' || m.n > 2)) { /* us -> be */
        tok oy = y;
        y = m;
        m = d;
        d = oy;
    }
    if (d.set && (d.s[0] == '\'' || d.n > 2)) {
        tok oy = y;
        y = d;
        d = oy;
    }
    bool comp = true;
    if (y.set)
        tok_number(r, &y, true, &r->year, &comp);
    if (bc)
        r->bc = true;
    if (m.set)
        tok_number(r, &m, false, &r->mon, NULL);
    if (d.set)
        tok_number(r, &d, false, &r->mday, NULL);
    if (!comp)
        r->comp = false;
}

/* ---- the matchers, in Date._parse's order ------------------------------- */

/* \b(sun|mon|...)[^-/\d\s]* : the weekday, which Time.parse ignores. */
static bool
parse_day(ws *s)
{
    for (size_t i = 0; i < s->len; i++) {
        if (boundary(s, i) && day_at(s, i)) {
            cut(s, i, i + 3 + run_not(s, i + 3, "-/ ", true));
            return true;
        }
    }
    return false;
}

/* [ap](?:m\b|\.m\.) at i: its length, or 0. */
static size_t
meridian(const ws *s, size_t i)
{
    int c = lower(at(s, i));
    if (c != 'a' && c != 'p')
        return 0;
    if (lower(at(s, i + 1)) == 'm' && boundary(s, i + 2))
        return 2;
    if (at(s, i + 1) == '.' && lower(at(s, i + 2)) == 'm' && at(s, i + 3) == '.')
        return 4;
    return 0;
}

/* The zone after a time, at i: its end, or NONE.
 *   (?:gmt|utc?)?[-+]\d+(?:[,.:]\d+(?::\d+)?)?
 * | [[:alpha:].\s]+(?:standard|daylight)\stime\b
 * | [[:alpha:]]+(?:\sdst)?\b */
static size_t
zone_end(const ws *s, size_t i)
{
    size_t k = i;
    if (lit(s, k, "gmt") || lit(s, k, "utc"))
        k += 3;
    else if (lit(s, k, "ut"))
        k += 2;
    for (int pass = 0; pass < 2; pass++, k = i) { /* with the prefix, then without */
        if ((at(s, k) == '+' || at(s, k) == '-') && digits(s, k + 1)) {
            k += 1 + digits(s, k + 1);
            int c = at(s, k);
            if ((c == ',' || c == '.' || c == ':') && digits(s, k + 1)) {
                k += 1 + digits(s, k + 1);
                if (at(s, k) == ':' && digits(s, k + 1))
                    k += 1 + digits(s, k + 1);
            }
            return k;
        }
        if (k == i)
            break;
    }
    size_t run = 0; /* [[:alpha:].\s]+ then "standard time", backtracking */
    for (int c; (c = at(s, i + run)) >= 0 && (is_alpha(c) || c == '.' || c == ' ');)
        run++;
    for (size_t n = run; n >= 1; n--) {
        size_t e = i + n;
        if ((lit(s, e, "standard") && at(s, e + 8) == ' ' && lit(s, e + 9, "time") &&
             boundary(s, e + 13)) ||
            (lit(s, e, "daylight") && at(s, e + 8) == ' ' && lit(s, e + 9, "time") &&
             boundary(s, e + 13)))
            return e + 13;
    }
    size_t a = 0;
    while (is_alpha(at(s, i + a)))
        a++;
    if (a == 0)
        return NONE;
    if (at(s, i + a) == ' ' && lit(s, i + a + 1, "dst") && boundary(s, i + a + 4))
        return i + a + 4;
    return boundary(s, i + a) ? i + a : NONE;
}

/* One time at i, e.g. "08:32:46.5 pm +08:00", "10h30m", "3 pm". */
static bool
time_at(ws *s, size_t i, parsed *r)
{
    size_t hd = digits(s, i);
    if (!hd)
        return false;
    size_t k = i + hd + spaces(s, i + hd);
    size_t mb = NONE, me = 0, sb = NONE, se = 0, fb = NONE, fe = 0, merid = NONE;
    bool hour_only = false;
    if (at(s, k) == ':') {
        size_t j = k + 1 + spaces(s, k + 1);
        if (!digits(s, j))
            goto ampm_only;
        mb = j;
        me = k = j + digits(s, j);
        size_t j2 = k + spaces(s, k);
        if (at(s, j2) == ':') {
            size_t j3 = j2 + 1 + spaces(s, j2 + 1);
            if (digits(s, j3)) {
                sb = j3;
                se = k = j3 + digits(s, j3);
                if (at(s, k) == ',' || at(s, k) == '.') {
                    fb = k + 1;
                    fe = k = k + 1 + digits(s, k + 1);
                }
            }
        }
    } else if (lower(at(s, k)) == 'h') {
        /* "10 h 30 pm" matches, but Ruby then reads only the hour of it */
        hour_only = k > i + hd;
        k++;
        size_t j = k + spaces(s, k);
        if (digits(s, j)) { /* \s*\d+m?(?:\s*\d+s?)? */
            mb = j;
            me = k = j + digits(s, j);
            if (lower(at(s, k)) == 'm')
                k++;
            size_t j2 = k + spaces(s, k);
            if (digits(s, j2)) {
                sb = j2;
                se = k = j2 + digits(s, j2);
                if (lower(at(s, k)) == 's')
                    k++;
            }
        }
    } else {
        goto ampm_only;
    }
    size_t j = k + spaces(s, k), n = meridian(s, j);
    if (n) {
        merid = j;
        k = j + n;
    }
    if (hour_only)
        mb = sb = fb = merid = NONE;
    goto zone;
ampm_only:
    k = i + hd + spaces(s, i + hd);
    n = meridian(s, k);
    if (!n)
        return false;
    merid = k;
    k += n;
zone:;
    size_t zb = k + spaces(s, k), ze = zone_end(s, zb);
    if (ze != NONE) {
        set_zone(r, s->p + zb, ze - zb);
        k = ze;
    }
    set_num(r, &r->hour, s, i, i + hd);
    if (mb != NONE)
        set_num(r, &r->min, s, mb, me);
    if (sb != NONE)
        set_num(r, &r->sec, s, sb, se);
    if (fb != NONE && fe > fb)
        set_frac(r, s->p + fb, fe - fb);
    if (merid != NONE) {
        if (r->hour.v > INT32_MAX) /* Ruby: RangeError */
            r->bad = true;
        r->hour.v %= 12;
        if (lower(at(s, merid)) == 'p')
            r->hour.v += 12;
    }
    cut(s, i, k);
    return true;
}

static bool
parse_time(ws *s, parsed *r)
{
    for (size_t i = 0; i < s->len; i++)
        if (is_dig(at(s, i)) && time_at(s, i, r))
            return true;
    return false;
}

/* '?-?\d+ (with the minus only when sign) at i: its end, or NONE. */
static size_t
quoted_num(const ws *s, size_t i, bool sign)
{
    if (at(s, i) == '\'')
        i++;
    if (sign && at(s, i) == '-')
        i++;
    size_t n = digits(s, i);
    return n ? i + n : NONE;
}

/* (?:\s*(c(?:e|\.e\.)|b(?:ce|\.c\.e\.)|a(?:d|\.d\.)|b(?:c|\.c\.))?\s*
 * ('?-?\d+ suffix?))? after a day and month; sets *y and *bc. */
static size_t
era_year(const ws *s, size_t k, bool comma, bool ordinal, tok *y, bool *bc, parsed *r)
{
    static const char *const eras[] = { "ce", "c.e.", "bce", "b.c.e.", "ad", "a.d.", "bc", "b.c." };
    size_t j = k + spaces(s, k);
    if (comma && at(s, j) == ',')
        j = j + 1 + spaces(s, j + 1);
    for (int with_era = 1; with_era >= 0; with_era--) {
        size_t e = j;
        bool b = false;
        if (with_era) {
            size_t l = 0;
            for (size_t x = 0; x < 8 && !l; x++)
                if (lit(s, j, eras[x])) {
                    l = strlen(eras[x]);
                    b = eras[x][0] == 'b';
                }
            if (!l)
                continue;
            e = j + l + spaces(s, j + l);
        }
        size_t ye = quoted_num(s, e, true);
        if (ye == NONE)
            continue;
        if (ordinal && (lit(s, ye, "st") || lit(s, ye, "nd") || lit(s, ye, "rd") ||
                        lit(s, ye, "th")) && boundary(s, ye + 2))
            ye += 2;
        *y = capture(r, s, e, ye);
        *bc = b;
        return ye;
    }
    return k;
}

/* '?\d+[^-\d\s]*\s*(month)[^-\d\s']* (era year)?  — "28 Feb 2022" */
static bool
parse_eu(ws *s, parsed *r)
{
    for (size_t i = 0; i < s->len; i++) {
        size_t de = quoted_num(s, i, false);
        if (de == NONE)
            continue;
        size_t run = run_not(s, de, "- ", true); /* here ' may follow */
        for (size_t n = run + 1; n-- > 0;) { /* greedy, then backtrack */
            size_t j = de + n + spaces(s, de + n);
            int m = month_at(s, j);
            if (!m)
                continue;
            size_t k = j + 3 + run_not(s, j + 3, "- '", true);
            tok y = { .set = false };
            bool bc = false;
            k = era_year(s, k, false, true, &y, &bc, r);
            tok d = capture(r, s, i, de);
            cut(s, i, k);
            s3e(r, y, month_tok(m), d, bc);
            return true;
        }
    }
    return false;
}

/* \b(month)[^-\d\s']*\s*('?\d+)[^-\d\s']* (,? era year)?  — "Feb 28, 2022" */
static bool
parse_us(ws *s, parsed *r)
{
    for (size_t i = 0; i < s->len; i++) {
        int m;
        if (!boundary(s, i) || !(m = month_at(s, i)))
            continue;
        size_t run = run_not(s, i + 3, "- '", true);
        size_t j = i + 3 + run + spaces(s, i + 3 + run);
        size_t de = quoted_num(s, j, false);
        if (de == NONE)
            continue;
        size_t k = de + run_not(s, de, "- '", true);
        tok y = { .set = false };
        bool bc = false;
        k = era_year(s, k, true, false, &y, &bc, r);
        tok d = capture(r, s, j, de);
        cut(s, i, k);
        s3e(r, y, month_tok(m), d, bc);
        return true;
    }
    return false;
}

/* ('?[-+]?\d+)-(\d+)-('?-?\d+)  — "2022-02-28" */
static bool
parse_iso(ws *s, parsed *r)
{
    for (size_t i = 0; i < s->len; i++) {
        size_t b = i;
        if (at(s, b) == '\'')
            b++;
        if (at(s, b) == '-' || at(s, b) == '+')
            b++;
        size_t ye = b + digits(s, b);
        if (ye == b || at(s, ye) != '-' || !digits(s, ye + 1))
            continue;
        size_t me = ye + 1 + digits(s, ye + 1);
        if (at(s, me) != '-')
            continue;
        size_t de = quoted_num(s, me + 1, true);
        if (de == NONE)
            continue;
        tok y = capture(r, s, i, ye), m = capture(r, s, ye + 1, me), d = capture(r, s, me + 1, de);
        cut(s, i, de);
        s3e(r, y, m, d, false);
        return true;
    }
    return false;
}

/* \b([mtshr])(\d+)\.(\d+)\.(\d+)  — Japanese era years, "H30.1.1" */
static bool
parse_jis(ws *s, parsed *r)
{
    static const char eras[] = "mtshr";
    static const int base[] = { 1867, 1911, 1925, 1988, 2018 };
    for (size_t i = 0; i < s->len; i++) {
        const char *e = at(s, i) > 0 && at(s, i) < 0x80 ? strchr(eras, lower(at(s, i))) : NULL;
        if (!e || !*e || !boundary(s, i))
            continue;
        size_t a = i + 1, ae = a + digits(s, a);
        if (ae == a || at(s, ae) != '.' || !digits(s, ae + 1))
            continue;
        size_t b = ae + 1, be = b + digits(s, b);
        if (at(s, be) != '.' || !digits(s, be + 1))
            continue;
        size_t c = be + 1, ce = c + digits(s, c);
        set_num(r, &r->year, s, a, ae);
        r->year.v += base[e - eras];
        set_num(r, &r->mon, s, b, be);
        set_num(r, &r->mday, s, c, ce);
        cut(s, i, ce);
        return true;
    }
    return false;
}

/* ('?-?\d+)-(month)[^-/.]*-('?-?\d+)   — "28-Feb-2022", then
 * \b(month)[^-/.]*-('?-?\d+)(?:-('?-?\d+))?  — "Feb-28-2022" */
static bool
parse_vms(ws *s, parsed *r)
{
    for (size_t i = 0; i < s->len; i++) {
        size_t de = quoted_num(s, i, true);
        int m;
        if (de == NONE || at(s, de) != '-' || !(m = month_at(s, de + 1)))
            continue;
        size_t k = de + 4 + run_not(s, de + 4, "-/.", false);
        size_t ye = at(s, k) == '-' ? quoted_num(s, k + 1, true) : NONE;
        if (ye == NONE)
            continue;
        tok d = capture(r, s, i, de), y = capture(r, s, k + 1, ye);
        cut(s, i, ye);
        s3e(r, y, month_tok(m), d, false);
        return true;
    }
    for (size_t i = 0; i < s->len; i++) {
        int m;
        if (!boundary(s, i) || !(m = month_at(s, i)))
            continue;
        size_t k = i + 3 + run_not(s, i + 3, "-/.", false);
        size_t de = at(s, k) == '-' ? quoted_num(s, k + 1, true) : NONE;
        if (de == NONE)
            continue;
        tok d = capture(r, s, k + 1, de), y = { .set = false };
        size_t end = de;
        if (at(s, de) == '-') {
            size_t ye = quoted_num(s, de + 1, true);
            if (ye != NONE) {
                y = capture(r, s, de + 1, ye);
                end = ye;
            }
        }
        cut(s, i, end);
        s3e(r, y, month_tok(m), d, false);
        return true;
    }
    return false;
}

/* ('?-?\d+)/\s*('?\d+)(?:\D\s*('?-?\d+))?  — "2016/03/14" */
static bool
parse_sla(ws *s, parsed *r)
{
    for (size_t i = 0; i < s->len; i++) {
        size_t ye = quoted_num(s, i, true);
        if (ye == NONE || at(s, ye) != '/')
            continue;
        size_t mb = ye + 1 + spaces(s, ye + 1), me = quoted_num(s, mb, false);
        if (me == NONE)
            continue;
        tok y = capture(r, s, i, ye), m = capture(r, s, mb, me), d = { .set = false };
        size_t end = me;
        if (at(s, me) >= 0 && !is_dig(at(s, me))) { /* \D is one character */
            size_t cl = 1;
            while (at(s, me + cl) >= 0x80 && at(s, me + cl) < 0xC0)
                cl++;
            size_t db = me + cl + spaces(s, me + cl), de = quoted_num(s, db, true);
            if (de != NONE) {
                d = capture(r, s, db, de);
                end = de;
            }
        }
        cut(s, i, end);
        s3e(r, y, m, d, false);
        return true;
    }
    return false;
}

/* ('?-?\d+)\.\s*('?\d+)\.\s*('?-?\d+)  — "14.03.2016" */
static bool
parse_dot(ws *s, parsed *r)
{
    for (size_t i = 0; i < s->len; i++) {
        size_t ye = quoted_num(s, i, true);
        if (ye == NONE || at(s, ye) != '.')
            continue;
        size_t mb = ye + 1 + spaces(s, ye + 1), me = quoted_num(s, mb, false);
        if (me == NONE || at(s, me) != '.')
            continue;
        size_t db = me + 1 + spaces(s, me + 1), de = quoted_num(s, db, true);
        if (de == NONE)
            continue;
        tok y = capture(r, s, i, ye), m = capture(r, s, mb, me), d = capture(r, s, db, de);
        cut(s, i, de);
        s3e(r, y, m, d, false);
        return true;
    }
    return false;
}

/* (\d{2}|\d{4}) at i, trying two digits first as the regex does; `ok`
 * says whether the rest matches after that many digits. */
static size_t
two_or_four(const ws *s, size_t i, bool (*ok)(const ws *, size_t))
{
    size_t n = digits(s, i);
    if (n >= 2 && ok(s, i + 2))
        return 2;
    if (n >= 4 && ok(s, i + 4))
        return 4;
    return 0;
}

/* -?w\d{2}(?:-?\d)?\b at i: its end, or NONE. */
static size_t
week_end(const ws *s, size_t i)
{
    if (at(s, i) == '-')
        i++;
    if (lower(at(s, i)) != 'w' || digits(s, i + 1) < 2)
        return NONE;
    i += 3;
    size_t j = at(s, i) == '-' ? i + 1 : i;
    if (is_dig(at(s, j)) && boundary(s, j + 1))
        return j + 1;
    return boundary(s, i) ? i : NONE;
}

static bool
week_ok(const ws *s, size_t i)
{
    return week_end(s, i) != NONE;
}

static bool
yday_ok(const ws *s, size_t i)
{
    return at(s, i) == '-' && digits(s, i + 1) >= 3 && boundary(s, i + 4);
}

/* ISO 8601 week dates (which Time.parse ignores), --MM-DD, YYYY-DDD. */
static bool
parse_iso2(ws *s, parsed *r)
{
    /* \b(\d{2}|\d{4})?-?w(\d{2})(?:-?(\d))?\b */
    for (size_t i = 0; i < s->len; i++) {
        if (!boundary(s, i))
            continue;
        size_t n = two_or_four(s, i, week_ok), e = week_end(s, i + n);
        if (e != NONE) {
            cut(s, i, e);
            return true;
        }
    }
    /* -w-(\d)\b */
    for (size_t i = 0; i + 3 < s->len; i++) {
        if (at(s, i) == '-' && lower(at(s, i + 1)) == 'w' && at(s, i + 2) == '-' &&
            is_dig(at(s, i + 3)) && boundary(s, i + 4)) {
            cut(s, i, i + 4);
            return true;
        }
    }
    /* --(\d{2})?-(\d{2})\b */
    for (size_t i = 0; i + 1 < s->len; i++) {
        if (at(s, i) != '-' || at(s, i + 1) != '-')
            continue;
        size_t k = i + 2;
        bool mon = digits(s, k) >= 2 && at(s, k + 2) == '-';
        if (mon)
            k += 2;
        if (at(s, k) == '-' && digits(s, k + 1) >= 2 && boundary(s, k + 3)) {
            if (mon)
                set_num(r, &r->mon, s, i + 2, i + 4);
            set_num(r, &r->mday, s, k + 1, k + 3);
            cut(s, i, k + 3);
            return true;
        }
    }
    /* --(\d{2})(\d{2})?\b */
    for (size_t i = 0; i + 1 < s->len; i++) {
        if (at(s, i) != '-' || at(s, i + 1) != '-' || digits(s, i + 2) < 2)
            continue;
        size_t e = digits(s, i + 2) >= 4 && boundary(s, i + 6) ? i + 6 : i + 4;
        if (!boundary(s, e))
            continue;
        set_num(r, &r->mon, s, i + 2, i + 4);
        if (e == i + 6)
            set_num(r, &r->mday, s, i + 4, i + 6);
        cut(s, i, e);
        return true;
    }
    /* [,.](\d{2}|\d{4})-\d{3}\b excludes, else \b(\d{2}|\d{4})-(\d{3})\b */
    bool fraction = false;
    for (size_t i = 0; i < s->len && !fraction; i++)
        fraction = (at(s, i) == ',' || at(s, i) == '.') && two_or_four(s, i + 1, yday_ok);
    for (size_t i = 0; i < s->len && !fraction; i++) {
        size_t n;
        if (!boundary(s, i) || !(n = two_or_four(s, i, yday_ok)))
            continue;
        set_num(r, &r->year, s, i, i + n);
        set_num(r, &r->yday, s, i + n + 1, i + n + 4);
        cut(s, i, i + n + 4);
        return true;
    }
    /* \d-\d{3}\b excludes, else \b-(\d{3})\b */
    for (size_t i = 1; i < s->len; i++)
        if (is_dig(at(s, i - 1)) && yday_ok(s, i))
            return false;
    for (size_t i = 0; i < s->len; i++) {
        if (boundary(s, i) && yday_ok(s, i)) {
            set_num(r, &r->yday, s, i + 1, i + 4);
            cut(s, i, i + 4);
            return true;
        }
    }
    return false;
}

/* '(\d+)\b  — "'99" */
static bool
parse_year(ws *s, parsed *r)
{
    for (size_t i = 0; i < s->len; i++) {
        size_t n = at(s, i) == '\'' ? digits(s, i + 1) : 0;
        if (n && boundary(s, i + 1 + n)) {
            set_num(r, &r->year, s, i + 1, i + 1 + n);
            cut(s, i, i + 1 + n);
            return true;
        }
    }
    return false;
}

/* \b(month)\S*  — "Feb" */
static bool
parse_mon(ws *s, parsed *r)
{
    for (size_t i = 0; i < s->len; i++) {
        int m;
        if (boundary(s, i) && (m = month_at(s, i))) {
            r->mon = (field){ true, m };
            cut(s, i, i + 3 + run_not(s, i + 3, " ", false));
            return true;
        }
    }
    return false;
}

/* (\d+)(st|nd|rd|th)\b  — "5th" */
static bool
parse_mday(ws *s, parsed *r)
{
    for (size_t i = 0; i < s->len; i++) {
        size_t n = digits(s, i), e = i + n;
        if (n && (lit(s, e, "st") || lit(s, e, "nd") || lit(s, e, "rd") || lit(s, e, "th")) &&
            boundary(s, e + 2)) {
            set_num(r, &r->mday, s, i, e);
            cut(s, i, e + 2);
            return true;
        }
    }
    return false;
}

/* Digits at s[b + from .. b + from + n) into f. */
static void
sub(parsed *r, const ws *s, size_t b, size_t from, size_t n, field *f)
{
    set_num(r, f, s, b + from, b + from + n);
}

/* ([-+]?)(\d{2,14})(?:\s*t?\s*(\d{2,6})?(?:[,.](\d*))?)?
 * (?:\s*(z\b|[-+]\d{1,4}\b|\[[-+]?\d[^\]]*\]))?  — "20220228T083246Z" */
static bool
parse_ddd(ws *s, parsed *r)
{
    size_t i, sign = NONE, b = 0, l2 = 0;
    for (i = 0; i < s->len; i++) {
        b = i;
        if (at(s, b) == '-' || at(s, b) == '+')
            b++;
        l2 = digits(s, b);
        if (l2 >= 2) {
            sign = i;
            break;
        }
    }
    if (sign == NONE)
        return false;
    if (l2 > 14)
        l2 = 14;
    size_t k = b + l2;
    /* (?:\s*t?\s*(\d{2,6})?(?:[,.](\d*))?)? */
    size_t j = k + spaces(s, k);
    if (lower(at(s, j)) == 't')
        j++;
    j += spaces(s, j);
    size_t tb = NONE, tl = 0, fb = NONE, fl = 0;
    size_t nd = digits(s, j);
    if (nd >= 2) {
        tb = j;
        tl = nd > 6 ? 6 : nd;
        j += tl;
    }
    if (at(s, j) == ',' || at(s, j) == '.') {
        fb = j + 1;
        fl = digits(s, j + 1);
        j += 1 + fl;
    }
    k = j; /* the group matches even empty, taking the spaces */
    /* (?:\s*(z\b|[-+]\d{1,4}\b|\[[-+]?\d[^\]]*\]))? */
    size_t zb = k + spaces(s, k), ze = NONE;
    if (lower(at(s, zb)) == 'z' && boundary(s, zb + 1)) {
        ze = zb + 1;
    } else if (at(s, zb) == '+' || at(s, zb) == '-') {
        size_t n = digits(s, zb + 1);
        if (n >= 1 && n <= 4 && boundary(s, zb + 1 + n))
            ze = zb + 1 + n;
    } else if (at(s, zb) == '[') {
        size_t q = zb + 1;
        if (at(s, q) == '+' || at(s, q) == '-')
            q++;
        if (is_dig(at(s, q))) {
            const char *close = memchr(s->p + q, ']', s->len - q);
            if (close)
                ze = (size_t)(close - s->p) + 1;
        }
    }

    bool time_first = tb == NONE && fb != NONE; /* digits then a fraction: a time */
    switch (l2) {
    case 2:
        sub(r, s, b, 0, 2, time_first ? &r->sec : &r->mday);
        break;
    case 4:
        if (time_first) {
            sub(r, s, b, 2, 2, &r->sec);
            sub(r, s, b, 0, 2, &r->min);
        } else {
            sub(r, s, b, 0, 2, &r->mon);
            sub(r, s, b, 2, 2, &r->mday);
        }
        break;
    case 6:
        if (time_first) {
            sub(r, s, b, 4, 2, &r->sec);
            sub(r, s, b, 2, 2, &r->min);
            sub(r, s, b, 0, 2, &r->hour);
        } else {
            set_num(r, &r->year, s, sign, b + 2);
            sub(r, s, b, 2, 2, &r->mon);
            sub(r, s, b, 4, 2, &r->mday);
        }
        break;
    case 8: case 10: case 12: case 14:
        if (time_first) {
            sub(r, s, b, l2 - 2, 2, &r->sec);
            sub(r, s, b, l2 - 4, 2, &r->min);
            sub(r, s, b, l2 - 6, 2, &r->hour);
            sub(r, s, b, l2 - 8, 2, &r->mday);
            if (l2 >= 10)
                sub(r, s, b, l2 - 10, 2, &r->mon);
            if (l2 == 12)
                set_num(r, &r->year, s, sign, b + 2);
            if (l2 == 14) {
                set_num(r, &r->year, s, sign, b + 4);
                r->comp = false;
            }
        } else {
            set_num(r, &r->year, s, sign, b + 4);
            sub(r, s, b, 4, 2, &r->mon);
            sub(r, s, b, 6, 2, &r->mday);
            if (l2 >= 10)
                sub(r, s, b, 8, 2, &r->hour);
            if (l2 >= 12)
                sub(r, s, b, 10, 2, &r->min);
            if (l2 >= 14)
                sub(r, s, b, 12, 2, &r->sec);
            r->comp = false;
        }
        break;
    case 3:
        if (time_first) {
            sub(r, s, b, 1, 2, &r->sec);
            sub(r, s, b, 0, 1, &r->min);
        } else {
            sub(r, s, b, 0, 3, &r->yday);
        }
        break;
    case 5:
        if (time_first) {
            sub(r, s, b, 3, 2, &r->sec);
            sub(r, s, b, 1, 2, &r->min);
            sub(r, s, b, 0, 1, &r->hour);
        } else {
            set_num(r, &r->year, s, sign, b + 2);
            sub(r, s, b, 2, 3, &r->yday);
        }
        break;
    case 7:
        if (time_first) {
            sub(r, s, b, 5, 2, &r->sec);
            sub(r, s, b, 3, 2, &r->min);
            sub(r, s, b, 1, 2, &r->hour);
            sub(r, s, b, 0, 1, &r->mday);
        } else {
            set_num(r, &r->year, s, sign, b + 4);
            sub(r, s, b, 4, 3, &r->yday);
        }
        break;
    default: /* 9, 11, 13 digits: nothing */
        break;
    }
    if (tb != NONE && (tl == 2 || tl == 4 || tl == 6)) {
        if (fb != NONE) { /* the digits before the fraction end in seconds */
            sub(r, s, tb, tl - 2, 2, &r->sec);
            if (tl >= 4)
                sub(r, s, tb, tl - 4, 2, &r->min);
            if (tl >= 6)
                sub(r, s, tb, tl - 6, 2, &r->hour);
        } else {
            sub(r, s, tb, 0, 2, &r->hour);
            if (tl >= 4)
                sub(r, s, tb, 2, 2, &r->min);
            if (tl >= 6)
                sub(r, s, tb, 4, 2, &r->sec);
        }
    }
    if (fb != NONE)
        set_frac(r, s->p + fb, fl);
    if (ze != NONE) {
        const char *z = s->p + zb;
        size_t zl = ze - zb;
        if (*z == '[') { /* "[-5:EST]" names EST; "[9]" is +9 */
            const char *colon = memchr(z + 1, ':', zl - 2);
            if (colon)
                set_zone(r, colon + 1, (size_t)(z + zl - 1 - colon - 1));
            else
                set_zone(r, z + 1, zl - 2);
        } else {
            set_zone(r, z, zl);
        }
        k = ze;
    }
    cut(s, sign, k);
    return true;
}

/* \b(bc\b|bce\b|b\.c\.|b\.c\.e\.) */
static void
parse_bc(ws *s, parsed *r)
{
    for (size_t i = 0; i < s->len; i++) {
        if (!boundary(s, i))
            continue;
        size_t e = NONE;
        if (lit(s, i, "bce") && boundary(s, i + 3))
            e = i + 3;
        else if (lit(s, i, "bc") && boundary(s, i + 2))
            e = i + 2;
        else if (lit(s, i, "b.c.e."))
            e = i + 6;
        else if (lit(s, i, "b.c."))
            e = i + 4;
        if (e != NONE) {
            r->bc = true;
            cut(s, i, e);
            return;
        }
    }
}

/* What is left is one or two digits alone: the day after a time, or the
 * hour after a date. */
static void
parse_frag(ws *s, parsed *r)
{
    size_t i = spaces(s, 0), n = digits(s, i);
    if (n < 1 || n > 2 || i + n + spaces(s, i + n) != s->len)
        return;
    int64_t v = at(s, i) - '0';
    if (n == 2)
        v = v * 10 + at(s, i + 1) - '0';
    if (r->hour.set && !r->mday.set && v >= 1 && v <= 31)
        r->mday = (field){ true, v };
    if (r->mday.set && !r->hour.set && v <= 24)
        r->hour = (field){ true, v };
}

/* Ruby's gsub(/[^-+',.\/:@[:alnum:]\[\]]+/, " "): every run of other
 * characters becomes one space. False for invalid UTF-8 or too long. */
static bool
fold(gz_str in, ws *s)
{
    if (!gz_utf8_valid(in, NULL) || gz_utf8_length(in) > MAX_CHARS)
        return false;
    s->len = 0;
    bool gap = false;
    for (size_t i = 0; i < in.len;) {
        int32_t cp;
        size_t n = gz_utf8_decode(in.p + i, in.len - i, &cp);
        bool keep;
        if (cp < 0x80) {
            keep = is_word(cp) || strchr("-+',./:@[]", (int)cp) != NULL;
            keep = keep && cp != 0;
        } else {
            utf8proc_category_t c = utf8proc_category(cp);
            keep = (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
                   c == UTF8PROC_CATEGORY_ND || c == UTF8PROC_CATEGORY_NL;
        }
        if (keep) {
            memcpy(s->p + s->len, in.p + i, n);
            s->len += n;
            gap = false;
        } else if (!gap) {
            s->p[s->len++] = ' ';
            gap = true;
        }
        i += n;
    }
    s->p[s->len] = '\0';
    return true;
}

bool
gz_date_parse(gz_str in, parsed *r)
{
    ws s;
    memset(r, 0, sizeof *r);
    r->comp = true;
    if (!fold(in, &s))
        return false;
    parse_day(&s);
    parse_time(&s, r);
    bool (*const dates[])(ws *, parsed *) = { parse_eu,   parse_us,   parse_iso, parse_jis,
                                              parse_vms,  parse_sla,  parse_dot, parse_iso2,
                                              parse_year, parse_mon,  parse_mday, parse_ddd };
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++)
        if (dates[i](&s, r))
            break;
    parse_bc(&s, r);
    parse_frag(&s, r);
    if (r->bad)
        return false;
    if (r->bc && r->year.set)
        r->year.v = 1 - r->year.v;
    if (r->comp && r->year.set && r->year.v >= 0 && r->year.v <= 99)
        r->year.v += r->year.v >= 69 ? 1900 : 2000;
    return true;
}
