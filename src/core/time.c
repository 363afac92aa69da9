/* Calendar arithmetic (proleptic Gregorian, days since 1970-01-01),
 * broken-down time, Ruby's Time#to_s and the current time. */
#include "core/time.h"

#include <limits.h>
#include <time.h>

#include "core/time_impl.h"

static int64_t
sat_add(int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_add_overflow(a, b, &r))
        return b > 0 ? INT64_MAX : INT64_MIN;
    return r;
}

int64_t
gz_days_from_civil(int64_t y, int m, int d)
{
    /* Month 0 is December of the year before, month 13 January after. */
    int64_t mi = (int64_t)m - 1;
    y = sat_add(y, gz_floor_div(mi, 12));
    m = (int)gz_floor_mod(mi, 12) + 1;

    /* Years start on March 1 so that the leap day ends the year; split
     * into 400-year eras (146097 days each) so nothing overflows. */
    int64_t era = gz_floor_div(y, 400);
    int64_t yoe = gz_floor_mod(y, 400);
    if (m <= 2 && --yoe < 0) {
        yoe += 400;
        era--;
    }
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days;
    if (__builtin_mul_overflow(era, (int64_t)146097, &days))
        return era > 0 ? INT64_MAX : INT64_MIN;
    return sat_add(sat_add(days, doe - 719468), (int64_t)d - 1);
}

static void
civil_from_days64(int64_t days, int64_t *y, int *m, int *d)
{
    int64_t era = gz_floor_div(days, 146097);
    int64_t doe = gz_floor_mod(days, 146097) + 719468; /* from 0000-03-01 */
    era += doe / 146097;
    doe %= 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int
clamp_int(int64_t v)
{
    return v > INT_MAX ? INT_MAX : v < INT_MIN ? INT_MIN : (int)v;
}

void
gz_civil_from_days(int64_t days, int *y, int *m, int *d)
{
    int64_t y64;
    civil_from_days64(days, &y64, m, d);
    *y = clamp_int(y64);
}

void
gz_civil64_of(const gz_time *t, gz_civil64 *c)
{
    /* Split before adding the offset so that no sum can overflow. */
    int64_t days = gz_floor_div(t->sec, 86400);
    int64_t sod = gz_floor_mod(t->sec, 86400) + t->utc_offset;
    days += gz_floor_div(sod, 86400);
    sod = gz_floor_mod(sod, 86400);
    civil_from_days64(days, &c->year, &c->month, &c->day);
    c->hour = (int)(sod / 3600);
    c->minute = (int)(sod / 60 % 60);
    c->second = (int)(sod % 60);
    c->wday = (int)gz_floor_mod(days + 4, 7); /* 1970-01-01 was a Thursday */
    c->yday = (int)(days - gz_days_from_civil(c->year, 1, 1) + 1);
}

gz_civil
gz_time_civil(const gz_time *t)
{
    gz_civil64 c;
    gz_civil64_of(t, &c);
    return (gz_civil){ clamp_int(c.year), c.month, c.day, c.hour, c.minute,
                       c.second, c.wday, c.yday };
}

void
gz_time_to_s(gz_buf *out, const gz_time *t)
{
    const char *fmt = t->date_only       ? "%Y-%m-%d"
                      : gz_time_is_utc(t) ? "%Y-%m-%d %H:%M:%S UTC"
                                          : "%Y-%m-%d %H:%M:%S %z";
    gz_strftime(out, gz_str_c(fmt), t);
}

gz_time
gz_time_now(const gz_tz *local)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    gz_time t = { .sec = ts.tv_sec, .nsec = (int32_t)ts.tv_nsec };
    return gz_time_in_zone(t, local ? local : gz_tz_utc());
}
