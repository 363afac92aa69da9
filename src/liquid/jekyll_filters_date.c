/* Jekyll's date filters: date_to_xmlschema, date_to_rfc822,
 * date_to_string and date_to_long_string. Each shows the time in the
 * local zone (Jekyll calls #localtime), as the site's timezone sets it. */
#include "liquid/filters_internal.h"

/* Jekyll's time(): Liquid's to_date, then local time; an input that is no
 * date is Jekyll's InvalidDateError. */
static bool
local_time(liq_ctx *ctx, gz_value input, gz_time *t)
{
    if (!liq_f_to_date(ctx, input, t)) {
        gz_buf b = GZ_BUF_INIT;
        gz_value_inspect(&b, input, liq_ctx_env(ctx));
        liq_filter_error(ctx, "Invalid Date: '%s' is not a valid datetime.", b.data);
        gz_buf_free(&b);
        return false;
    }
    *t = gz_time_in_zone(*t, liq_f_local_tz());
    return true;
}

/* Formats the input's local time; an input whose to_s is empty is
 * returned as it is. */
static bool
format_date(liq_ctx *ctx, gz_value input, const char *format, gz_value *out)
{
    /* a time (the common input: post.date) is never empty: not printed to know */
    if (input.type != GZ_TIME && liq_f_to_s(ctx, input).len == 0) {
        *out = input;
        return true;
    }
    gz_time t;
    if (!local_time(ctx, input, &t))
        return false;
    gz_buf b = GZ_BUF_INIT;
    gz_strftime(&b, gz_str_c(format), &t);
    *out = liq_f_take(ctx, &b);
    return true;
}

LIQ_FILTER(date_to_xmlschema)
{
    (void)args, (void)nargs, (void)kwargs;
    return format_date(ctx, input, "%Y-%m-%dT%H:%M:%S%:z", out);
}

LIQ_FILTER(date_to_rfc822)
{
    (void)args, (void)nargs, (void)kwargs;
    return format_date(ctx, input, "%a, %d %b %Y %H:%M:%S %z", out);
}

static const char *
ordinal_suffix(int day)
{
    if (day >= 11 && day <= 13)
        return "th";
    switch (day % 10) {
    case 1: return "st";
    case 2: return "nd";
    case 3: return "rd";
    default: return "th";
    }
}

/* stringify_date: "%d MONTH %Y", or with type "ordinal" "1st MONTH %Y",
 * and with style "US" too "MONTH 1st, %Y". */
static bool
stringify_date(liq_ctx *ctx, gz_value input, const char *month, const gz_value *args,
               size_t nargs, gz_value *out)
{
    bool ordinal = nargs > 0 && args[0].type == GZ_STRING && gz_str_eq_c(gz_value_str(args[0]), "ordinal");
    bool us = nargs > 1 && args[1].type == GZ_STRING && gz_str_eq_c(gz_value_str(args[1]), "US");
    if (!ordinal) {
        char format[32];
        snprintf(format, sizeof format, "%%d %s %%Y", month);
        return format_date(ctx, input, format, out);
    }
    if (liq_f_to_s(ctx, input).len == 0) {
        *out = input;
        return true;
    }
    gz_time t;
    if (!local_time(ctx, input, &t))
        return false;
    int day = gz_time_civil(&t).day;
    char format[48];
    if (us)
        snprintf(format, sizeof format, "%s %d%s, %%Y", month, day, ordinal_suffix(day));
    else
        snprintf(format, sizeof format, "%d%s %s %%Y", day, ordinal_suffix(day), month);
    gz_buf b = GZ_BUF_INIT;
    gz_strftime(&b, gz_str_c(format), &t);
    *out = liq_f_take(ctx, &b);
    return true;
}

LIQ_FILTER(date_to_string)
{
    (void)kwargs;
    return stringify_date(ctx, input, "%b", args, nargs, out);
}

LIQ_FILTER(date_to_long_string)
{
    (void)kwargs;
    return stringify_date(ctx, input, "%B", args, nargs, out);
}
