/* Numbers as Liquid 5.4's math filters compute them: Ruby Integers (exact,
 * of any size) and BigDecimals. Liquid turns every Float operand into
 * BigDecimal(float.to_s) before it computes, so `0.1 | plus: 0.2` is 0.3,
 * and a division rounds the way BigDecimal#/ does (base 10^9 limbs, a
 * precision taken from the operands, a last-limb rounding step), not the
 * way a double would. Internal to the filters. */
#ifndef LIQ_DECIMAL_H
#define LIQ_DECIMAL_H

#include "core/value.h"

typedef enum liq_num_kind {
    LIQ_NUM_INT, /* Ruby Integer */
    LIQ_NUM_DEC, /* BigDecimal, finite */
    LIQ_NUM_NAN, /* BigDecimal NaN */
    LIQ_NUM_INF, /* BigDecimal +-Infinity */
} liq_num_kind;

/* value = +-0.L[0] L[1] ... L[n-1] x 10^(9*exp), limbs in base 10^9, most
 * significant first, with no zero limb at either end; n = 0 is zero
 * (a DEC zero keeps its sign: BigDecimal has -0). Limbs live in an arena. */
typedef struct liq_num {
    liq_num_kind kind;
    bool neg;
    int64_t exp;
    size_t n;
    uint32_t *l;
} liq_num;

/* Liquid's Utils.to_number: integers as they are, floats through their
 * Ruby to_s, strings matching /\A-?\d+\.\d+\z/ (once stripped) as
 * BigDecimal, other strings by String#to_i, anything else 0. Returns NULL,
 * or the error message: BigDecimal's for a NUL byte, and one for a number
 * of more than LIQ_NUM_MAX_DIGITS digits, which gazette does not compute
 * (Ruby would, slowly). */
#define LIQ_NUM_MAX_DIGITS 20000
const char *liq_num_from_value(gz_arena *a, gz_value v, liq_num *out);
liq_num liq_num_from_int(gz_arena *a, int64_t i);

/* What Liquid returns: an Integer as an int (as its decimal text when it
 * does not fit 64 bits: gazette has no bignums), a BigDecimal as a float
 * (BigDecimal#to_f). */
gz_value liq_num_to_value(gz_arena *a, const liq_num *x);

/* x <=> y; false when either is NaN (Ruby answers nil). */
bool liq_num_compare(const liq_num *x, const liq_num *y, int *cmp);

/* Ruby's +, -, *, / and % of Integer and BigDecimal (an Integer meeting a
 * BigDecimal becomes one). div and mod return false for "divided by 0"
 * (Integer division by zero, BigDecimal modulo by zero). */
liq_num liq_num_add(gz_arena *a, const liq_num *x, const liq_num *y);
liq_num liq_num_sub(gz_arena *a, const liq_num *x, const liq_num *y);
liq_num liq_num_mul(gz_arena *a, const liq_num *x, const liq_num *y);
bool liq_num_div(gz_arena *a, const liq_num *x, const liq_num *y, liq_num *out);
bool liq_num_mod(gz_arena *a, const liq_num *x, const liq_num *y, liq_num *out);

liq_num liq_num_abs(const liq_num *x);

typedef enum liq_round_mode {
    LIQ_ROUND_HALF_UP, /* half away from zero: Integer#round, BigDecimal#round */
    LIQ_ROUND_FLOOR,
    LIQ_ROUND_CEIL,
    LIQ_ROUND_DOWN, /* toward zero: to_i */
} liq_round_mode;

/* Rounds to `digits` decimal places (negative: to tens, hundreds...). An
 * Integer stays an Integer; a BigDecimal stays one unless `to_int`, which
 * makes it an Integer (BigDecimal#round / #floor / #ceil without digits).
 * Returns false when `to_int` meets NaN or Infinity (FloatDomainError). */
bool liq_num_round(gz_arena *a, const liq_num *x, int64_t digits, liq_round_mode mode,
                   bool to_int, liq_num *out);

/* Integer conversion of a round's digits argument (Ruby's NUM2INT of an
 * Integer or BigDecimal: truncation; gazette clamps to int's range where
 * Ruby raises). */
int64_t liq_num_to_int_clamped(gz_arena *a, const liq_num *x);

#endif
