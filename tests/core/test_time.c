/* Calendar arithmetic, Time#to_s, time zones from tzdata and POSIX TZ
 * strings, and Time.local's reading of wall-clock times, against Ruby. */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>

#include "core/time.h"
#include "test.h"

static void
check_civil(void)
{
    /* Ruby: Date.new(y, m, 1, Date::GREGORIAN) + (d - 1) after carrying the
     * month into the year, minus Date.new(1970, 1, 1, Date::GREGORIAN). */
    static const struct {
        int y, m, d;
        int64_t days;
        int ny, nm, nd;
    } cases[] = {
    { 1970, 1, 1, 0, 1970, 1, 1 },
    { 2022, 2, 28, 19051, 2022, 2, 28 },
    { 2000, 2, 29, 11016, 2000, 2, 29 },
    { 1900, 3, 1, -25508, 1900, 3, 1 },
    { 1, 1, 1, -719162, 1, 1, 1 },
    { 0, 3, 1, -719468, 0, 3, 1 },
    { -1, 12, 31, -719529, -1, 12, 31 },
    { -4713, 11, 24, -2440588, -4713, 11, 24 },
    { 9999, 12, 31, 2932896, 9999, 12, 31 },
    { 275760, 9, 13, 100000000, 275760, 9, 13 },
    { 2022, 13, 1, 19358, 2023, 1, 1 },
    { 2022, 0, 1, 18962, 2021, 12, 1 },
    { 2022, 2, 30, 19053, 2022, 3, 2 },
    { 2022, 1, 0, 18992, 2021, 12, 31 },
    { 2022, -11, 1, 18628, 2021, 1, 1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t days = gz_days_from_civil(cases[i].y, cases[i].m, cases[i].d);
        CHECK(days == cases[i].days);
        int y, m, d;
        gz_civil_from_days(days, &y, &m, &d);
        CHECK(y == cases[i].ny && m == cases[i].nm && d == cases[i].nd);
    }
    /* Every day of 1600..2400 round-trips and follows the one before. */
    int64_t prev = gz_days_from_civil(1599, 12, 31);
    for (int y = 1600; y <= 2400; y++) {
        for (int m = 1; m <= 12; m++) {
            for (int d = 1; d <= 31; d++) {
                int64_t days = gz_days_from_civil(y, m, d);
                int ry, rm, rd;
                gz_civil_from_days(days, &ry, &rm, &rd);
                if (rm != m) /* past the end of the month */
                    break;
                if (days != prev + 1 || ry != y || rd != d) {
                    CHECK(days == prev + 1 && ry == y && rd == d);
                    return;
                }
                prev = days;
            }
        }
    }
    /* The ends of int64 saturate instead of overflowing. */
    CHECK(gz_days_from_civil(INT64_MAX, 12, 31) == INT64_MAX);
    CHECK(gz_days_from_civil(INT64_MIN, 1, 1) == INT64_MIN);
    CHECK(gz_days_from_civil(INT64_MAX, INT_MAX, INT_MAX) == INT64_MAX);
    int y, m, d;
    gz_civil_from_days(INT64_MAX, &y, &m, &d);
    CHECK(y == INT_MAX && m >= 1 && m <= 12 && d >= 1 && d <= 31);
    gz_civil_from_days(INT64_MIN, &y, &m, &d);
    CHECK(y == INT_MIN && m >= 1 && m <= 12 && d >= 1 && d <= 31);

    /* Broken-down time. Ruby: t = Time.at(s).utc (or .getlocal("+08:00"));
     * [t.year, t.mon, t.day, t.hour, t.min, t.sec, t.wday, t.yday] */
    gz_time t = { 1646008366, 0, 28800, NULL, false };
    gz_civil c = gz_time_civil(&t);
    CHECK(c.year == 2022 && c.month == 2 && c.day == 28 && c.hour == 8 && c.minute == 32 &&
          c.second == 46 && c.wday == 1 && c.yday == 59);
    t = (gz_time){ -62167219201, 0, 0, "UTC", false };
    c = gz_time_civil(&t);
    CHECK(c.year == -1 && c.month == 12 && c.day == 31 && c.hour == 23 && c.minute == 59 &&
          c.second == 59 && c.wday == 5 && c.yday == 365);
    t = (gz_time){ -86401, 0, 0, "UTC", false };
    c = gz_time_civil(&t);
    CHECK(c.year == 1969 && c.month == 12 && c.day == 30 && c.hour == 23 && c.wday == 2 &&
          c.yday == 364);
    /* Beyond int years the year saturates; the rest stays right.
     * Ruby: Time.at(9223372036854775807).utc is 292277026596-12-04 15:30:07. */
    t = (gz_time){ INT64_MAX, 0, 0, "UTC", false };
    c = gz_time_civil(&t);
    CHECK(c.year == INT_MAX && c.month == 12 && c.day == 4 && c.hour == 15 && c.minute == 30 &&
          c.second == 7 && c.wday == 0 && c.yday == 339);
    t = (gz_time){ INT64_MIN, 0, 0, "UTC", false };
    c = gz_time_civil(&t);
    CHECK(c.year == INT_MIN && c.month == 1 && c.day == 27 && c.hour == 8 && c.minute == 29 &&
          c.second == 52 && c.wday == 0 && c.yday == 27);
    /* An offset at the very end of int64 does not overflow either. */
    t = (gz_time){ INT64_MAX, 0, 86399, NULL, false };
    c = gz_time_civil(&t);
    CHECK(c.hour == 15 && c.minute == 30 && c.second == 6 && c.day == 5);
    gz_buf b = GZ_BUF_INIT;
    CHECK(gz_strftime(&b, GZ_STR("%Y %s"), &(gz_time){ INT64_MAX, 0, 0, "UTC", false }));
    /* Ruby: Time.at(9223372036854775807).utc.strftime("%Y %s") */
    CHECK_STR(b.data, "292277026596 9223372036854775807");
    gz_buf_free(&b);
}

static void
check_to_s(void)
{
    /* Ruby: Time.at(1646008366).getlocal("+08:00").to_s, Time.at(0).utc.to_s,
     * Time.utc(-1,12,31,23,59,59).to_s, Date.new(2022,2,28).to_s,
     * Time.at(1646008366).getlocal("-09:30").to_s, Time.utc(12345,6,7,8,9,10).to_s;
     * TZ=UTC and TZ=Etc/UTC: Time.at(0).to_s (local, so +0000);
     * TZ=Asia/Shanghai: Time.local(1800).to_s (LMT, +08:05:43). */
    static const struct {
        gz_time t;
        const char *want;
    } cases[] = {
        { { 1646008366, 0, 28800, NULL, false }, "2022-02-28 08:32:46 +0800" },
        { { 1646008366, 999999999, 28800, "CST", false }, "2022-02-28 08:32:46 +0800" },
        { { 0, 0, 0, "UTC", false }, "1970-01-01 00:00:00 UTC" },
        { { -62167219201, 0, 0, "UTC", false }, "-0001-12-31 23:59:59 UTC" },
        { { 1646006400, 0, 0, NULL, true }, "2022-02-28" },
        { { 1646008366, 0, -34200, NULL, false }, "2022-02-27 15:02:46 -0930" },
        { { 327416976550, 0, 0, "UTC", false }, "12345-06-07 08:09:10 UTC" },
        { { -5364691543, 0, 29143, "LMT", false }, "1800-01-01 00:00:00 +0805" },
    };
    gz_buf b = GZ_BUF_INIT;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gz_buf_clear(&b);
        gz_time_to_s(&b, &cases[i].t);
        CHECK_STR(b.data, cases[i].want);
    }
    const char *utc_names[] = { "UTC", "Etc/UTC" };
    for (size_t i = 0; i < 2; i++) {
        const gz_tz *tz = gz_tz_get(utc_names[i]);
        CHECK(tz != NULL);
        gz_time t = gz_time_in_zone((gz_time){ 0, 0, 0, NULL, false }, tz);
        gz_buf_clear(&b);
        gz_time_to_s(&b, &t);
        CHECK_STR(b.data, "1970-01-01 00:00:00 +0000");
        gz_buf_clear(&b);
        gz_strftime(&b, GZ_STR("%Z"), &t);
        CHECK_STR(b.data, "UTC");
    }
    gz_buf_free(&b);
}

typedef struct at_case {
    int64_t utc;
    int32_t off;
    const char *abbr;
} at_case;

static void
check_zones(void)
{
    /* Ruby, one child per zone: TZ=zone ruby -e 't = Time.at(x); p t.utc_offset, t.zone'
     * for each instant (1811, 1970, 2022 around New York's changes, 2100, 5138). */
    static const struct {
        const char *name;
        at_case at[10];
    } cases[] = {
    { "Asia/Shanghai", { { -5000000000, 29143, "LMT" }, { 0, 28800, "CST" }, { 1646008366, 28800, "CST" }, { 1667714399, 28800, "CST" }, { 1667714400, 28800, "CST" }, { 1678604399, 28800, "CST" }, { 1678604400, 28800, "CST" }, { 4102444800, 28800, "CST" }, { 4118083200, 28800, "CST" }, { 100000000000, 28800, "CST" } } },
    { "America/New_York", { { -5000000000, -17762, "LMT" }, { 0, -18000, "EST" }, { 1646008366, -18000, "EST" }, { 1667714399, -14400, "EDT" }, { 1667714400, -18000, "EST" }, { 1678604399, -18000, "EST" }, { 1678604400, -14400, "EDT" }, { 4102444800, -18000, "EST" }, { 4118083200, -14400, "EDT" }, { 100000000000, -18000, "EST" } } },
    { "Europe/London", { { -5000000000, -75, "LMT" }, { 0, 3600, "BST" }, { 1646008366, 0, "GMT" }, { 1667714399, 0, "GMT" }, { 1667714400, 0, "GMT" }, { 1678604399, 0, "GMT" }, { 1678604400, 0, "GMT" }, { 4102444800, 0, "GMT" }, { 4118083200, 3600, "BST" }, { 100000000000, 0, "GMT" } } },
    { "Australia/Sydney", { { -5000000000, 36292, "LMT" }, { 0, 36000, "AEST" }, { 1646008366, 39600, "AEDT" }, { 1667714399, 39600, "AEDT" }, { 1667714400, 39600, "AEDT" }, { 1678604399, 39600, "AEDT" }, { 1678604400, 39600, "AEDT" }, { 4102444800, 39600, "AEDT" }, { 4118083200, 36000, "AEST" }, { 100000000000, 39600, "AEDT" } } },
    { "Europe/Dublin", { { -5000000000, -1521, "LMT" }, { 0, 3600, "IST" }, { 1646008366, 0, "GMT" }, { 1667714399, 0, "GMT" }, { 1667714400, 0, "GMT" }, { 1678604399, 0, "GMT" }, { 1678604400, 0, "GMT" }, { 4102444800, 0, "GMT" }, { 4118083200, 3600, "IST" }, { 100000000000, 0, "GMT" } } },
    { "America/Sao_Paulo", { { -5000000000, -11188, "LMT" }, { 0, -10800, "-03" }, { 1646008366, -10800, "-03" }, { 1667714399, -10800, "-03" }, { 1667714400, -10800, "-03" }, { 1678604399, -10800, "-03" }, { 1678604400, -10800, "-03" }, { 4102444800, -10800, "-03" }, { 4118083200, -10800, "-03" }, { 100000000000, -10800, "-03" } } },
    { "Asia/Kolkata", { { -5000000000, 21208, "LMT" }, { 0, 19800, "IST" }, { 1646008366, 19800, "IST" }, { 1667714399, 19800, "IST" }, { 1667714400, 19800, "IST" }, { 1678604399, 19800, "IST" }, { 1678604400, 19800, "IST" }, { 4102444800, 19800, "IST" }, { 4118083200, 19800, "IST" }, { 100000000000, 19800, "IST" } } },
    { "Pacific/Chatham", { { -5000000000, 44028, "LMT" }, { 0, 45900, "+1245" }, { 1646008366, 49500, "+1345" }, { 1667714399, 49500, "+1345" }, { 1667714400, 49500, "+1345" }, { 1678604399, 49500, "+1345" }, { 1678604400, 49500, "+1345" }, { 4102444800, 49500, "+1345" }, { 4118083200, 45900, "+1245" }, { 100000000000, 49500, "+1345" } } },
    { "UTC", { { -5000000000, 0, "UTC" }, { 0, 0, "UTC" }, { 1646008366, 0, "UTC" }, { 1667714399, 0, "UTC" }, { 1667714400, 0, "UTC" }, { 1678604399, 0, "UTC" }, { 1678604400, 0, "UTC" }, { 4102444800, 0, "UTC" }, { 4118083200, 0, "UTC" }, { 100000000000, 0, "UTC" } } },
    { "Etc/GMT-8", { { -5000000000, 28800, "+08" }, { 0, 28800, "+08" }, { 1646008366, 28800, "+08" }, { 1667714399, 28800, "+08" }, { 1667714400, 28800, "+08" }, { 1678604399, 28800, "+08" }, { 1678604400, 28800, "+08" }, { 4102444800, 28800, "+08" }, { 4118083200, 28800, "+08" }, { 100000000000, 28800, "+08" } } },
    { "CST-8", { { -5000000000, 28800, "CST" }, { 0, 28800, "CST" }, { 1646008366, 28800, "CST" }, { 1667714399, 28800, "CST" }, { 1667714400, 28800, "CST" }, { 1678604399, 28800, "CST" }, { 1678604400, 28800, "CST" }, { 4102444800, 28800, "CST" }, { 4118083200, 28800, "CST" }, { 100000000000, 28800, "CST" } } },
    { "EST5EDT,M3.2.0,M11.1.0", { { -5000000000, -18000, "EST" }, { 0, -18000, "EST" }, { 1646008366, -18000, "EST" }, { 1667714399, -14400, "EDT" }, { 1667714400, -18000, "EST" }, { 1678604399, -18000, "EST" }, { 1678604400, -14400, "EDT" }, { 4102444800, -18000, "EST" }, { 4118083200, -14400, "EDT" }, { 100000000000, -18000, "EST" } } },
    { "<+0330>-3:30", { { -5000000000, 12600, "+0330" }, { 0, 12600, "+0330" }, { 1646008366, 12600, "+0330" }, { 1667714399, 12600, "+0330" }, { 1667714400, 12600, "+0330" }, { 1678604399, 12600, "+0330" }, { 1678604400, 12600, "+0330" }, { 4102444800, 12600, "+0330" }, { 4118083200, 12600, "+0330" }, { 100000000000, 12600, "+0330" } } },
    { "AEST-10AEDT,M10.1.0,M4.1.0/3", { { -5000000000, 39600, "AEDT" }, { 0, 39600, "AEDT" }, { 1646008366, 39600, "AEDT" }, { 1667714399, 39600, "AEDT" }, { 1667714400, 39600, "AEDT" }, { 1678604399, 39600, "AEDT" }, { 1678604400, 39600, "AEDT" }, { 4102444800, 39600, "AEDT" }, { 4118083200, 36000, "AEST" }, { 100000000000, 39600, "AEDT" } } },
    { "XXX3YYY,J60/1,300/-1", { { -5000000000, -10800, "XXX" }, { 0, -10800, "XXX" }, { 1646008366, -10800, "XXX" }, { 1667714399, -10800, "XXX" }, { 1667714400, -10800, "XXX" }, { 1678604399, -7200, "YYY" }, { 1678604400, -7200, "YYY" }, { 4102444800, -10800, "XXX" }, { 4118083200, -7200, "YYY" }, { 100000000000, -10800, "XXX" } } },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const gz_tz *tz = gz_tz_get(cases[i].name);
        CHECK(tz != NULL);
        if (!tz) {
            fprintf(stderr, "  zone %s did not load\n", cases[i].name);
            continue;
        }
        CHECK(gz_tz_get(cases[i].name) == tz); /* cached */
        for (size_t j = 0; j < 10; j++) {
            const at_case *a = &cases[i].at[j];
            int32_t off;
            const char *abbr;
            gz_tz_at(tz, a->utc, &off, &abbr);
            CHECK(off == a->off);
            CHECK_STR(abbr, a->abbr);
            if (off != a->off)
                fprintf(stderr, "  %s at %lld: %d\n", cases[i].name, (long long)a->utc, off);
            gz_time t = gz_time_in_zone((gz_time){ a->utc, 5, 0, NULL, true }, tz);
            CHECK(t.sec == a->utc && t.nsec == 5 && t.utc_offset == off && t.zone == abbr &&
                  !t.date_only);
        }
    }

    /* Names that are no zone, or that try to leave the zoneinfo folder. */
    const char *bad[] = { "", "Nowhere/Special", "../../etc/passwd", "/etc/localtime",
                          "Asia/../Asia/Shanghai", "Asia", "zone.tab", "AB", "CST-8X",
                          "EST5EDT,M3.2.0", "EST5EDT,M13.2.0,M11.1.0", "<+08", NULL };
    for (size_t i = 0; bad[i]; i++) {
        CHECK(gz_tz_get(bad[i]) == NULL);
        if (gz_tz_get(bad[i]))
            fprintf(stderr, "  %s loaded\n", bad[i]);
    }
    CHECK(gz_tz_get(NULL) == NULL);
    /* A leading colon is allowed, as in TZ=":Asia/Shanghai". */
    CHECK(gz_tz_get(":Asia/Shanghai") != NULL);
}

static void *
load_zones(void *arg)
{
    (void)arg;
    static const char *names[] = { "Europe/Paris", "Asia/Tokyo", "America/Chicago", "Africa/Cairo" };
    const gz_tz *first[4];
    for (int i = 0; i < 4; i++)
        first[i] = gz_tz_get(names[i]);
    for (int round = 0; round < 100; round++)
        for (int i = 0; i < 4; i++)
            if (gz_tz_get(names[i]) != first[i] || !first[i])
                return (void *)1;
    return NULL;
}

static void
check_threads(void)
{
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, load_zones, NULL);
    bool ok = true;
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(th[i], &r);
        ok = ok && r == NULL;
    }
    CHECK(ok);
    CHECK(gz_tz_get("Europe/Paris") == gz_tz_get("Europe/Paris"));
}

static void
check_local(void)
{
    /* Ruby, one child per case: TZ=zone ruby -e 't = Time.local(y, mo, d, h, mi, s);
     * print t.to_i, t.utc_offset, t.zone'. Skipped wall times move forward,
     * ambiguous ones take the later instant. */
    static const struct {
        const char *zone;
        int f[6];
        int64_t sec;
        int32_t off;
        const char *abbr;
    } cases[] = {
    { "America/New_York", { 2022, 3, 13, 2, 30, 0 }, 1647156600, -14400, "EDT" },
    { "America/New_York", { 2022, 3, 13, 2, 0, 0 }, 1647154800, -14400, "EDT" },
    { "America/New_York", { 2022, 3, 13, 1, 59, 59 }, 1647154799, -18000, "EST" },
    { "America/New_York", { 2022, 11, 6, 1, 30, 0 }, 1667716200, -18000, "EST" },
    { "America/New_York", { 2022, 11, 6, 1, 0, 0 }, 1667714400, -18000, "EST" },
    { "America/New_York", { 2022, 11, 6, 2, 0, 0 }, 1667718000, -18000, "EST" },
    { "America/New_York", { 2022, 11, 6, 0, 59, 59 }, 1667710799, -14400, "EDT" },
    { "Australia/Sydney", { 2022, 10, 2, 2, 30, 0 }, 1664641800, 39600, "AEDT" },
    { "Australia/Sydney", { 2022, 4, 3, 2, 30, 0 }, 1648917000, 36000, "AEST" },
    { "Europe/Dublin", { 2022, 10, 30, 1, 30, 0 }, 1667093400, 0, "GMT" },
    { "Europe/Dublin", { 2022, 3, 27, 1, 30, 0 }, 1648344600, 3600, "IST" },
    { "America/Sao_Paulo", { 2018, 11, 4, 0, 30, 0 }, 1541302200, -7200, "-02" },
    { "America/Sao_Paulo", { 2019, 2, 16, 23, 30, 0 }, 1550370600, -10800, "-03" },
    { "Asia/Shanghai", { 1800, 1, 1, 0, 0, 0 }, -5364691543, 29143, "LMT" },
    { "Asia/Shanghai", { 2022, 2, 30, 0, 0, 0 }, 1646150400, 28800, "CST" },
    { "Asia/Shanghai", { 2022, 2, 28, 24, 0, 0 }, 1646064000, 28800, "CST" },
    { "Asia/Shanghai", { 2022, 12, 31, 23, 59, 60 }, 1672502400, 28800, "CST" },
    { "Asia/Shanghai", { 1, 1, 1, 0, 0, 0 }, -62135625943, 29143, "LMT" },
    { "Asia/Shanghai", { -5, 1, 1, 0, 0, 0 }, -62325014743, 29143, "LMT" },
    { "Europe/London", { 2100, 7, 1, 0, 0, 0 }, 4118079600, 3600, "BST" },
    { "Europe/London", { 2100, 10, 31, 1, 30, 0 }, 4128629400, 0, "GMT" },
    { "Europe/London", { 2100, 3, 28, 1, 30, 0 }, 4109880600, 3600, "BST" },
    { "Pacific/Chatham", { 2022, 9, 25, 2, 50, 0 }, 1664028300, 49500, "+1345" },
    { "UTC", { 2022, 2, 28, 8, 32, 46 }, 1646037166, 0, "UTC" },
    { "EST5EDT,M3.2.0,M11.1.0", { 2030, 3, 10, 2, 30, 0 }, 1899358200, -14400, "EDT" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const int *f = cases[i].f;
        gz_time t = gz_time_from_local(gz_tz_get(cases[i].zone), f[0], f[1], f[2], f[3], f[4], f[5]);
        CHECK(t.sec == cases[i].sec && t.utc_offset == cases[i].off);
        CHECK_STR(t.zone, cases[i].abbr);
        if (t.sec != cases[i].sec)
            fprintf(stderr, "  %s %d-%d-%d %d:%d: %lld\n", cases[i].zone, f[0], f[1], f[2], f[3],
                    f[4], (long long)t.sec);
    }
    /* Extreme fields do not overflow. */
    gz_time t = gz_time_from_local(gz_tz_get("Asia/Shanghai"), INT_MAX, INT_MAX, INT_MAX,
                                   INT_MAX, INT_MAX, INT_MAX);
    CHECK(t.utc_offset == 28800);
    t = gz_time_from_local(gz_tz_get("America/New_York"), INT_MIN, INT_MIN, INT_MIN, INT_MIN,
                           INT_MIN, INT_MIN);
    CHECK(t.zone != NULL);
}

static void
check_now(void)
{
    gz_time a = gz_time_now(NULL);
    gz_time b = gz_time_now(gz_tz_get("Asia/Shanghai"));
    CHECK(a.utc_offset == 0 && a.sec > 1600000000 && a.nsec >= 0 && a.nsec < 1000000000);
    CHECK(b.utc_offset == 28800 && b.sec >= a.sec && b.sec - a.sec < 60);
    CHECK_STR(b.zone, "CST");
}

int
main(void)
{
    check_civil();
    check_to_s();
    check_zones();
    check_threads();
    check_local();
    check_now();
    return test_report("core-time");
}
