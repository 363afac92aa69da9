/* Time as Ruby and Jekyll show it: Ruby's Time#to_s and Time#strftime
 * (with its flags and widths), reading the date strings Liquid's `date`
 * filter and Jekyll accept, and named time zones from the system's tzdata
 * (TZif files under /usr/share/zoneinfo), without touching the process's
 * TZ or any global state, so every function here is thread-safe. */
#ifndef GZ_TIME_H
#define GZ_TIME_H

#include <stdbool.h>
#include <time.h>

#include "core/buf.h"
#include "core/value.h"

/* Ruby Time#to_s: "2022-02-28 08:32:46 +0800", "... UTC" when zone is
 * "UTC"; a date_only time prints "2022-02-28" (Date#to_s). A time shown
 * in a tzdata zone whose abbreviation is UTC (gz_time_in_zone with
 * gz_tz_get("UTC")) is a local time, as under Ruby's TZ=UTC, and prints
 * "+0000": only a zone string "UTC" from elsewhere means Ruby's UTC mode. */
void gz_time_to_s(gz_buf *out, const gz_time *t);

/* Ruby Time#strftime, every conversion and flag (- _ 0 ^ # : widths);
 * a date_only time formats as Ruby's Date#strftime does (%Z is "+00:00",
 * %Q and %+ exist). Unknown conversions are copied literally. Returns
 * false, with `out` unchanged, where Ruby raises ArgumentError ("invalid
 * format": a format ending inside a conversion, e.g. "%-") or for a field
 * width over 65536 (Ruby would try to allocate it). */
bool gz_strftime(gz_buf *out, gz_str fmt, const gz_time *t);

/* Broken-down civil time of t in its own offset. Years beyond int's range
 * saturate at INT_MIN / INT_MAX. */
typedef struct gz_civil {
    int year, month, day, hour, minute, second;
    int wday; /* 0 = Sunday */
    int yday; /* 1..366 */
} gz_civil;

gz_civil gz_time_civil(const gz_time *t);
/* Days since 1970-01-01 of a proleptic Gregorian date, and back. Months
 * and days outside their range carry over (month 13 is January of the
 * next year, February 30 is March 1 or 2), as Ruby's Time.local does for
 * days; results beyond int64 saturate, years beyond int saturate. */
int64_t gz_days_from_civil(int64_t y, int m, int d);
void gz_civil_from_days(int64_t days, int *y, int *m, int *d);

/* A named zone loaded from tzdata; shared read-only once loaded. */
typedef struct gz_tz gz_tz;

/* Loads "Asia/Shanghai" etc. Returns NULL when unknown. Thread-safe;
 * zones are cached for the life of the process. "UTC" always works. A name
 * that is no file under /usr/share/zoneinfo but a POSIX TZ string
 * ("CST-8", "EST5EDT,M3.2.0,M11.1.0") is read as one, as glibc does. */
const gz_tz *gz_tz_get(const char *name);
/* The offset and abbreviation in force at a UTC instant. */
void gz_tz_at(const gz_tz *tz, int64_t utc_sec, int32_t *offset, const char **abbr);
/* t shown in zone tz (same instant; offset and zone change; the result
 * is a Time, never date_only). NULL tz is UTC as a local zone. */
gz_time gz_time_in_zone(gz_time t, const gz_tz *tz);
/* The instant of a wall-clock time in zone tz (Ruby Time.local under TZ):
 * a time skipped by a forward jump is read with the offset in force
 * before it (2:30 becomes 3:30 DST); an ambiguous one is the later
 * instant. Out-of-range days carry over as in gz_days_from_civil. */
gz_time gz_time_from_local(const gz_tz *tz, int y, int mo, int d, int h, int mi, int s);

/* Reads a date/time string the way the `date` filter does in Liquid 5.4
 * (Ruby's Time.parse for strings; "now" and "today" are the current time;
 * a string of digits is Unix seconds):
 * "2022-02-28 08:32:46 +0800", "2022-02-28T08:32:46Z", "2022-02-28",
 * "Mon, 28 Feb 2022 08:32:46 +0800", "28 Feb 2022", "March 14, 2016", ...
 * A time without an offset is local time of `local` (NULL: UTC, as a
 * local zone like Ruby's TZ=UTC). Fields the string leaves out come from
 * the current time, as in Ruby ("10:30" is today). Returns false when the
 * string is not a date (Ruby raises ArgumentError). */
bool gz_time_parse(gz_str s, const gz_tz *local, gz_time *out);
/* gz_time_parse with the current time given as Unix seconds. */
bool gz_time_parse_at(gz_str s, const gz_tz *local, int64_t now, gz_time *out);

/* The current time in zone `local` (NULL: UTC). */
gz_time gz_time_now(const gz_tz *local);

/* A timespec (a file's mtime or ctime, a clock reading) in nanoseconds
 * since the epoch, the unit file statuses are compared in. */
static inline int64_t
gz_timespec_ns(struct timespec t)
{
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static inline int64_t
gz_realtime_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return gz_timespec_ns(t);
}

#endif
