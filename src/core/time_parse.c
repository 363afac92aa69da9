/* Reading date strings as Liquid 5.4's `date` filter does: "now"/"today",
 * Unix seconds, else Ruby's Time.parse: Date._parse (time_dateparse.c)
 * followed by Time.make_time, which fills what is missing from the
 * current time and applies the zone, written here after Ruby 3.1's
 * time.rb. */
#include "core/time.h"

#include <strings.h>

#include "core/time_impl.h"

typedef gz_date_field field;
typedef gz_date_fields parsed;

static bool
zone_is_utc(const char *z)
{
    static const char *const utc[] = { "-00:00", "-0000", "-00", "utc", "z", "ut" };
    for (size_t i = 0; i < 6; i++)
        if (strcasecmp(z, utc[i]) == 0)
            return true;
    return false;
}

static bool
two_digits(const char *p)
{
    return p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9';
}

/* Time.zone_offset: "+08:00", "+0800", "+08", the RFC 822 and military
 * names, or an abbreviation the local zone uses on 1 January or 1 July. */
static bool
zone_offset(const char *z, int64_t year, const gz_tz *local, int32_t *off)
{
    static const struct {
        const char *name;
        int hours;
    } names[] = {
        { "UTC", 0 },  { "Z", 0 },    { "UT", 0 },   { "GMT", 0 },  { "EST", -5 }, { "EDT", -4 },
        { "CST", -6 }, { "CDT", -5 }, { "MST", -7 }, { "MDT", -6 }, { "PST", -8 }, { "PDT", -7 },
        { "A", 1 },    { "B", 2 },    { "C", 3 },    { "D", 4 },    { "E", 5 },    { "F", 6 },
        { "G", 7 },    { "H", 8 },    { "I", 9 },    { "K", 10 },   { "L", 11 },   { "M", 12 },
        { "N", -1 },   { "O", -2 },   { "P", -3 },   { "Q", -4 },   { "R", -5 },   { "S", -6 },
        { "T", -7 },   { "U", -8 },   { "V", -9 },   { "W", -10 },  { "X", -11 },  { "Y", -12 },
    };
    size_t n = strlen(z);
    if ((z[0] == '+' || z[0] == '-') && n >= 3 && two_digits(z + 1)) {
        int sign = z[0] == '-' ? -1 : 1, h = (z[1] - '0') * 10 + z[2] - '0';
        const char *p = z + 3;
        if (n == 3) {
            *off = sign * h * 3600;
            return true;
        }
        bool colon = *p == ':';
        if (colon)
            p++;
        if (!two_digits(p))
            return false;
        int m = (p[0] - '0') * 10 + p[1] - '0', sec = 0;
        p += 2;
        if (*p && colon && *p == ':' && two_digits(p + 1) && !p[3]) {
            sec = (p[1] - '0') * 10 + p[2] - '0';
        } else if (*p && !colon && two_digits(p) && !p[2]) {
            sec = (p[0] - '0') * 10 + p[1] - '0';
        } else if (*p) {
            return false;
        }
        *off = sign * ((h * 60 + m) * 60 + sec);
        return true;
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcasecmp(z, names[i].name) == 0) {
            *off = names[i].hours * 3600;
            return true;
        }
    }
    if (year < -1000000000 || year > 1000000000)
        return false;
    for (int mon = 1; mon <= 7; mon += 6) {
        gz_time t = gz_time_from_local(local, (int)year, mon, 1, 0, 0, 0);
        if (strcasecmp(t.zone, z) == 0) {
            *off = t.utc_offset;
            return true;
        }
    }
    return false;
}

/* 0 for a month that is none (Ruby's nil). */
static int
month_days(int64_t y, int64_t m)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (m == 0) /* Ruby indexes its table with m - 1 == -1: December */
        return 31;
    if (m < 1 || m > 12)
        return 0;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* Time.apply_offset: local fields minus the offset, carrying as Ruby does
 * (a day past the month's end becomes the 1st of the next month). */
static void
apply_offset(int64_t *f, int32_t off)
{
    int64_t *y = &f[0], *mon = &f[1], *day = &f[2], *hour = &f[3], *min = &f[4], *sec = &f[5];
    int64_t o = off < 0 ? -(int64_t)off : off, sign = off < 0 ? 1 : -1, r;
    if (o == 0)
        return;
    r = o % 60, o /= 60;
    if (r) {
        *sec += sign * r;
        o += sign * gz_floor_div(*sec, 60);
        *sec = gz_floor_mod(*sec, 60);
    }
    r = o % 60, o /= 60;
    if (r) {
        *min += sign * r;
        o += sign * gz_floor_div(*min, 60);
        *min = gz_floor_mod(*min, 60);
    }
    r = o % 24, o /= 24;
    if (r) {
        *hour += sign * r;
        o += sign * gz_floor_div(*hour, 24);
        *hour = gz_floor_mod(*hour, 24);
    }
    if (o == 0)
        return;
    *day += sign * o;
    int md = month_days(*y, *mon);
    if (sign > 0 && md && *day > md) {
        *day = 1;
        if (++*mon > 12) {
            *mon = 1;
            ++*y;
        }
    } else if (sign < 0 && *day < 1) {
        if (--*mon < 1) {
            *mon = 12;
            --*y;
        }
        *day = month_days(*y, *mon);
    }
}

/* Time.utc and Time.local's argument checks. */
static bool
fields_ok(const int64_t *f)
{
    return f[0] >= -1000000000 && f[0] <= 1000000000 && f[1] >= 1 && f[1] <= 12 && f[2] >= 1 &&
           f[2] <= 31 && f[3] >= 0 && f[3] <= 24 && f[4] >= 0 && f[4] <= 59 && f[5] >= 0 &&
           f[5] <= 60 && (f[3] < 24 || (f[4] == 0 && f[5] == 0));
}

/* Time.make_time for given year, month, day, hour, minute, second. */
static bool
make_fields(const parsed *r, const field *f, const gz_tz *local, gz_time now, gz_time *out)
{
    int64_t off_year = f[0].set ? f[0].v : gz_time_civil(&now).year;
    int32_t off = 0;
    bool has_off = r->has_zone && zone_offset(r->zone, off_year, local, &off);
    if (has_off)
        now.utc_offset = off;
    gz_civil nc = gz_time_civil(&now);

    /* The leading fields the string leaves out are today's. */
    const int64_t today[6] = { nc.year, nc.month, nc.day, nc.hour, nc.minute, nc.second };
    static const int64_t defaults[6] = { 1970, 1, 1, 0, 0, 0 };
    int64_t v[6];
    size_t i = 0;
    for (; i < 6 && !f[i].set; i++)
        v[i] = today[i];
    for (; i < 6; i++)
        v[i] = f[i].set ? f[i].v : defaults[i];
    if (r->has_zone && v[0] != off_year)
        has_off = zone_offset(r->zone, v[0], local, &off);
    int32_t nsec = r->has_frac ? r->nsec : 0;

    if (!has_off) {
        if (!fields_ok(v))
            return false;
        *out = gz_time_from_local(local, (int)v[0], (int)v[1], (int)v[2], (int)v[3], (int)v[4],
                                  (int)v[5]);
        out->nsec = nsec;
        return true;
    }
    /* Time#localtime(offset) wants less than a day; UTC needs none */
    if (!zone_is_utc(r->zone) && (off <= -86400 || off >= 86400))
        return false;
    apply_offset(v, off);
    if (!fields_ok(v))
        return false;
    gz_time t = { .sec = gz_days_from_civil(v[0], (int)v[1], (int)v[2]) * 86400 +
                         v[3] * 3600 + v[4] * 60 + v[5],
                  .nsec = nsec };
    if (zone_is_utc(r->zone)) {
        t.zone = "UTC"; /* Ruby's UTC mode */
    } else {
        /* The local zone when it agrees with the offset, else the offset. */
        t = gz_time_in_zone(t, local);
        if (t.utc_offset != off) {
            t.utc_offset = off;
            t.zone = NULL;
        }
    }
    *out = t;
    return true;
}

static bool
make_time(const parsed *r, const gz_tz *local, gz_time now, gz_time *out)
{
    if (!r->year.set && !r->yday.set && !r->mon.set && !r->mday.set && !r->hour.set &&
        !r->min.set && !r->sec.set && !r->has_frac)
        return false; /* "no time information" */
    field f[6] = { r->year, r->mon, r->mday, r->hour, r->min, r->sec };
    if (!r->yday.set)
        return make_fields(r, f, local, now, out);

    /* A day of the year: guess a date with 31-day months, then move by
     * what the time made of the guess is off (as Ruby does, so that an
     * hour of 24 lands on the day asked for). */
    int64_t yday = r->yday.v;
    if (yday < 1 || yday > 366)
        return false;
    int64_t mon = (yday - 1) / 31 + 1, day = (yday - 1) % 31 + 1;
    f[1] = (field){ true, mon };
    f[2] = (field){ true, day };
    gz_time t;
    if (!make_fields(r, f, local, now, &t))
        return false;
    int64_t diff = yday - gz_time_civil(&t).yday;
    if (diff == 0) {
        *out = t;
        return true;
    }
    int64_t off_year = r->year.set ? r->year.v : gz_time_civil(&now).year;
    day += diff;
    int mdays = month_days(off_year, mon);
    if (day > 28 && day > mdays) {
        if (++mon > 12)
            return false;
        day -= mdays;
    }
    f[1] = (field){ true, mon };
    f[2] = (field){ true, day };
    return make_fields(r, f, local, now, out);
}

/* ---- Liquid's to_date ----------------------------------------------------- */

/* `now` is the current time in `local`. */
static bool
parse(gz_str s, const gz_tz *local, gz_time now, gz_time *out)
{
    if (s.len == 0)
        return false;
    if ((s.len == 3 && strncasecmp(s.p, "now", 3) == 0) ||
        (s.len == 5 && strncasecmp(s.p, "today", 5) == 0)) {
        *out = now;
        return true;
    }
    int64_t sec = 0;
    size_t d = 0;
    for (; d < s.len && s.p[d] >= '0' && s.p[d] <= '9'; d++) {
        if (sec > (INT64_MAX - 9) / 10)
            return false; /* Ruby would make a Time of a far year */
        sec = sec * 10 + (s.p[d] - '0');
    }
    if (d == s.len) { /* Time.at(digits) */
        *out = gz_time_in_zone((gz_time){ .sec = sec }, local);
        return true;
    }
    parsed r;
    return gz_date_parse(s, &r) && make_time(&r, local, now, out);
}

bool
gz_time_parse_at(gz_str s, const gz_tz *local, int64_t now, gz_time *out)
{
    local = local ? local : gz_tz_utc();
    return parse(s, local, gz_time_in_zone((gz_time){ .sec = now }, local), out);
}

bool
gz_time_parse(gz_str s, const gz_tz *local, gz_time *out)
{
    local = local ? local : gz_tz_utc();
    return parse(s, local, gz_time_now(local), out);
}
