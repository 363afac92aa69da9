/* Float#to_s and Integer#to_s; expected strings are what Ruby 3.1 prints
 * (ruby -e 'p 1e16.to_s' etc., Ruby 3.1). */
#include <math.h>
#include <stdlib.h>

#include "core/value.h"
#include "test.h"

static void
check_float(double f, const char *want)
{
    gz_buf b = GZ_BUF_INIT;
    gz_format_float(&b, f);
    CHECK_STR(b.data, want);
    gz_buf_free(&b);
}

int
main(void)
{
    check_float(0.0, "0.0");
    check_float(-0.0, "-0.0");
    check_float(1.0, "1.0");
    check_float(1.5, "1.5");
    check_float(0.1 + 0.2, "0.30000000000000004");
    check_float(100.0, "100.0");
    check_float(1e15, "1.0e+15");
    check_float(123456789012345.0, "123456789012345.0");
    check_float(1e14, "100000000000000.0");
    check_float(1e16, "1.0e+16");
    check_float(1.23e20, "1.23e+20");
    check_float(0.0001, "0.0001");
    check_float(0.00001, "1.0e-05");
    check_float(1.5e-7, "1.5e-07");
    check_float(123456789.125, "123456789.125");
    check_float(-3.14, "-3.14");
    check_float(1e100, "1.0e+100");
    check_float(INFINITY, "Infinity");
    check_float(-INFINITY, "-Infinity");
    check_float(NAN, "NaN");
    check_float(2.5e-5, "2.5e-05");
    check_float(2152109059014168.8, "2152109059014168.8");
    check_float(1234567890123456.0, "1.234567890123456e+15");
    check_float(123456789012345.6, "123456789012345.6");
    check_float(12345678901234567.0, "1.2345678901234568e+16");
    check_float(9999999999999998.0, "9.999999999999998e+15");
    check_float(0.00012, "0.00012");
    check_float(0.000012345, "1.2345e-05");
    check_float(9007199254740993.0, "9.007199254740992e+15");

    gz_buf b = GZ_BUF_INIT;
    gz_format_int(&b, -9223372036854775807LL - 1);
    CHECK_STR(b.data, "-9223372036854775808");
    gz_buf_free(&b);
    return test_report("core-number");
}
