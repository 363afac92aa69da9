/* Ruby Integer and BigDecimal arithmetic for the math filters (see
 * decimal.h). Magnitudes are kept like BigDecimal keeps them, in base 10^9
 * limbs on one global grid, because BigDecimal#/ decides how many digits a
 * quotient gets, and how it rounds, by those limbs. */
#include "liquid/decimal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE 1000000000u
#define BASE_FIG 9

/* ---- construction ------------------------------------------------------ */

static liq_num
special(liq_num_kind kind, bool neg)
{
    return (liq_num){ .kind = kind, .neg = neg };
}

static bool
is_zero(const liq_num *x)
{
    return (x->kind == LIQ_NUM_INT || x->kind == LIQ_NUM_DEC) && x->n == 0;
}

/* Drops zero limbs at both ends; an Integer zero has no sign. */
static liq_num
normalize(liq_num x)
{
    size_t lead = 0;
    while (lead < x.n && x.l[lead] == 0)
        lead++;
    if (lead) { /* a zero may have no limbs at all */
        x.l += lead;
        x.n -= lead;
        x.exp -= (int64_t)lead;
    }
    while (x.n && x.l[x.n - 1] == 0)
        x.n--;
    if (x.n == 0) {
        x.exp = 0;
        if (x.kind == LIQ_NUM_INT)
            x.neg = false;
    }
    return x;
}

liq_num
liq_num_from_int(gz_arena *a, int64_t i)
{
    uint64_t m = i < 0 ? 0 - (uint64_t)i : (uint64_t)i;
    uint32_t *l = gz_arena_alloc(a, 3 * sizeof *l);
    l[0] = (uint32_t)(m / ((uint64_t)BASE * BASE));
    l[1] = (uint32_t)(m / BASE % BASE);
    l[2] = (uint32_t)(m % BASE);
    return normalize((liq_num){ LIQ_NUM_INT, i < 0, 3, 3, l });
}

/* A number from decimal digits: value = +-0.DIGITS x 10^dexp. */
static liq_num
from_digits(gz_arena *a, liq_num_kind kind, bool neg, const char *digits, size_t nd, int64_t dexp)
{
    /* Align the digits to the limb grid: the first limb takes what lies
     * between the decimal point's grid line and 10^dexp. */
    int64_t exp = dexp >= 0 ? (dexp + BASE_FIG - 1) / BASE_FIG : -((-dexp) / BASE_FIG);
    size_t pad = (size_t)(exp * BASE_FIG - dexp); /* zeros before the first digit */
    size_t n = (pad + nd + BASE_FIG - 1) / BASE_FIG;
    uint32_t *l = gz_arena_calloc(a, n ? n : 1, sizeof *l);
    for (size_t i = 0; i < nd; i++) {
        size_t pos = pad + i;
        l[pos / BASE_FIG] = l[pos / BASE_FIG] * 10 + (uint32_t)(digits[i] - '0');
    }
    /* the last limb may be short of digits: scale it up */
    size_t used = (pad + nd) % BASE_FIG;
    if (n && used)
        for (size_t k = used; k < BASE_FIG; k++)
            l[n - 1] *= 10;
    return normalize((liq_num){ kind, neg, exp, n, l });
}

/* Decimal digits of a magnitude (no leading zeros, no trailing zeros)
 * into `digits`; returns their count and sets *dexp (value =
 * 0.DIGITS x 10^dexp). digits needs 9 * x->n bytes. */
static size_t
to_digits(const liq_num *x, char *digits, int64_t *dexp)
{
    size_t nd = 0;
    for (size_t i = 0; i < x->n; i++) {
        char tmp[16];
        snprintf(tmp, sizeof tmp, "%09u", x->l[i]);
        memcpy(digits + nd, tmp, BASE_FIG);
        nd += BASE_FIG;
    }
    size_t lead = 0;
    while (lead < nd && digits[lead] == '0')
        lead++;
    memmove(digits, digits + lead, nd - lead);
    nd -= lead;
    while (nd && digits[nd - 1] == '0')
        nd--;
    *dexp = x->exp * BASE_FIG - (int64_t)lead;
    return nd;
}

/* ---- reading values --------------------------------------------------- */

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool
is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Collects the digits of "[-+]DIGITS[.DIGITS][e[-+]DIGITS]" (Float#to_s
 * and Liquid's decimal strings). */
static bool
parse_decimal(gz_arena *a, gz_str s, liq_num *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < s.len && (s.p[i] == '-' || s.p[i] == '+'))
        neg = s.p[i++] == '-';
    char *digits = gz_arena_alloc(a, s.len + 1);
    size_t nd = 0;
    int64_t point = 0; /* digits before the decimal point */
    bool seen_point = false;
    for (; i < s.len; i++) {
        if (s.p[i] == '.' && !seen_point) {
            seen_point = true;
            continue;
        }
        if (!is_digit(s.p[i]))
            break;
        if (nd == 0 && s.p[i] == '0') { /* leading zero: only moves the point */
            if (seen_point)
                point--;
            continue;
        }
        digits[nd++] = s.p[i];
        if (!seen_point)
            point++;
    }
    if (i < s.len && (s.p[i] == 'e' || s.p[i] == 'E')) {
        long e = strtol(s.p + i + 1, NULL, 10); /* Float#to_s exponents: 3 digits at most */
        point += e;
    }
    if (nd > LIQ_NUM_MAX_DIGITS)
        return false;
    while (nd && digits[nd - 1] == '0')
        nd--;
    *out = from_digits(a, LIQ_NUM_DEC, neg, digits, nd, point);
    return true;
}

/* String#to_i: whitespace, a sign, digits with single underscores. */
static bool
parse_to_i(gz_arena *a, gz_str s, liq_num *out)
{
    size_t i = 0;
    while (i < s.len && is_space(s.p[i]))
        i++;
    bool neg = false;
    if (i < s.len && (s.p[i] == '-' || s.p[i] == '+'))
        neg = s.p[i++] == '-';
    char *digits = gz_arena_alloc(a, s.len + 1);
    size_t nd = 0;
    for (; i < s.len; i++) {
        if (is_digit(s.p[i])) {
            if (nd || s.p[i] != '0')
                digits[nd++] = s.p[i];
        } else if (!(s.p[i] == '_' && i > 0 && is_digit(s.p[i - 1]) && i + 1 < s.len &&
                     is_digit(s.p[i + 1]))) {
            break;
        }
    }
    if (nd > LIQ_NUM_MAX_DIGITS)
        return false;
    *out = from_digits(a, LIQ_NUM_INT, neg, digits, nd, (int64_t)nd);
    return true;
}

/* Liquid's /\A-?\d+\.\d+\z/ on the stripped string. */
static bool
is_decimal_text(gz_str s)
{
    size_t i = 0;
    if (i < s.len && s.p[i] == '-')
        i++;
    size_t start = i;
    while (i < s.len && is_digit(s.p[i]))
        i++;
    if (i == start || i == s.len || s.p[i] != '.')
        return false;
    start = ++i;
    while (i < s.len && is_digit(s.p[i]))
        i++;
    return i > start && i == s.len;
}

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)
static const char too_large[] = "number too large (more than " STRINGIFY(LIQ_NUM_MAX_DIGITS) " digits)";

const char *
liq_num_from_value(gz_arena *a, gz_value v, liq_num *out)
{
    switch (v.type) {
    case GZ_INT:
        *out = liq_num_from_int(a, v.u.i);
        return NULL;
    case GZ_FLOAT: { /* BigDecimal(float.to_s) */
        if (isnan(v.u.f)) {
            *out = special(LIQ_NUM_NAN, false);
            return NULL;
        }
        if (isinf(v.u.f)) {
            *out = special(LIQ_NUM_INF, v.u.f < 0);
            return NULL;
        }
        gz_buf b = GZ_BUF_INIT;
        gz_format_float(&b, v.u.f);
        parse_decimal(a, gz_buf_str(&b), out); /* at most 17 digits */
        gz_buf_free(&b);
        return NULL;
    }
    case GZ_STRING: {
        gz_str s = gz_value_str(v), t = s; /* String#strip, NULs included */
        while (t.len && (is_space(t.p[0]) || t.p[0] == '\0'))
            t.p++, t.len--;
        while (t.len && (is_space(t.p[t.len - 1]) || t.p[t.len - 1] == '\0'))
            t.len--;
        if (!is_decimal_text(t))
            return parse_to_i(a, s, out) ? NULL : too_large;
        /* BigDecimal() is given the unstripped string */
        if (memchr(s.p, '\0', s.len))
            return "string contains null byte";
        return parse_decimal(a, t, out) ? NULL : too_large;
    }
    default:
        *out = liq_num_from_int(a, 0);
        return NULL;
    }
}

/* ---- Float conversion (BigDecimal#to_f) -------------------------------- */

/* BigDecimal#to_f prints "0.DIGITSeN" and reads it with Ruby's strtod,
 * which ignores the digits after about the 61st (it stops collecting once
 * 60 significant digits are in, counting zeros only when a nonzero digit
 * follows them). The remaining digits are then rounded correctly, as
 * glibc's strtod does. */
static size_t
ruby_strtod_digits(const char *digits, size_t nd)
{
    size_t kept = 0, counted = 0, zeros = 0;
    for (size_t i = 0; i < nd; i++) {
        zeros++;
        if (counted > 60)
            continue;
        if (digits[i] != '0') {
            counted += zeros;
            zeros = 0;
            kept = i + 1;
        }
    }
    return kept;
}

static double
to_double(gz_arena *a, const liq_num *x)
{
    switch (x->kind) {
    case LIQ_NUM_NAN: return NAN;
    case LIQ_NUM_INF: return x->neg ? -INFINITY : INFINITY;
    default: break;
    }
    if (x->n == 0)
        return x->neg ? -0.0 : 0.0;
    /* BigDecimal's own range checks, on the limb exponent */
    if (x->exp * BASE_FIG > 308 + BASE_FIG)
        return x->neg ? -INFINITY : INFINITY;
    if (x->exp * BASE_FIG < -307 - BASE_FIG)
        return x->neg ? -0.0 : 0.0;
    char *digits = gz_arena_alloc(a, BASE_FIG * x->n + 32);
    int64_t dexp;
    size_t nd = ruby_strtod_digits(digits, to_digits(x, digits, &dexp));
    char *text = gz_arena_alloc(a, nd + 40);
    int len = snprintf(text, nd + 40, "%s0.%.*se%lld", x->neg ? "-" : "", (int)nd, digits,
                       (long long)dexp);
    (void)len;
    errno = 0;
    double d = strtod(text, NULL);
    if (errno == ERANGE && d == 0)
        return x->neg ? -0.0 : 0.0;
    return d;
}

gz_value
liq_num_to_value(gz_arena *a, const liq_num *x)
{
    if (x->kind != LIQ_NUM_INT)
        return gz_float(to_double(a, x));
    if (x->n == 0)
        return gz_int(0);
    /* fits int64 when the magnitude has at most 19 digits and no more */
    char *digits = gz_arena_alloc(a, BASE_FIG * (size_t)x->exp + 2);
    int64_t dexp;
    size_t nd = to_digits(x, digits + 1, &dexp);
    memset(digits + 1 + nd, '0', (size_t)(dexp - (int64_t)nd));
    size_t len = (size_t)dexp;
    if (len <= 19) {
        uint64_t m = 0;
        for (size_t i = 0; i < len; i++)
            m = m * 10 + (uint64_t)(digits[1 + i] - '0');
        if (m <= (uint64_t)INT64_MAX)
            return gz_int(x->neg ? -(int64_t)m : (int64_t)m);
        if (x->neg && m == (uint64_t)INT64_MAX + 1)
            return gz_int(INT64_MIN);
    }
    /* A Bignum: its decimal text, which every filter reads back as the
     * same Integer. */
    if (x->neg) {
        digits[0] = '-';
        return gz_string(digits, len + 1);
    }
    return gz_string(digits + 1, len);
}

/* ---- magnitudes as little-endian integers ------------------------------ */

typedef struct {
    uint32_t *d; /* least significant first */
    size_t n;
} big;

static int64_t
low_pos(const liq_num *x)
{
    return x->exp - (int64_t)x->n;
}

/* |x| / BASE^lo as an integer (lo at or below x's lowest limb), with
 * `extra` spare limbs on top. */
static big
big_from(gz_arena *a, const liq_num *x, int64_t lo, size_t extra)
{
    size_t n = x->n ? (size_t)(x->exp - lo) : 0;
    big b = { gz_arena_calloc(a, n + extra + 1, sizeof(uint32_t)), n };
    for (size_t i = 0; i < x->n; i++)
        b.d[(size_t)(x->exp - lo) - 1 - i] = x->l[i];
    return b;
}

static liq_num
from_big(gz_arena *a, liq_num_kind kind, bool neg, big b, int64_t lo)
{
    uint32_t *l = gz_arena_alloc(a, (b.n ? b.n : 1) * sizeof *l);
    for (size_t i = 0; i < b.n; i++)
        l[i] = b.d[b.n - 1 - i];
    return normalize((liq_num){ kind, neg, lo + (int64_t)b.n, b.n, l });
}

static void
big_trim(big *b)
{
    while (b->n && b->d[b->n - 1] == 0)
        b->n--;
}

static int
big_cmp(big x, big y)
{
    big_trim(&x);
    big_trim(&y);
    if (x.n != y.n)
        return x.n < y.n ? -1 : 1;
    for (size_t i = x.n; i-- > 0;)
        if (x.d[i] != y.d[i])
            return x.d[i] < y.d[i] ? -1 : 1;
    return 0;
}

/* x += y; x has room for max(n) + 1 limbs. */
static void
big_add(big *x, big y)
{
    uint32_t carry = 0;
    size_t n = x->n > y.n ? x->n : y.n;
    for (size_t i = 0; i < n; i++) {
        uint32_t s = (i < x->n ? x->d[i] : 0) + (i < y.n ? y.d[i] : 0) + carry;
        carry = s >= BASE;
        x->d[i] = carry ? s - BASE : s;
    }
    x->n = n;
    if (carry)
        x->d[x->n++] = 1;
}

/* x -= y, with x >= y. */
static void
big_sub(big *x, big y)
{
    uint32_t borrow = 0;
    for (size_t i = 0; i < x->n; i++) {
        uint32_t s = i < y.n ? y.d[i] : 0;
        uint64_t need = (uint64_t)s + borrow;
        if (x->d[i] >= need) {
            x->d[i] -= (uint32_t)need;
            borrow = 0;
        } else {
            x->d[i] = (uint32_t)(x->d[i] + BASE - need);
            borrow = 1;
        }
    }
    big_trim(x);
}

static big
big_mul(gz_arena *a, big x, big y)
{
    big r = { gz_arena_calloc(a, x.n + y.n + 1, sizeof(uint32_t)), x.n + y.n };
    for (size_t i = 0; i < x.n; i++) {
        uint64_t carry = 0;
        for (size_t j = 0; j < y.n; j++) {
            uint64_t t = r.d[i + j] + (uint64_t)x.d[i] * y.d[j] + carry;
            r.d[i + j] = (uint32_t)(t % BASE);
            carry = t / BASE;
        }
        for (size_t k = i + y.n; carry; k++) {
            uint64_t t = r.d[k] + carry;
            r.d[k] = (uint32_t)(t % BASE);
            carry = t / BASE;
        }
    }
    big_trim(&r);
    return r;
}

/* y * m into `out` (room for y.n + 1 limbs), m < BASE. */
static void
big_mul_small(big y, uint32_t m, big *out)
{
    uint64_t carry = 0;
    for (size_t i = 0; i < y.n; i++) {
        uint64_t t = (uint64_t)y.d[i] * m + carry;
        out->d[i] = (uint32_t)(t % BASE);
        carry = t / BASE;
    }
    out->d[y.n] = (uint32_t)carry;
    out->n = y.n + 1;
}

/* q = x / y, r = x % y (y > 0): schoolbook, one limb of q at a time, each
 * found by binary search. Quadratic, but the operands are a few limbs. */
static void
big_divmod(gz_arena *a, big x, big y, big *q, big *r)
{
    big_trim(&y);
    q->d = gz_arena_calloc(a, x.n + 1, sizeof(uint32_t));
    q->n = x.n;
    r->d = gz_arena_calloc(a, y.n + 2, sizeof(uint32_t));
    r->n = 0;
    big t = { gz_arena_calloc(a, y.n + 2, sizeof(uint32_t)), 0 };
    for (size_t i = x.n; i-- > 0;) {
        /* r = r * BASE + x[i] */
        memmove(r->d + 1, r->d, r->n * sizeof(uint32_t));
        r->d[0] = x.d[i];
        r->n++;
        big_trim(r);
        uint32_t lo = 0, hi = BASE - 1;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo + 1) / 2;
            big_mul_small(y, mid, &t);
            if (big_cmp(t, *r) <= 0)
                lo = mid;
            else
                hi = mid - 1;
        }
        q->d[i] = lo;
        if (lo) {
            big_mul_small(y, lo, &t);
            big_trim(&t);
            big_sub(r, t);
        }
    }
    big_trim(q);
}

/* ---- comparison and the four operations -------------------------------- */

static int
mag_cmp(const liq_num *x, const liq_num *y)
{
    if (x->n == 0 || y->n == 0)
        return (x->n != 0) - (y->n != 0);
    if (x->exp != y->exp)
        return x->exp < y->exp ? -1 : 1;
    for (size_t i = 0; i < x->n && i < y->n; i++)
        if (x->l[i] != y->l[i])
            return x->l[i] < y->l[i] ? -1 : 1;
    return (x->n > y->n) - (x->n < y->n);
}

bool
liq_num_compare(const liq_num *x, const liq_num *y, int *cmp)
{
    if (x->kind == LIQ_NUM_NAN || y->kind == LIQ_NUM_NAN)
        return false;
    int sx = x->kind == LIQ_NUM_INF ? 2 : 1, sy = y->kind == LIQ_NUM_INF ? 2 : 1;
    if (sx == 2 || sy == 2) { /* infinities against each other or finite numbers */
        int vx = sx == 2 ? (x->neg ? -1 : 1) : 0, vy = sy == 2 ? (y->neg ? -1 : 1) : 0;
        *cmp = (vx > vy) - (vx < vy);
        return true;
    }
    bool xneg = x->neg && x->n, yneg = y->neg && y->n; /* -0 == 0 */
    if (xneg != yneg) {
        *cmp = xneg ? -1 : 1;
        return true;
    }
    int m = mag_cmp(x, y);
    *cmp = xneg ? -m : m;
    return true;
}

static liq_num_kind
result_kind(const liq_num *x, const liq_num *y)
{
    return x->kind == LIQ_NUM_INT && y->kind == LIQ_NUM_INT ? LIQ_NUM_INT : LIQ_NUM_DEC;
}

/* x + (negate_y ? -y : y) for finite x and y. */
static liq_num
add_finite(gz_arena *a, const liq_num *x, const liq_num *y, bool negate_y)
{
    liq_num_kind kind = result_kind(x, y);
    bool yneg = y->neg != negate_y;
    if (x->n == 0 && y->n == 0) /* BigDecimal: -0 only when both are -0 */
        return (liq_num){ .kind = kind, .neg = kind == LIQ_NUM_DEC && x->neg && yneg };
    if (y->n == 0) {
        liq_num r = *x;
        r.kind = kind;
        return r;
    }
    if (x->n == 0) {
        liq_num r = *y;
        r.kind = kind;
        r.neg = yneg;
        return r;
    }
    int64_t lo = low_pos(x) < low_pos(y) ? low_pos(x) : low_pos(y);
    if (x->neg == yneg) {
        big s = big_from(a, x, lo, (size_t)(y->exp > x->exp ? y->exp - x->exp : 0) + 1);
        big_add(&s, big_from(a, y, lo, 0));
        return from_big(a, kind, x->neg, s, lo);
    }
    int m = mag_cmp(x, y);
    if (m == 0)
        return (liq_num){ .kind = kind };
    const liq_num *big_one = m > 0 ? x : y, *small_one = m > 0 ? y : x;
    big d = big_from(a, big_one, lo, 0);
    big_sub(&d, big_from(a, small_one, lo, 0));
    return from_big(a, kind, m > 0 ? x->neg : yneg, d, lo);
}

/* BigDecimal's rules for NaN and Infinity (VpIsDefOP); true when they
 * decided the result. */
static bool
special_add(const liq_num *x, const liq_num *y, bool negate_y, liq_num *out)
{
    if (x->kind == LIQ_NUM_NAN || y->kind == LIQ_NUM_NAN) {
        *out = special(LIQ_NUM_NAN, false);
        return true;
    }
    bool yneg = y->neg != negate_y;
    if (x->kind == LIQ_NUM_INF) {
        *out = y->kind == LIQ_NUM_INF && x->neg != yneg ? special(LIQ_NUM_NAN, false) : *x;
        return true;
    }
    if (y->kind == LIQ_NUM_INF) {
        *out = special(LIQ_NUM_INF, yneg);
        return true;
    }
    return false;
}

liq_num
liq_num_add(gz_arena *a, const liq_num *x, const liq_num *y)
{
    liq_num r;
    return special_add(x, y, false, &r) ? r : add_finite(a, x, y, false);
}

liq_num
liq_num_sub(gz_arena *a, const liq_num *x, const liq_num *y)
{
    liq_num r;
    return special_add(x, y, true, &r) ? r : add_finite(a, x, y, true);
}

liq_num
liq_num_mul(gz_arena *a, const liq_num *x, const liq_num *y)
{
    bool neg = x->neg != y->neg;
    if (x->kind == LIQ_NUM_NAN || y->kind == LIQ_NUM_NAN)
        return special(LIQ_NUM_NAN, false);
    if (x->kind == LIQ_NUM_INF || y->kind == LIQ_NUM_INF)
        return is_zero(x) || is_zero(y) ? special(LIQ_NUM_NAN, false) : special(LIQ_NUM_INF, neg);
    liq_num_kind kind = result_kind(x, y);
    if (x->n == 0 || y->n == 0)
        return (liq_num){ .kind = kind, .neg = kind == LIQ_NUM_DEC && neg };
    big p = big_mul(a, big_from(a, x, low_pos(x), 0), big_from(a, y, low_pos(y), 0));
    return from_big(a, kind, neg, p, low_pos(x) + low_pos(y));
}

/* q = floor(|x| / (|y| * BASE^unit)) and r = |x| - q * |y| * BASE^unit, q
 * counted in units of BASE^unit. */
static void
mag_divmod(gz_arena *a, const liq_num *x, const liq_num *y, int64_t unit, liq_num_kind kind,
           liq_num *q, liq_num *r)
{
    liq_num ys = *y;
    ys.exp += unit;
    int64_t lo = low_pos(x) < low_pos(&ys) ? low_pos(x) : low_pos(&ys);
    big bq, br;
    big_divmod(a, big_from(a, x, lo, 0), big_from(a, &ys, lo, 0), &bq, &br);
    *q = from_big(a, kind, false, bq, unit);
    *r = from_big(a, kind, false, br, lo);
}

/* Ruby Integer#/ and #% (floored). */
static void
int_divmod(gz_arena *a, const liq_num *x, const liq_num *y, liq_num *q, liq_num *r)
{
    mag_divmod(a, x, y, 0, LIQ_NUM_INT, q, r);
    bool neg = x->neg != y->neg;
    if (neg && r->n) { /* floor: one more toward -infinity, remainder from y's side */
        liq_num one = liq_num_from_int(a, 1), ay = liq_num_abs(y);
        *q = liq_num_add(a, q, &one);
        *r = liq_num_sub(a, &ay, r);
    }
    q->neg = neg && q->n;
    r->neg = y->neg && r->n;
}

/* BigDecimal's precision (BigDecimal#precision): the count of significant
 * decimal digits, counting the zeros between the decimal point and the
 * first digit of a number below one. */
static int64_t
precision(const liq_num *x)
{
    if (x->kind != LIQ_NUM_INT && x->kind != LIQ_NUM_DEC)
        return 0;
    if (x->n == 0)
        return 0;
    int nlz = BASE_FIG, ntz = 0;
    for (uint32_t v = x->l[0]; v; v /= 10)
        nlz--;
    for (uint32_t v = x->l[x->n - 1]; v && v % 10 == 0; v /= 10)
        ntz++;
    int64_t ex = x->exp, n = (int64_t)x->n, head = BASE_FIG;
    if (ex < 0) {
        head += -ex * BASE_FIG;
        ex = 0;
    } else if (ex > 0) {
        head -= nlz;
    }
    if (ex > n)
        return head + (ex - 1) * BASE_FIG;
    return head + (n - 1) * BASE_FIG - (ex < n ? ntz : 0);
}

/* The limbs BigDecimal gives a quotient (word_c): two limbs more than
 * the larger operand's precision needs, and at least 2 * 16 digits. */
static int64_t
quotient_limbs(const liq_num *x, const liq_num *y)
{
    int64_t mx = precision(x) > precision(y) ? precision(x) : precision(y);
    if (mx < 32) /* 2 * BIGDECIMAL_DOUBLE_FIGURES */
        mx = 32;
    return (mx + 2 * BASE_FIG + BASE_FIG - 1) / BASE_FIG;
}

/* BigDecimal#/ of finite, nonzero operands (BigDecimal_div + VpDivd): the
 * quotient gets word_c - 1 limbs from the top limb position a/b can have,
 * truncated; then, when the remainder's first limb divided by the
 * divisor's first limb reads 0.5 or more, one is added at the quotient's
 * last nonzero limb. */
static liq_num
dec_div(gz_arena *a, const liq_num *x, const liq_num *y)
{
    int64_t word_c = quotient_limbs(x, y);
    int64_t unit = x->exp - y->exp + 2 - word_c;
    liq_num q, r;
    mag_divmod(a, x, y, unit, LIQ_NUM_DEC, &q, &r);
    if (r.n && q.n) {
        /* The C code keeps this estimate in a 32-bit digit. */
        uint32_t v = (uint32_t)((uint64_t)BASE * r.l[0] / y->l[0]);
        if (v / (BASE / 10) >= 5) {
            liq_num ulp = { LIQ_NUM_DEC, false, low_pos(&q) + 1, 1, (uint32_t[]){ 1 } };
            q = add_finite(a, &q, &ulp, false);
        }
    }
    q.neg = x->neg != y->neg;
    return q;
}

bool
liq_num_div(gz_arena *a, const liq_num *x, const liq_num *y, liq_num *out)
{
    bool neg = x->neg != y->neg;
    if (x->kind == LIQ_NUM_INT && y->kind == LIQ_NUM_INT) {
        if (y->n == 0)
            return false;
        liq_num r;
        int_divmod(a, x, y, out, &r);
        return true;
    }
    if (x->kind == LIQ_NUM_NAN || y->kind == LIQ_NUM_NAN)
        *out = special(LIQ_NUM_NAN, false);
    else if (x->kind == LIQ_NUM_INF)
        *out = y->kind == LIQ_NUM_INF ? special(LIQ_NUM_NAN, false) : special(LIQ_NUM_INF, neg);
    else if (y->kind == LIQ_NUM_INF)
        *out = (liq_num){ .kind = LIQ_NUM_DEC, .neg = neg };
    else if (y->n == 0)
        *out = x->n == 0 ? special(LIQ_NUM_NAN, false) : special(LIQ_NUM_INF, neg);
    else if (x->n == 0)
        *out = (liq_num){ .kind = LIQ_NUM_DEC, .neg = neg };
    else
        *out = dec_div(a, x, y);
    return true;
}

/* x without its limbs below position `pos` (a view into x's limbs). */
static liq_num
truncate_below(const liq_num *x, int64_t pos)
{
    liq_num r = *x;
    if (low_pos(x) < pos)
        r.n = pos < x->exp ? (size_t)(x->exp - pos) : 0;
    return normalize(r);
}

/* BigDecimal#% (BigDecimal_DoDivmod): the quotient as BigDecimal#/
 * computes it before rounding, truncated to an integer d; then x - d*y,
 * computed into a number of word_c limbs, which drops the operands' limbs
 * below that window; then moved by y when the signs differ. */
static liq_num
dec_mod(gz_arena *a, const liq_num *x, const liq_num *y)
{
    int64_t word_c = quotient_limbs(x, y);
    liq_num q, r, d;
    mag_divmod(a, x, y, x->exp - y->exp + 2 - word_c, LIQ_NUM_DEC, &q, &r);
    liq_num_round(a, &q, 0, LIQ_ROUND_DOWN, false, &d);
    liq_num dy = liq_num_mul(a, &d, y); /* |d*y| <= |x| */
    int64_t window = x->exp - (word_c - 1);
    liq_num xt = truncate_below(x, window), dyt = truncate_below(&dy, window);
    dyt.neg = x->neg;
    liq_num mod = d.n ? liq_num_sub(a, &xt, &dyt) : *x;
    if (mod.n && x->neg != y->neg)
        mod = liq_num_add(a, &mod, y);
    mod.kind = LIQ_NUM_DEC;
    return mod;
}

bool
liq_num_mod(gz_arena *a, const liq_num *x, const liq_num *y, liq_num *out)
{
    if (x->kind == LIQ_NUM_INT && y->kind == LIQ_NUM_INT) {
        if (y->n == 0)
            return false;
        liq_num q;
        int_divmod(a, x, y, &q, out);
        return true;
    }
    if (x->kind == LIQ_NUM_NAN || y->kind == LIQ_NUM_NAN ||
        (x->kind == LIQ_NUM_INF && y->kind == LIQ_NUM_INF)) {
        *out = special(LIQ_NUM_NAN, false);
        return true;
    }
    if (is_zero(y))
        return false;
    if (x->kind == LIQ_NUM_INF)
        *out = special(LIQ_NUM_NAN, false);
    else if (y->kind == LIQ_NUM_INF)
        *out = *x;
    else if (x->n == 0)
        *out = (liq_num){ .kind = LIQ_NUM_DEC };
    else
        *out = dec_mod(a, x, y);
    if (out->kind == LIQ_NUM_INT)
        out->kind = LIQ_NUM_DEC;
    return true;
}

liq_num
liq_num_abs(const liq_num *x)
{
    liq_num r = *x;
    if (r.kind != LIQ_NUM_NAN)
        r.neg = false;
    return r;
}

/* ---- rounding ---------------------------------------------------------- */

bool
liq_num_round(gz_arena *a, const liq_num *x, int64_t digits, liq_round_mode mode, bool to_int,
              liq_num *out)
{
    if (x->kind == LIQ_NUM_NAN || x->kind == LIQ_NUM_INF) {
        *out = *x;
        return !to_int;
    }
    liq_num_kind kind = x->kind == LIQ_NUM_INT || to_int ? LIQ_NUM_INT : LIQ_NUM_DEC;
    if (x->n == 0) {
        *out = (liq_num){ .kind = kind, .neg = kind == LIQ_NUM_DEC && x->neg };
        return true;
    }
    char *d = gz_arena_alloc(a, BASE_FIG * x->n + 2);
    int64_t dexp;
    size_t nd = to_digits(x, d + 1, &dexp);
    /* keep the digits of weight >= 10^-digits */
    int64_t keep;
    if (__builtin_add_overflow(dexp, digits, &keep) || keep >= (int64_t)nd) {
        *out = *x;
        out->kind = kind;
        return true;
    }
    bool up;
    switch (mode) {
    case LIQ_ROUND_HALF_UP: up = keep >= 0 && d[1 + keep] >= '5'; break;
    case LIQ_ROUND_FLOOR: up = x->neg; break; /* nonzero digits are dropped */
    case LIQ_ROUND_CEIL: up = !x->neg; break;
    default: up = false; break;
    }
    if (keep < 0) {
        /* Every digit is dropped: zero, or one unit when rounding away. */
        if (!up) {
            *out = (liq_num){ .kind = kind, .neg = kind == LIQ_NUM_DEC && x->neg };
            return true;
        }
        *out = from_digits(a, kind, x->neg, "1", 1, 1 - digits);
        return true;
    }
    /* digits d[1..keep]; add one at the last of them when rounding away */
    d[0] = '0';
    size_t n = (size_t)keep + 1;
    for (size_t i = n; up && i-- > 0;) {
        if (d[i] == '9') {
            d[i] = '0';
        } else {
            d[i]++;
            up = false;
        }
    }
    size_t start = d[0] == '0' ? 1 : 0;
    *out = from_digits(a, kind, x->neg, d + start, n - start, dexp + 1 - (int64_t)start);
    if (out->n == 0 && kind == LIQ_NUM_INT)
        out->neg = false;
    return true;
}

int64_t
liq_num_to_int_clamped(gz_arena *a, const liq_num *x)
{
    liq_num t;
    if (!liq_num_round(a, x, 0, LIQ_ROUND_DOWN, true, &t))
        return 0;
    gz_value v = liq_num_to_value(a, &t);
    if (v.type != GZ_INT) /* a Bignum */
        return t.neg ? INT32_MIN : INT32_MAX;
    return v.u.i < INT32_MIN ? INT32_MIN : v.u.i > INT32_MAX ? INT32_MAX : v.u.i;
}
