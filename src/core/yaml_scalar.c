/* Psych's scalar resolution (yaml_scalar.h). Each regexp of
 * Psych::ScalarScanner (psych 4.0) is matched by a small scanner that
 * quotes it; Ruby's quirks are kept on purpose, each one checked against
 * Psych: "1:30" is 5400, "1e3" is a String, "-00:30" is +00:30. */
#include "core/yaml_scalar.h"

#include <math.h>
#include <string.h>

#include "core/utf8.h"

static int
digits_value(const char *p, size_t n)
{
    int v = 0;
    for (size_t k = 0; k < n; k++)
        v = v * 10 + (p[k] - '0');
    return v;
}

static bool
eq_ci(gz_str s, const char *word)
{
    size_t n = strlen(word);
    if (s.len != n)
        return false;
    for (size_t k = 0; k < n; k++) {
        char c = s.p[k];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c != word[k])
            return false;
    }
    return true;
}

/* ---- null and booleans ------------------------------------------------ */

/* Whether some line of s (Ruby's ^...$ match at every line) is one of the
 * words, ignoring ASCII case. */
static bool
some_line_is(gz_str s, const char *const *words)
{
    size_t start = 0;
    while (start <= s.len) {
        const char *nl = memchr(s.p + start, '\n', s.len - start);
        size_t end = nl ? (size_t)(nl - s.p) : s.len;
        for (const char *const *w = words; *w; w++)
            if (eq_ci(gz_str_n(s.p + start, end - start), *w))
                return true;
        start = end + 1;
    }
    return false;
}

/* The branch of tokenize for strings that look like words: at most five
 * characters starting with one of y t o n f ~ may be nil, true or false;
 * in a multi-line string any one line decides, as Ruby's anchors allow. */
static bool
tokenize_word(gz_str s, gz_value *out)
{
    static const char *const nulls[] = { "null", NULL };
    static const char *const trues[] = { "yes", "true", "on", NULL };
    static const char *const falses[] = { "no", "false", "off", NULL };
    if (!s.p[0] || !strchr("ytonfYTONF~", s.p[0]) || gz_utf8_length(s) > 5)
        return false;
    if (gz_str_eq_c(s, "~") || some_line_is(s, nulls))
        *out = gz_nil();
    else if (some_line_is(s, trues))
        *out = gz_bool(true);
    else if (some_line_is(s, falses))
        *out = gz_bool(false);
    else
        return false;
    return true;
}

/* ---- timestamps -------------------------------------------------------- */

typedef struct stamp {
    int year, month, day, hour, minute, second;
    gz_str frac;      /* digits after the point, maybe none */
    bool space_split; /* Ruby's split(/[ tT]/) finds the date/time gap */
    bool later_space; /* ... else whether a space follows the time */
    char zone;        /* 0 (none), 'Z' or the offset's sign */
    gz_str zone_digits; /* "0800", "08:00", "8" */
} stamp;

/* [-+]\d{1,2}:?(?:\d\d)?$ after the sign, which is at s.p[i - 1]. */
static bool
scan_offset(gz_str s, size_t i)
{
    size_t n = gz_skip_digits(s, &i);
    if (i < s.len && s.p[i] == ':')
        return (n == 1 || n == 2) && (i++, gz_skip_digits(s, &i) == 2) && i == s.len;
    return n >= 1 && n <= 4 && i == s.len;
}

/* TIME = /^-?\d{4}-\d{1,2}-\d{1,2}(?:[Tt]|\s+)\d{1,2}:\d\d:\d\d(?:\.\d*)?
 *         (?:\s*(?:Z|[-+]\d{1,2}:?(?:\d\d)?))?$/ */
static bool
scan_time(gz_str s, stamp *t)
{
    size_t i = 0, n;
    bool negative = s.len && s.p[0] == '-';
    i += negative;
    const char *y = s.p + i;
    if (gz_skip_digits(s, &i) != 4 || i >= s.len || s.p[i++] != '-')
        return false;
    t->year = negative ? -digits_value(y, 4) : digits_value(y, 4);
    const char *m = s.p + i;
    if ((n = gz_skip_digits(s, &i)) < 1 || n > 2 || i >= s.len || s.p[i++] != '-')
        return false;
    t->month = digits_value(m, n);
    const char *d = s.p + i;
    if ((n = gz_skip_digits(s, &i)) < 1 || n > 2 || i >= s.len)
        return false;
    t->day = digits_value(d, n);
    if (s.p[i] == 'T' || s.p[i] == 't') {
        t->space_split = true;
        i++;
    } else {
        size_t gap = i;
        while (i < s.len && gz_ruby_space(s.p[i]))
            i++;
        if (i == gap)
            return false;
        t->space_split = memchr(s.p + gap, ' ', i - gap) != NULL;
    }
    const char *h = s.p + i;
    if ((n = gz_skip_digits(s, &i)) < 1 || n > 2 || i >= s.len || s.p[i++] != ':')
        return false;
    t->hour = digits_value(h, n);
    const char *mi = s.p + i;
    if (gz_skip_digits(s, &i) != 2 || i >= s.len || s.p[i++] != ':')
        return false;
    t->minute = digits_value(mi, 2);
    const char *se = s.p + i;
    if (gz_skip_digits(s, &i) != 2)
        return false;
    t->second = digits_value(se, 2);
    t->frac = gz_str_n(s.p + i, 0);
    if (i < s.len && s.p[i] == '.') {
        i++;
        t->frac.p = s.p + i;
        t->frac.len = gz_skip_digits(s, &i);
    }
    t->zone = 0;
    t->later_space = memchr(s.p + i, ' ', s.len - i) != NULL;
    if (i == s.len)
        return true;
    while (i < s.len && gz_ruby_space(s.p[i]))
        i++;
    if (i < s.len && s.p[i] == 'Z') {
        t->zone = 'Z';
        return i + 1 == s.len;
    }
    if (i < s.len && (s.p[i] == '+' || s.p[i] == '-')) {
        t->zone = s.p[i];
        t->zone_digits = gz_str_n(s.p + i + 1, s.len - i - 1);
        return scan_offset(s, i + 1);
    }
    return false;
}

/* Seconds east of UTC as ScalarScanner#parse_time reads an offset: hours
 * are the first one or two digits, minutes the rest, and the minutes take
 * the sign of the hours only when those are non-zero ("-00:30" is +00:30). */
static int
offset_seconds(const stamp *t)
{
    gz_str z = t->zone_digits;
    size_t hn = z.len >= 2 && gz_ruby_digit(z.p[1]) ? 2 : 1;
    int hours = digits_value(z.p, hn) * (t->zone == '-' ? -1 : 1);
    size_t rest = hn + (hn < z.len && z.p[hn] == ':');
    int minutes = digits_value(z.p + rest, z.len - rest);
    return hours * 3600 + (hours < 0 ? -minutes : minutes) * 60;
}

/* Time.utc / Time.new's range checks; Psych turns their ArgumentError into
 * a plain string. Days up to 31 carry into the next month, as in Ruby. */
static bool
stamp_in_range(const stamp *t)
{
    if (t->month < 1 || t->month > 12 || t->day < 1 || t->day > 31)
        return false;
    if (t->minute > 59 || t->second > 60 || t->hour > 24)
        return false;
    return t->hour < 24 || (t->minute == 0 && t->second == 0);
}

/* ScalarScanner#parse_time. Returns false with Ruby's NoMethodError text
 * where Psych crashes: it splits date from time at the first space, T or
 * t, so a date and time separated only by a tab lose their time. */
static bool
make_time(const stamp *t, const gz_tz *local, gz_value *out, gz_arena *a, gz_buf *err,
          gz_str s)
{
    if (!t->space_split) {
        gz_buf_puts(err, t->later_space ? "undefined method `[]' for nil:NilClass"
                                        : "undefined method `match' for nil:NilClass");
        return false;
    }
    int offset = t->zone == '+' || t->zone == '-' ? offset_seconds(t) : 0;
    if (!stamp_in_range(t) || offset <= -86400 || offset >= 86400) {
        *out = gz_string_copy(a, s.p, s.len);
        return true;
    }
    gz_time tm = { 0 };
    tm.sec = gz_days_from_civil(t->year, t->month, t->day) * 86400 + t->hour * 3600 +
             t->minute * 60 + t->second - offset;
    for (size_t k = 0; k < 9; k++)
        tm.nsec = tm.nsec * 10 + (k < t->frac.len ? t->frac.p[k] - '0' : 0);
    if (t->zone == 'Z') {
        tm.zone = "UTC"; /* Ruby's UTC mode: to_s ends in "UTC" */
    } else if (t->zone) {
        tm.utc_offset = offset;
    } else {
        /* Time.at: the same instant, shown in the process's zone. */
        tm = gz_time_in_zone(tm, local ? local : gz_tz_get("UTC"));
    }
    *out = gz_time_new(a, tm);
    return true;
}

/* /^\d{4}-(?:1[012]|0\d|\d)-(?:[12]\d|3[01]|0\d|\d)$/ then
 * Date.strptime(s, '%Y-%m-%d'), which knows Ruby's default calendar:
 * Julian before 1582-10-15, with 1582-10-05..14 missing. */
static bool
scan_date(gz_str s, int *y, int *m, int *d)
{
    size_t i = 0, n;
    if (gz_skip_digits(s, &i) != 4 || i >= s.len || s.p[i++] != '-')
        return false;
    *y = digits_value(s.p, 4);
    const char *mp = s.p + i;
    if ((n = gz_skip_digits(s, &i)) < 1 || n > 2)
        return false;
    if (n == 2 && mp[0] != '0' && !(mp[0] == '1' && mp[1] <= '2'))
        return false;
    *m = digits_value(mp, n);
    if (i >= s.len || s.p[i++] != '-')
        return false;
    const char *dp = s.p + i;
    if ((n = gz_skip_digits(s, &i)) < 1 || n > 2 || i != s.len)
        return false;
    *d = digits_value(dp, n);
    return n == 1 || dp[0] <= '2' || (dp[0] == '3' && dp[1] <= '1');
}

static bool
gregorian_leap(int y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

/* A Date as a gz_time at midnight UTC of the same year, month and day.
 * Julian dates keep their label, so the Gregorian month lengths decide,
 * except that a Julian-only leap day (1500-02-29), which Ruby accepts,
 * has no such label and stays a string. */
static bool
make_date(int y, int m, int d, gz_value *out, gz_arena *a)
{
    static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && gregorian_leap(y)))
        return false;
    if (y == 1582 && m == 10 && d >= 5 && d <= 14)
        return false; /* the days the Gregorian reform skipped */
    gz_time t = { .sec = gz_days_from_civil(y, m, d) * 86400, .date_only = true };
    *out = gz_time_new(a, t);
    return true;
}

/* ---- the scanner ------------------------------------------------------- */

bool
gz_yaml_tokenize(gz_arena *a, gz_str s, const gz_tz *local, gz_value *out, gz_buf *err)
{
    stamp t = { 0 };
    int y, m, d;
    if (!s.len) {
        *out = gz_nil();
        return true;
    }
    if (tokenize_word(s, out))
        return true;
    if (memchr(s.p, '\n', s.len))
        goto string;
    if (scan_time(s, &t))
        return make_time(&t, local, out, a, err, s);
    if (scan_date(s, &y, &m, &d)) {
        if (!make_date(y, m, d, out, a))
            goto string;
        return true;
    }
    if (eq_ci(s, ".inf") || eq_ci(s, "+.inf") || eq_ci(s, "-.inf")) {
        *out = gz_float(s.p[0] == '-' ? -INFINITY : INFINITY);
        return true;
    }
    if (eq_ci(s, ".nan")) {
        *out = gz_float(NAN);
        return true;
    }
    if (s.p[0] == ':' && s.len > 1) {
        gz_buf_puts(err, "Tried to load unspecified class: Symbol");
        return false;
    }
    switch (gz_yaml_number(a, s, out, err)) {
    case GZ_YAML_NUMBER: return true;
    case GZ_YAML_NUMBER_ERROR: return false;
    case GZ_YAML_NOT_NUMBER: break;
    }
string:
    *out = gz_string_copy(a, s.p, s.len);
    return true;
}

bool
gz_yaml_float_tag(gz_arena *a, gz_str s, const gz_tz *local, gz_value *out, gz_buf *err)
{
    gz_value v;
    if (!gz_yaml_tokenize(a, s, local, &v, err))
        return false;
    switch (v.type) {
    case GZ_INT: *out = gz_float((double)v.u.i); return true;
    case GZ_FLOAT: *out = v; return true;
    case GZ_STRING: return gz_yaml_ruby_float(gz_value_str(v), out, err);
    case GZ_TIME:
        if (!v.u.t->date_only) { /* Time#to_f */
            *out = gz_float((double)v.u.t->sec + v.u.t->nsec / 1e9);
            return true;
        }
        gz_buf_puts(err, "can't convert Date into Float");
        return false;
    default:
        gz_buf_printf(err, "can't convert %s into Float",
                      v.type == GZ_NIL ? "nil" : v.u.b ? "true" : "false");
        return false;
    }
}

/* The next base64 digit from *i, skipping other bytes; -1 at the end, or
 * at a "=" when `pad_stops`. */
static int
next_sextet(gz_str s, size_t *i, bool pad_stops)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (; *i < s.len; (*i)++) {
        if (pad_stops && s.p[*i] == '=')
            return -1;
        const char *hit = s.p[*i] ? strchr(alphabet, s.p[*i]) : NULL;
        if (hit) {
            (*i)++;
            return (int)(hit - alphabet);
        }
    }
    return -1;
}

/* Ruby's lenient unpack("m"): groups of four digits, junk skipped; a "="
 * in the third or fourth place ends the data. */
gz_value
gz_yaml_binary(gz_arena *a, gz_str s)
{
    gz_buf out = GZ_BUF_INIT;
    size_t i = 0;
    for (;;) {
        int q0 = next_sextet(s, &i, false);
        int q1 = q0 < 0 ? -1 : next_sextet(s, &i, false);
        if (q1 < 0)
            break;
        gz_buf_putc(&out, (char)(q0 << 2 | q1 >> 4));
        int q2 = next_sextet(s, &i, true);
        if (q2 < 0)
            break;
        gz_buf_putc(&out, (char)(q1 << 4 | q2 >> 2));
        int q3 = next_sextet(s, &i, true);
        if (q3 < 0)
            break;
        gz_buf_putc(&out, (char)(q2 << 6 | q3));
    }
    gz_value v = gz_string_from_buf(a, &out);
    gz_buf_free(&out);
    return v;
}
