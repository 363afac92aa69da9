/* Numbers as Psych 4's ScalarScanner reads them (yaml_scalar.h): its
 * sexagesimal, FLOAT and INTEGER regexps, Ruby's Integer(), Float() and
 * String#to_i/#to_f on what they match, and Bignums as decimal text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/yaml_scalar.h"

/* Appends a run of digits in which single underscores may stand between
 * digits, as Ruby's String#to_i, #to_f and Float() read them; stops before
 * anything else (a second underscore, a trailing one). */
static size_t
digit_run(gz_buf *b, gz_str s, size_t *i)
{
    size_t n = 0;
    while (*i < s.len) {
        char c = s.p[*i];
        if (gz_ruby_digit(c)) {
            gz_buf_putc(b, c);
            n++;
        } else if (!(c == '_' && n && *i + 1 < s.len && gz_ruby_digit(s.p[*i + 1]))) {
            break;
        }
        (*i)++;
    }
    return n;
}

/* Ruby's Float(string): blanks around, an optional sign, then a hex float
 * ("0x1A", "0x1.8p1") or a decimal with digits before or after the point
 * but never a bare point ("5." is refused) and an optional exponent. */
static bool
parse_float(gz_str s, double *out)
{
    gz_buf b = GZ_BUF_INIT;
    bool ok = false;
    size_t i = 0;
    while (i < s.len && gz_ruby_space(s.p[i]))
        i++;
    if (i < s.len && (s.p[i] == '+' || s.p[i] == '-'))
        gz_buf_putc(&b, s.p[i++]);
    if (i + 1 < s.len && s.p[i] == '0' && (s.p[i + 1] == 'x' || s.p[i + 1] == 'X')) {
        size_t start = i;
        while (i < s.len && !gz_ruby_space(s.p[i]))
            i++;
        gz_buf_put(&b, s.p + start, i - start);
    } else {
        size_t before = digit_run(&b, s, &i), after = 0;
        if (i < s.len && s.p[i] == '.') {
            gz_buf_putc(&b, s.p[i++]);
            if (!(after = digit_run(&b, s, &i)))
                goto done;
        }
        if (!before && !after)
            goto done;
        if (i < s.len && (s.p[i] == 'e' || s.p[i] == 'E')) {
            gz_buf_putc(&b, s.p[i++]);
            if (i < s.len && (s.p[i] == '+' || s.p[i] == '-'))
                gz_buf_putc(&b, s.p[i++]);
            if (!digit_run(&b, s, &i))
                goto done;
        }
    }
    while (i < s.len && gz_ruby_space(s.p[i]))
        i++;
    if (i == s.len && b.len) {
        char *end;
        *out = strtod(b.data, &end);
        ok = end == b.data + b.len;
    }
done:
    gz_buf_free(&b);
    return ok;
}

bool
gz_yaml_ruby_float(gz_str s, gz_value *out, gz_buf *err)
{
    double f;
    if (!parse_float(s, &f)) {
        gz_buf_puts(err, GZ_YAML_ARGUMENT_ERROR);
        return false;
    }
    *out = gz_float(f);
    return true;
}

/* A non-negative integer of any size in base 10^9 limbs, least significant
 * first: Ruby's Bignums, which gazette keeps as their decimal text. */
typedef struct big {
    uint32_t *limb;
    size_t n, cap;
} big;

#define BIG_BASE 1000000000u

static void
big_muladd(big *b, uint32_t mul, uint32_t add)
{
    uint64_t carry = add;
    for (size_t k = 0; k < b->n; k++) {
        uint64_t v = (uint64_t)b->limb[k] * mul + carry;
        b->limb[k] = (uint32_t)(v % BIG_BASE);
        carry = v / BIG_BASE;
    }
    for (; carry; carry /= BIG_BASE) {
        if (b->n == b->cap) {
            b->cap = b->cap ? b->cap * 2 : 8;
            b->limb = gz_xrealloc(b->limb, b->cap * sizeof *b->limb);
        }
        b->limb[b->n++] = (uint32_t)(carry % BIG_BASE);
    }
}

/* b -= sub, for b >= sub. */
static void
big_sub(big *b, uint32_t sub)
{
    uint32_t borrow = sub;
    for (size_t k = 0; k < b->n && borrow; k++) {
        if (b->limb[k] >= borrow) {
            b->limb[k] -= borrow;
            borrow = 0;
        } else {
            b->limb[k] = b->limb[k] + BIG_BASE - borrow;
            borrow = 1;
        }
    }
    while (b->n && !b->limb[b->n - 1])
        b->n--;
}

static gz_value
big_text(gz_arena *a, big *b, bool negative)
{
    gz_buf out = GZ_BUF_INIT;
    if (negative && b->n)
        gz_buf_putc(&out, '-');
    gz_buf_printf(&out, "%u", b->n ? b->limb[b->n - 1] : 0);
    for (size_t k = b->n - (b->n > 0); k-- > 0;)
        gz_buf_printf(&out, "%09u", b->limb[k]);
    gz_value v = gz_string_from_buf(a, &out);
    gz_buf_free(&out);
    free(b->limb);
    return v;
}

static unsigned
digit_of(char c)
{
    if (gz_ruby_digit(c))
        return (unsigned)(c - '0');
    return (unsigned)((c | 0x20) - 'a' + 10);
}

static bool
too_long(size_t ndigits, gz_buf *err)
{
    if (ndigits <= GZ_YAML_MAX_INT_DIGITS)
        return false;
    gz_buf_printf(err, "integer of more than %d digits", GZ_YAML_MAX_INT_DIGITS);
    return true;
}

/* Digits (no separators) in `base` as an Integer: int64 when it fits. */
static bool
integer_value(gz_arena *a, gz_str digits, unsigned base, bool negative, gz_value *out,
              gz_buf *err)
{
    uint64_t mag = 0;
    bool fits = true;
    for (size_t k = 0; k < digits.len && fits; k++)
        fits = !__builtin_mul_overflow(mag, base, &mag) &&
               !__builtin_add_overflow(mag, digit_of(digits.p[k]), &mag);
    if (fits && mag <= (uint64_t)INT64_MAX + negative) {
        *out = gz_int(negative ? (int64_t)(0 - mag) : (int64_t)mag);
        return true;
    }
    if (too_long(digits.len, err))
        return false;
    big b = { 0 };
    for (size_t k = 0; k < digits.len; k++)
        big_muladd(&b, base, digit_of(digits.p[k]));
    *out = big_text(a, &b, negative);
    return true;
}

/* ^[-+]?[0-9][0-9_]*(:[0-5]?[0-9]){1,2}$, and with \.[0-9_]* at the end
 * the Float form. Psych weighs the fields 60**2, 60**1, 60**0 from the
 * left whatever their number, so "1:30" is 5400. */
typedef struct sexagesimal {
    bool negative;
    gz_str head;     /* [0-9][0-9_]* */
    int fields[2];   /* the [0-5]?[0-9] parts */
    int nfields;
    gz_str fraction; /* [0-9_]* after the point of the Float form */
    bool is_float;
} sexagesimal;

static bool
scan_sexagesimal(gz_str s, sexagesimal *x)
{
    size_t i = 0;
    x->negative = s.len && s.p[0] == '-';
    i += s.len && (s.p[0] == '-' || s.p[0] == '+');
    if (i >= s.len || !gz_ruby_digit(s.p[i]))
        return false;
    size_t start = i;
    while (i < s.len && (gz_ruby_digit(s.p[i]) || s.p[i] == '_'))
        i++;
    x->head = gz_str_n(s.p + start, i - start);
    for (x->nfields = 0; x->nfields < 2 && i < s.len && s.p[i] == ':'; x->nfields++) {
        i++;
        /* [0-5]?[0-9]: two digits when the first allows it */
        if (i >= s.len || !gz_ruby_digit(s.p[i]))
            return false;
        int field = s.p[i++] - '0';
        if (field <= 5 && i < s.len && gz_ruby_digit(s.p[i]))
            field = field * 10 + (s.p[i++] - '0');
        x->fields[x->nfields] = field;
    }
    if (!x->nfields)
        return false;
    x->is_float = i < s.len && s.p[i] == '.';
    if (x->is_float) {
        x->fraction = gz_str_n(s.p + i + 1, s.len - i - 1);
        for (size_t k = 0; k < x->fraction.len; k++)
            if (!gz_ruby_digit(x->fraction.p[k]) && x->fraction.p[k] != '_')
                return false;
        return true;
    }
    return i == s.len;
}

static bool
sexagesimal_value(gz_arena *a, const sexagesimal *x, gz_value *out, gz_buf *err)
{
    gz_buf head = GZ_BUF_INIT;
    size_t i = 0;
    digit_run(&head, x->head, &i); /* String#to_i stops at "__" */
    static const int weight[] = { 60, 1 };
    bool ok = true;
    if (x->is_float) {
        /* sum of String#to_f of each field; the last one has the point */
        gz_buf last = GZ_BUF_INIT;
        gz_buf_printf(&last, "%d.", x->fields[x->nfields - 1]);
        size_t j = 0;
        if (!digit_run(&last, x->fraction, &j))
            gz_buf_putc(&last, '0');
        double sum = strtod(head.data, NULL) * (x->negative ? -3600.0 : 3600.0);
        for (int k = 0; k < x->nfields - 1; k++)
            sum += (double)x->fields[k] * weight[k];
        sum += strtod(last.data, NULL) * weight[x->nfields - 1];
        gz_buf_free(&last);
        *out = gz_float(sum);
    } else {
        int64_t rest = 0;
        for (int k = 0; k < x->nfields; k++)
            rest += (int64_t)x->fields[k] * weight[k];
        gz_value hv;
        ok = integer_value(a, gz_buf_str(&head), 10, false, &hv, err);
        int64_t total;
        if (ok && hv.type == GZ_INT && !__builtin_mul_overflow(hv.u.i, 3600, &total) &&
            !__builtin_add_overflow(x->negative ? -total : total, rest, &total)) {
            *out = gz_int(total);
        } else if (ok) {
            /* |head| * 3600 -/+ rest: head is at least 1 here, so a
             * negative head outweighs the positive fields. */
            big b = { 0 };
            for (size_t k = 0; k < head.len; k++)
                big_muladd(&b, 10, (uint32_t)(head.data[k] - '0'));
            big_muladd(&b, 3600, x->negative ? 0 : (uint32_t)rest);
            if (x->negative)
                big_sub(&b, (uint32_t)rest);
            *out = big_text(a, &b, x->negative);
        }
    }
    gz_buf_free(&head);
    return ok;
}

/* FLOAT = /^[-+]?([0-9][0-9_,]*)?\.[0-9]*([eE][-+][0-9]+)?$/ */
static bool
scan_float(gz_str s)
{
    size_t i = s.len && (s.p[0] == '+' || s.p[0] == '-');
    if (i < s.len && gz_ruby_digit(s.p[i]))
        while (i < s.len && (gz_ruby_digit(s.p[i]) || s.p[i] == '_' || s.p[i] == ','))
            i++;
    if (i >= s.len || s.p[i++] != '.')
        return false;
    gz_skip_digits(s, &i);
    if (i < s.len && (s.p[i] == 'e' || s.p[i] == 'E')) {
        i++;
        if (i >= s.len || (s.p[i] != '+' && s.p[i] != '-'))
            return false;
        i++;
        if (!gz_skip_digits(s, &i))
            return false;
    }
    return i == s.len;
}

/* Float(s.gsub(/[,_]|\.([Ee]|$)/, '\1')); a bare "." or "+." stays text. */
static bool
float_value(gz_arena *a, gz_str s, gz_value *out, gz_buf *err)
{
    if (s.len - (s.p[0] == '+' || s.p[0] == '-') == 1) {
        *out = gz_string_copy(a, s.p, s.len);
        return true;
    }
    gz_buf clean = GZ_BUF_INIT;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.p[i];
        if (c == ',' || c == '_')
            continue;
        if (c == '.' && (i + 1 == s.len || s.p[i + 1] == 'e' || s.p[i + 1] == 'E'))
            continue;
        gz_buf_putc(&clean, c);
    }
    bool ok = gz_yaml_ruby_float(gz_buf_str(&clean), out, err);
    gz_buf_free(&clean);
    return ok;
}

static bool
all_of(gz_str s, const char *set)
{
    for (size_t i = 0; i < s.len; i++)
        if (!strchr(set, s.p[i]) || !s.p[i])
            return false;
    return s.len > 0;
}

/* INTEGER = /^(?:[-+]?0b[0-1_,]+ |[-+]?0[0-7_,]+
 *              |[-+]?(?:0|[1-9](?:[0-9]|,[0-9]|_[0-9])*) |[-+]?0x[0-9a-fA-F_,]+)$/x
 * Returns the base, or 0; *digits_at is where the digits start. */
static unsigned
scan_integer(gz_str s, size_t *digits_at)
{
    size_t i = s.len && (s.p[0] == '+' || s.p[0] == '-');
    gz_str r = gz_str_n(s.p + i, s.len - i);
    if (r.len >= 2 && r.p[0] == '0' && (r.p[1] == 'b' || r.p[1] == 'x')) {
        *digits_at = i + 2;
        bool bin = r.p[1] == 'b';
        return all_of(gz_str_n(r.p + 2, r.len - 2), bin ? "01_," : "0123456789abcdefABCDEF_,")
                   ? (bin ? 2 : 16)
                   : 0;
    }
    *digits_at = i;
    if (gz_str_eq_c(r, "0"))
        return 10;
    if (r.len && r.p[0] == '0')
        return all_of(gz_str_n(r.p + 1, r.len - 1), "01234567_,") ? 8 : 0;
    if (!r.len || !gz_ruby_digit(r.p[0]))
        return 0;
    for (size_t k = 1; k < r.len; k++) {
        if ((r.p[k] == '_' || r.p[k] == ',') && k + 1 < r.len && gz_ruby_digit(r.p[k + 1]))
            k++;
        else if (!gz_ruby_digit(r.p[k]))
            return 0;
    }
    return 10;
}

/* Integer(s.gsub(/[,_]/, '')), which refuses a prefix without digits. */
static bool
int_value(gz_arena *a, gz_str s, unsigned base, size_t digits_at, gz_value *out, gz_buf *err)
{
    gz_buf digits = GZ_BUF_INIT;
    for (size_t i = digits_at; i < s.len; i++)
        if (s.p[i] != '_' && s.p[i] != ',')
            gz_buf_putc(&digits, s.p[i]);
    bool ok;
    if ((base == 2 || base == 16) && !digits.len) {
        gz_buf_puts(err, GZ_YAML_ARGUMENT_ERROR);
        ok = false;
    } else {
        ok = integer_value(a, gz_buf_str(&digits), base, s.p[0] == '-', out, err);
    }
    gz_buf_free(&digits);
    return ok;
}

gz_yaml_number_kind
gz_yaml_number(gz_arena *a, gz_str s, gz_value *out, gz_buf *err)
{
    sexagesimal x = { 0 };
    size_t digits_at;
    unsigned base;
    bool ok;
    if (scan_sexagesimal(s, &x))
        ok = sexagesimal_value(a, &x, out, err);
    else if (scan_float(s))
        ok = float_value(a, s, out, err);
    else if ((base = scan_integer(s, &digits_at)))
        ok = int_value(a, s, base, digits_at, out, err);
    else
        return GZ_YAML_NOT_NUMBER;
    return ok ? GZ_YAML_NUMBER : GZ_YAML_NUMBER_ERROR;
}
