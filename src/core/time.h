/* Time as Ruby and Jekyll show it: Ruby's Time#to_s and Time#strftime
 * (with its flags and widths), reading the date strings Liquid's `date`
 * filter and Jekyll accept, and named time zones from the system's tzdata
 * (TZif files under /usr/share/zoneinfo), without touching the process's
 * TZ or any global state, so every function here is thread-safe. */
#ifndef GZ_TIME_H
#define GZ_TIME_H

#include <stdbool.h>

#include "core/buf.h"
#include "core/value.h"

/* Ruby Time#to_s: "2022-02-28 08:32:46 +0800", "... UTC" when zone is
 * "UTC"; a date_only time prints "2022-02-28" (Date#to_s). */
void gz_time_to_s(gz_buf *out, const gz_time *t);

/* Ruby Time#strftime, every conversion and flag (- _ 0 ^ # : widths). */
void gz_strftime(gz_buf *out, gz_str fmt, const gz_time *t);

/* Broken-down civil time of t in its own offset. */
typedef struct gz_civil {
    int year, month, day, hour, minute, second;
    int wday; /* 0 = Sunday */
    int yday; /* 1..366 */
} gz_civil;

gz_civil gz_time_civil(const gz_time *t);
/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t gz_days_from_civil(int64_t y, int m, int d);
void gz_civil_from_days(int64_t days, int *y, int *m, int *d);

/* A named zone loaded from tzdata; shared read-only once loaded. */
typedef struct gz_tz gz_tz;

/* Loads "Asia/Shanghai" etc. Returns NULL when unknown. Thread-safe;
 * zones are cached for the life of the process. "UTC" always works. */
const gz_tz *gz_tz_get(const char *name);
/* The offset and abbreviation in force at a UTC instant. */
void gz_tz_at(const gz_tz *tz, int64_t utc_sec, int32_t *offset, const char **abbr);
/* t shown in zone tz (same instant; offset and zone change). */
gz_time gz_time_in_zone(gz_time t, const gz_tz *tz);
/* The instant of a wall-clock time in zone tz (Ruby Time.local under TZ). */
gz_time gz_time_from_local(const gz_tz *tz, int y, int mo, int d, int h, int mi, int s);

/* Reads a date/time string the way the `date` filter does in Liquid 5.4
 * (Ruby's Time.parse for strings; "now" and "today" are the current time):
 * "2022-02-28 08:32:46 +0800", "2022-02-28T08:32:46Z", "2022-02-28",
 * "Mon, 28 Feb 2022 08:32:46 +0800", "28 Feb 2022", "March 14, 2016", ...
 * A time without an offset is local time of `local` (NULL: UTC).
 * Returns false when the string is not a date. */
bool gz_time_parse(gz_str s, const gz_tz *local, gz_time *out);

/* The current time in zone `local` (NULL: UTC). */
gz_time gz_time_now(const gz_tz *local);

#endif
