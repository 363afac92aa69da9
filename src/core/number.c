/* Integer and float text exactly as Ruby's Integer#to_s and Float#to_s
 * print them: Liquid output of numbers is Ruby's output. */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/value.h"

void
gz_format_int(gz_buf *out, int64_t i)
{
    char tmp[24];
    int n = snprintf(tmp, sizeof tmp, "%" PRId64, i);
    gz_buf_put(out, tmp, (size_t)n);
}

/* Shortest decimal digits that read back as f: "%.{p}e" for the smallest p. */
static int
shortest_digits(double f, char *digits, int *exp10)
{
    char tmp[40];
    for (int prec = 0; prec < 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec, f);
        if (strtod(tmp, NULL) == f)
            break;
    }
    /* tmp is "d.ddddde[+-]XX" (f is positive here) */
    int n = 0;
    const char *p = tmp;
    for (; *p && *p != 'e'; p++)
        if (*p != '.')
            digits[n++] = *p;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    digits[n] = '\0';
    *exp10 = atoi(p + 1);
    return n;
}

void
gz_format_float(gz_buf *out, double f)
{
    if (isnan(f)) {
        gz_buf_puts(out, "NaN");
        return;
    }
    if (isinf(f)) {
        gz_buf_puts(out, f < 0 ? "-Infinity" : "Infinity");
        return;
    }
    if (signbit(f)) {
        gz_buf_putc(out, '-');
        f = -f;
    }
    if (f == 0) {
        gz_buf_puts(out, "0.0");
        return;
    }
    char digits[24];
    int exp10;
    int n = shortest_digits(f, digits, &exp10);
    int decpt = exp10 + 1; /* value = 0.DIGITS x 10^decpt */
    /* Ruby's flo_to_s: fixed notation when the point falls inside the
     * digits, or needs at most 15 digits of zero padding, or lies at most
     * 3 zeros after "0."; exponent notation otherwise. */
    bool fixed = decpt > 0 ? (decpt < n || decpt <= 15) : decpt > -4;
    if (!fixed) {
        gz_buf_putc(out, digits[0]);
        gz_buf_putc(out, '.');
        if (n > 1)
            gz_buf_put(out, digits + 1, (size_t)n - 1);
        else
            gz_buf_putc(out, '0');
        gz_buf_printf(out, "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
    } else if (decpt <= 0) {
        gz_buf_puts(out, "0.");
        for (int i = 0; i < -decpt; i++)
            gz_buf_putc(out, '0');
        gz_buf_put(out, digits, (size_t)n);
    } else if (decpt >= n) {
        gz_buf_put(out, digits, (size_t)n);
        for (int i = n; i < decpt; i++)
            gz_buf_putc(out, '0');
        gz_buf_puts(out, ".0");
    } else {
        gz_buf_put(out, digits, (size_t)decpt);
        gz_buf_putc(out, '.');
        gz_buf_put(out, digits + decpt, (size_t)(n - decpt));
    }
}
