/* The date filter of Liquid 5.4 (Utils.to_date, then Time#strftime), and
 * the time conversion Jekyll's date filters share with it. */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/time.h"
#include "liquid/filters_internal.h"

/* Ruby reads and prints local times in the process's zone: TZ, else
 * /etc/localtime (Jekyll sets TZ from the site's `timezone`). Looked up
 * once; NULL is UTC. */
static const gz_tz *local_tz;
static pthread_once_t local_tz_once = PTHREAD_ONCE_INIT;

static void
find_local_tz(void)
{
    const char *tz = getenv("TZ");
    if (tz && *tz) {
        local_tz = gz_tz_get(tz[0] == ':' ? tz + 1 : tz);
        return;
    }
    char link[512];
    ssize_t n = readlink("/etc/localtime", link, sizeof link - 1);
    if (n <= 0)
        return;
    link[n] = '\0';
    const char *name = strstr(link, "zoneinfo/");
    if (name)
        local_tz = gz_tz_get(name + strlen("zoneinfo/"));
}

const gz_tz *
liq_f_local_tz(void)
{
    pthread_once(&local_tz_once, find_local_tz);
    return local_tz;
}

/* "now" and "today" make the output depend on the clock: the site hears
 * of it, and nothing around it is shared between renders. */
static void
note_clock(liq_ctx *ctx, gz_str s)
{
    const liq_site_hooks *site = liq_ctx_site(ctx);
    if (gz_str_eq_c(s, "now") || gz_str_eq_c(s, "today")) {
        liq_ctx_unshareable(ctx);
        if (site && site->clock_read)
            site->clock_read(site->self);
    }
}

bool
liq_f_to_date(liq_ctx *ctx, gz_value v, gz_time *out)
{
    switch (v.type) {
    case GZ_TIME:
        *out = *v.u.t;
        return true;
    case GZ_INT: /* Time.at: local time */
        *out = gz_time_in_zone((gz_time){ .sec = v.u.i }, liq_f_local_tz());
        return true;
    case GZ_STRING: /* "now", "today", Unix seconds, or Time.parse */
        note_clock(ctx, gz_value_str(v));
        return v.len && gz_time_parse(gz_value_str(v), liq_f_local_tz(), out);
    default:
        return false;
    }
}

LIQ_FILTER(date)
{
    (void)nargs, (void)kwargs;
    gz_str format = liq_f_to_s(ctx, args[0]);
    gz_time t;
    if (format.len == 0 || !liq_f_to_date(ctx, input, &t)) {
        *out = input;
        return true;
    }
    gz_buf b = GZ_BUF_INIT;
    if (!gz_strftime(&b, format, &t)) {
        gz_buf_free(&b);
        return liq_filter_error(ctx, "invalid format: %.*s", (int)format.len, format.p);
    }
    *out = liq_f_take(ctx, &b);
    return true;
}
