/* Shared by the time module's own files (time.c, time_format.c, tz.c,
 * time_parse.c); not part of core's interface. */
#ifndef GZ_TIME_IMPL_H
#define GZ_TIME_IMPL_H

#include <stdint.h>
#include <string.h>

#include "core/time.h"

/* gz_civil with a 64-bit year: every int64 second has a civil date. */
typedef struct gz_civil64 {
    int64_t year;
    int month, day, hour, minute, second;
    int wday; /* 0 = Sunday */
    int yday; /* 1..366 */
} gz_civil64;

void gz_civil64_of(const gz_time *t, gz_civil64 *c);

/* Floor division and modulo (b > 0), as Ruby's Integer#div and #%. */
static inline int64_t
gz_floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b < 0);
}

static inline int64_t
gz_floor_mod(int64_t a, int64_t b)
{
    int64_t r = a % b;
    return r < 0 ? r + b : r;
}

/* The abbreviation of local zones whose name is "UTC" (tzdata's UTC,
 * Etc/UTC, ...). Ruby tells a Time in UTC mode (Time#utc, a parsed "Z"),
 * whose to_s ends in "UTC", from a local time under TZ=UTC, whose to_s
 * ends in "+0000"; both print "UTC" for %Z. Local zones use this very
 * pointer, so any other "UTC" zone string means UTC mode. */
extern const char gz_tz_utc_abbr[];

static inline bool
gz_time_is_utc(const gz_time *t)
{
    return t->zone && t->zone != gz_tz_utc_abbr && strcmp(t->zone, "UTC") == 0;
}

/* What Ruby's Date._parse(str, true) finds in a string, the fields that
 * Time.parse reads (time_dateparse.c). Date._parse refuses strings over
 * 128 characters; 128 characters take at most 4 bytes each. */
#define GZ_DATE_MAX_BYTES (128 * 4)

typedef struct gz_date_field {
    bool set; /* false is Ruby's nil */
    int64_t v;
} gz_date_field;

typedef struct gz_date_fields {
    gz_date_field year, mon, mday, yday, hour, min, sec;
    bool has_frac;
    int32_t nsec;
    bool has_zone;
    char zone[GZ_DATE_MAX_BYTES + 1];
    bool comp; /* two-digit years get a century */
    bool bc;
    bool bad; /* a number too long for us: give up */
} gz_date_fields;

/* False where Date._parse raises (invalid UTF-8, too long) or a number
 * is too large for us. */
bool gz_date_parse(gz_str in, gz_date_fields *r);

/* The zone every `local` NULL stands for: UTC as a local zone. */
const gz_tz *gz_tz_utc(void);

#endif
