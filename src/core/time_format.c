/* Ruby's Time#strftime (and Date#strftime for date_only times), written
 * from the behaviour of Ruby 3.1's strftime.c and date_strftime.c: each
 * conversion is %, then flags (- _ 0 ^ #), a width, colons for %z, an E or
 * O modifier, and the conversion letter. */
#include "core/time.h"

#include <limits.h>
#include <stdio.h>

#include "core/time_impl.h"

/* Widths Ruby accepts go up to INT_MAX; we refuse to build such strings. */
#define MAX_WIDTH 65536

enum { F_LEFT = 1, F_UPPER = 2, F_LOWER = 4, F_CHCASE = 8 };

typedef struct conv {
    int flags;
    char pad;  /* 0 = the conversion's own, else ' ' or '0' */
    int width; /* 0 = none */
    int colons;
} conv;

typedef struct ctx {
    const gz_time *t;
    gz_civil64 c;
    bool date; /* Date#strftime rules */
} ctx;

static const char *const day_names[] = { "Sunday", "Monday", "Tuesday", "Wednesday",
                                         "Thursday", "Friday", "Saturday" };
static const char *const month_names[] = { "January", "February", "March",     "April",
                                           "May",     "June",     "July",      "August",
                                           "September", "October", "November", "December" };

static bool format(gz_buf *out, gz_str f, const ctx *x);

static void
put_num(gz_buf *out, const conv *cv, char def_pad, int def_prec, int64_t v)
{
    int prec = (cv->flags & F_LEFT) ? 1 : cv->width > 0 ? cv->width : def_prec;
    bool zero = cv->pad == '0' || (!cv->pad && def_pad == '0');
    if (v < 0 || prec > 64) { /* rare: let printf place the sign */
        gz_buf_printf(out, zero ? "%0*lld" : "%*lld", prec, (long long)v);
        return;
    }
    /* Digits by hand: the date filter formats several numbers per call, and
     * printf's machinery was a visible part of rendering a page. */
    char digits[20];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (int i = n; i < prec; i++)
        gz_buf_putc(out, zero ? '0' : ' ');
    while (n)
        gz_buf_putc(out, digits[--n]);
}

static void
put_pad(gz_buf *out, char pad, size_t n)
{
    gz_buf_grow(out, n);
    memset(out->data + out->len, pad, n);
    out->len += n;
    out->data[out->len] = '\0';
}

static void
convert_case(char *s, size_t n, int flags)
{
    for (size_t i = 0; i < n; i++) {
        if ((flags & F_UPPER) && s[i] >= 'a' && s[i] <= 'z')
            s[i] = (char)(s[i] - 'a' + 'A');
        else if ((flags & F_LOWER) && !(flags & F_UPPER) && s[i] >= 'A' && s[i] <= 'Z')
            s[i] = (char)(s[i] - 'A' + 'a');
    }
}

/* A word: padded on the left to the width (spaces unless 0 was given),
 * unless - was; an empty word prints nothing at all. */
static void
put_text(gz_buf *out, const conv *cv, const char *s, size_t n)
{
    if (n == 0)
        return;
    if (!(cv->flags & F_LEFT) && (size_t)cv->width > n)
        put_pad(out, cv->pad ? cv->pad : ' ', (size_t)cv->width - n);
    size_t at = out->len;
    gz_buf_put(out, s, n);
    convert_case(out->data + at, n, cv->flags);
}

/* %c, %D, %F, ...: another format, then case and padding on the whole. */
static void
put_composite(gz_buf *out, const conv *cv, const char *fmt, const ctx *x)
{
    size_t at = out->len;
    format(out, gz_str_c(fmt), x); /* constant formats: cannot fail */
    size_t n = out->len - at;
    convert_case(out->data + at, n, cv->flags);
    if ((size_t)cv->width > n && !(x->date && (cv->flags & F_LEFT))) {
        size_t padn = (size_t)cv->width - n;
        put_pad(out, ' ', padn);
        memmove(out->data + at + padn, out->data + at, n);
        memset(out->data + at, cv->pad ? cv->pad : ' ', padn);
    }
}

/* %L and %N: the first `width` digits of the fraction, zeros past 9. */
static void
put_subsec(gz_buf *out, const conv *cv, int def_digits, int32_t nsec)
{
    int n = cv->width > 0 ? cv->width : def_digits;
    char digits[10];
    snprintf(digits, sizeof digits, "%09d", (int)nsec);
    gz_buf_put(out, digits, n < 9 ? (size_t)n : 9);
    if (n > 9)
        put_pad(out, '0', (size_t)n - 9);
}

/* The width of the hours part of %z, from the total width asked for. */
static int
hour_digits(int colons, long aoff, int width, int min)
{
    static const int rest[] = { 3, 4, 7 }; /* "mm", ":mm", ":mm:ss" + sign */
    int r;
    if (colons < 3)
        r = rest[colons];
    else
        r = aoff % 3600 == 0 ? 1 : aoff % 60 == 0 ? 4 : 7;
    return width <= r + min ? min : width - r;
}

static void
put_offset_rest(gz_buf *out, int colons, long aoff)
{
    long rest = aoff % 3600;
    if (colons == 3 && rest == 0)
        return;
    gz_buf_printf(out, colons >= 1 ? ":%02ld" : "%02ld", rest / 60);
    if (colons == 3 && rest % 60 == 0)
        return;
    if (colons >= 2)
        gz_buf_printf(out, ":%02ld", rest % 60);
}

/* Time's %z: the sign is part of a printf field of the hours, so "%_z"
 * gives " +800" and a negative offset under an hour keeps its "-". */
static void
put_offset_time(gz_buf *out, const conv *cv, long off, bool utc)
{
    int sign = off < 0 ? -1 : 1;
    if (utc) /* Ruby's UTC mode: "%-z" is RFC 2822's "-0000" */
        sign = (cv->flags & F_LEFT) ? -1 : 1;
    long aoff = off < 0 ? -off : off;
    int prec = hour_digits(cv->colons, aoff, cv->width, 2);
    size_t at = out->len;
    if (cv->pad == ' ')
        gz_buf_printf(out, "%+*ld", prec + 1, sign * (aoff / 3600));
    else
        gz_buf_printf(out, "%+.*ld", prec, sign * (aoff / 3600));
    if (sign < 0 && aoff < 3600)
        out->data[cv->pad == ' ' ? out->len - 2 : at] = '-';
    put_offset_rest(out, cv->colons, aoff);
}

/* Date's %z: spaces before the sign, and "-" shortens a one-digit hour. */
static void
put_offset_date(gz_buf *out, const conv *cv, long off)
{
    long aoff = off < 0 ? -off : off;
    int hl = aoff / 3600 < 10 ? 1 : 2;
    int prec = hour_digits(cv->colons, aoff, cv->width,
                           (cv->flags & F_LEFT) && hl == 1 ? 1 : 2);
    if (cv->pad == ' ' && prec > hl) {
        put_pad(out, ' ', (size_t)(prec - hl));
        prec = hl;
    }
    gz_buf_printf(out, "%c%0*ld", off < 0 ? '-' : '+', prec, aoff / 3600);
    put_offset_rest(out, cv->colons, aoff);
}

static int64_t
weeks_in_year(int64_t y)
{
    int jan1 = (int)gz_floor_mod(gz_days_from_civil(y, 1, 1) + 4, 7);
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return jan1 == 4 || (leap && jan1 == 3) ? 53 : 52;
}

/* ISO 8601 week number and the year it belongs to (%V, %G). */
static int
iso_week(const gz_civil64 *c, int64_t *year)
{
    int isowd = c->wday ? c->wday : 7;
    int64_t w = (c->yday - isowd + 10) / 7;
    *year = c->year;
    if (w < 1) {
        *year = c->year - 1;
        w = weeks_in_year(*year);
    } else if (w > weeks_in_year(c->year)) {
        *year = c->year + 1;
        w = 1;
    }
    return (int)w;
}

/* Seconds (unit 1) or milliseconds (1000) since the epoch of the date
 * shown, for Date's %s and %Q; saturates for absurd dates. */
static int64_t
date_epoch(const gz_civil64 *c, int64_t unit)
{
    int64_t days = gz_days_from_civil(c->year, c->month, c->day), r;
    if (__builtin_mul_overflow(days, 86400 * unit, &r))
        return days < 0 ? INT64_MIN : INT64_MAX;
    return r;
}

/* One conversion letter; false when it is none. */
static bool
convert(gz_buf *out, conv *cv, char ch, const ctx *x)
{
    const gz_civil64 *c = &x->c;
    int h12 = c->hour % 12 ? c->hour % 12 : 12;
    int64_t iso_year;
    const char *s;

    switch (ch) {
    case 'A': case 'a': case 'B': case 'b': case 'h':
        if (cv->flags & F_CHCASE)
            cv->flags = (cv->flags & ~(F_LOWER | F_CHCASE)) | F_UPPER;
        s = ch == 'A' || ch == 'a' ? day_names[c->wday] : month_names[c->month - 1];
        put_text(out, cv, s, ch == 'A' || ch == 'B' ? strlen(s) : 3);
        return true;
    case 'p': case 'P':
        if ((ch == 'p' && (cv->flags & F_CHCASE)) ||
            (ch == 'P' && !(cv->flags & (F_CHCASE | F_UPPER))))
            cv->flags = (cv->flags & ~(F_UPPER | F_CHCASE)) | F_LOWER;
        put_text(out, cv, c->hour < 12 ? "AM" : "PM", 2);
        return true;
    case 'Z':
        if (cv->flags & F_CHCASE)
            cv->flags = (cv->flags & ~(F_UPPER | F_CHCASE)) | F_LOWER;
        s = x->date ? "+00:00" : gz_time_is_utc(x->t) ? "UTC" : x->t->zone ? x->t->zone : "";
        put_text(out, cv, s, strlen(s));
        return true;
    case 'Y': put_num(out, cv, '0', c->year >= 0 ? 4 : 5, c->year); return true;
    case 'C': put_num(out, cv, '0', 2, gz_floor_div(c->year, 100)); return true;
    case 'y': put_num(out, cv, '0', 2, gz_floor_mod(c->year, 100)); return true;
    case 'm': put_num(out, cv, '0', 2, c->month); return true;
    case 'd': put_num(out, cv, '0', 2, c->day); return true;
    case 'e': put_num(out, cv, ' ', 2, c->day); return true;
    case 'j': put_num(out, cv, '0', 3, c->yday); return true;
    case 'H': put_num(out, cv, '0', 2, c->hour); return true;
    case 'k': put_num(out, cv, ' ', 2, c->hour); return true;
    case 'I': put_num(out, cv, '0', 2, h12); return true;
    case 'l': put_num(out, cv, ' ', 2, h12); return true;
    case 'M': put_num(out, cv, '0', 2, c->minute); return true;
    case 'S': put_num(out, cv, '0', 2, c->second); return true;
    case 'u': put_num(out, cv, '0', 1, c->wday ? c->wday : 7); return true;
    case 'w': put_num(out, cv, '0', 1, c->wday); return true;
    case 'U': put_num(out, cv, '0', 2, (c->yday - 1 + 7 - c->wday) / 7); return true;
    case 'W': put_num(out, cv, '0', 2, (c->yday - 1 + 7 - (c->wday + 6) % 7) / 7); return true;
    case 'V': put_num(out, cv, '0', 2, iso_week(c, &iso_year)); return true;
    case 'G':
        iso_week(c, &iso_year);
        put_num(out, cv, '0', iso_year >= 0 ? 4 : 5, iso_year);
        return true;
    case 'g':
        iso_week(c, &iso_year);
        put_num(out, cv, '0', 2, gz_floor_mod(iso_year, 100));
        return true;
    case 'L': put_subsec(out, cv, 3, x->date ? 0 : x->t->nsec); return true;
    case 'N': put_subsec(out, cv, 9, x->date ? 0 : x->t->nsec); return true;
    case 's':
        put_num(out, cv, '0', 1, x->date ? date_epoch(c, 1) : x->t->sec);
        return true;
    case 'Q':
        if (!x->date)
            return false;
        put_num(out, cv, '0', 1, date_epoch(c, 1000));
        return true;
    case 'z':
        if (x->date)
            put_offset_date(out, cv, 0);
        else
            put_offset_time(out, cv, x->t->utc_offset, gz_time_is_utc(x->t));
        return true;
    case 'n': put_text(out, cv, "\n", 1); return true;
    case 't': put_text(out, cv, "\t", 1); return true;
    case '%': put_text(out, cv, "%", 1); return true;
    case 'c': put_composite(out, cv, "%a %b %e %H:%M:%S %Y", x); return true;
    case 'D': case 'x': put_composite(out, cv, "%m/%d/%y", x); return true;
    case 'F': put_composite(out, cv, "%Y-%m-%d", x); return true;
    case 'X': case 'T': put_composite(out, cv, "%H:%M:%S", x); return true;
    case 'r': put_composite(out, cv, "%I:%M:%S %p", x); return true;
    case 'R': put_composite(out, cv, "%H:%M", x); return true;
    case 'v': put_composite(out, cv, "%e-%^b-%4Y", x); return true;
    case '+':
        if (!x->date)
            return false;
        put_composite(out, cv, "%a %b %e %H:%M:%S %Z %Y", x);
        return true;
    default:
        return false;
    }
}

/* Reads the flags and width of the conversion starting at f[*i] == '%'
 * and prints it; leaves *i after it. False: the format ended inside. */
static bool
conversion(gz_buf *out, gz_str f, size_t *i, const ctx *x)
{
    size_t sp = *i, k = sp;
    conv cv = { 0, 0, 0, 0 };
    for (;;) {
        if (++k >= f.len)
            return false;
        char ch = f.p[k];
        switch (ch) {
        case '-': case '_': case '^': case '#':
            if (cv.width > 0) /* a flag after the width */
                goto unknown;
            if (ch == '-') {
                cv.flags |= F_LEFT;
                cv.pad = 0;
            } else if (ch == '_') {
                cv.pad = ' ';
            } else {
                cv.flags |= ch == '^' ? F_UPPER : F_CHCASE;
            }
            continue;
        case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9': {
            if (ch == '0')
                cv.pad = '0';
            int64_t w = 0;
            while (k < f.len && f.p[k] >= '0' && f.p[k] <= '9') {
                if (w <= INT_MAX)
                    w = w * 10 + (f.p[k] - '0');
                k++;
            }
            k--;
            if (w > INT_MAX)
                goto unknown;
            if (w > MAX_WIDTH)
                return false;
            cv.width = (int)w;
            continue;
        }
        case ':': {
            size_t n = 0;
            while (k + n < f.len && f.p[k + n] == ':')
                n++;
            if (n > 3 || k + n >= f.len || f.p[k + n] != 'z')
                goto unknown;
            cv.colons = (int)n;
            k += n - 1;
            continue;
        }
        case 'E': case 'O':
            /* POSIX locale modifiers: ignored before the letters they allow */
            if (k + 1 < f.len && f.p[k + 1] && strchr(ch == 'E' ? "cCxXyY" : "deHkIlmMSuUVwWy", f.p[k + 1]))
                continue;
            goto unknown;
        default:
            if (convert(out, &cv, ch, x)) {
                *i = k + 1;
                return true;
            }
            goto unknown;
        }
    }
unknown:
    gz_buf_put(out, f.p + sp, k + 1 - sp);
    *i = k + 1;
    return true;
}

static bool
format(gz_buf *out, gz_str f, const ctx *x)
{
    size_t i = 0;
    while (i < f.len) {
        const char *pct = memchr(f.p + i, '%', f.len - i);
        size_t end = pct ? (size_t)(pct - f.p) : f.len;
        gz_buf_put(out, f.p + i, end - i);
        i = end;
        if (i < f.len && !conversion(out, f, &i, x)) {
            if (!x->date)
                return false;
            /* Date#strftime prints an unfinished conversion as it is */
            gz_buf_put(out, f.p + i, f.len - i);
            i = f.len;
        }
    }
    return true;
}

bool
gz_strftime(gz_buf *out, gz_str fmt, const gz_time *t)
{
    ctx x = { t, { 0 }, t->date_only };
    gz_civil64_of(t, &x.c);
    size_t start = out->len;
    gz_buf_grow(out, fmt.len); /* out->data is never NULL below */
    if (!format(out, fmt, &x)) {
        gz_buf_truncate(out, start);
        return false;
    }
    return true;
}
