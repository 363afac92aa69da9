/* Math filters of Liquid 5.4. Every operand goes through Utils.to_number,
 * so floats compute as BigDecimals and integers as exact Integers; the
 * arithmetic itself is in decimal.c. A BigDecimal result comes back as a
 * float, an Integer as an int. */
#include "liquid/decimal.h"
#include "liquid/filters_internal.h"

static bool
to_number(liq_ctx *ctx, gz_value v, liq_num *out)
{
    const char *err = liq_num_from_value(liq_ctx_arena(ctx), v, out);
    return err ? liq_filter_error(ctx, "%s", err) : true;
}

static bool
result(liq_ctx *ctx, const liq_num *x, gz_value *out)
{
    *out = liq_num_to_value(liq_ctx_arena(ctx), x);
    return true;
}

typedef enum { OP_PLUS, OP_MINUS, OP_TIMES, OP_DIVIDED_BY, OP_MODULO } math_op;

/* Liquid's apply_operation: to_number(input).send(op, to_number(operand)). */
static bool
apply_operation(liq_ctx *ctx, gz_value input, gz_value operand, math_op op, gz_value *out)
{
    gz_arena *a = liq_ctx_arena(ctx);
    liq_num x, y, r;
    if (!to_number(ctx, input, &x) || !to_number(ctx, operand, &y))
        return false;
    switch (op) {
    case OP_PLUS: r = liq_num_add(a, &x, &y); break;
    case OP_MINUS: r = liq_num_sub(a, &x, &y); break;
    case OP_TIMES: r = liq_num_mul(a, &x, &y); break;
    case OP_DIVIDED_BY:
        if (!liq_num_div(a, &x, &y, &r))
            return liq_filter_error(ctx, "divided by 0");
        break;
    case OP_MODULO:
        if (!liq_num_mod(a, &x, &y, &r))
            return liq_filter_error(ctx, "divided by 0");
        break;
    }
    return result(ctx, &r, out);
}

LIQ_FILTER(plus)
{
    (void)nargs, (void)kwargs;
    return apply_operation(ctx, input, args[0], OP_PLUS, out);
}

LIQ_FILTER(minus)
{
    (void)nargs, (void)kwargs;
    return apply_operation(ctx, input, args[0], OP_MINUS, out);
}

LIQ_FILTER(times)
{
    (void)nargs, (void)kwargs;
    return apply_operation(ctx, input, args[0], OP_TIMES, out);
}

LIQ_FILTER(divided_by)
{
    (void)nargs, (void)kwargs;
    return apply_operation(ctx, input, args[0], OP_DIVIDED_BY, out);
}

LIQ_FILTER(modulo)
{
    (void)nargs, (void)kwargs;
    return apply_operation(ctx, input, args[0], OP_MODULO, out);
}

LIQ_FILTER(abs)
{
    (void)args, (void)nargs, (void)kwargs;
    liq_num x;
    if (!to_number(ctx, input, &x))
        return false;
    x = liq_num_abs(&x);
    return result(ctx, &x, out);
}

/* FloatDomainError from BigDecimal#to_i, as Liquid re-raises it. */
static bool
domain_error(liq_ctx *ctx, const liq_num *x)
{
    if (x->kind == LIQ_NUM_NAN)
        return liq_filter_error(ctx, "Computation results in 'NaN' (Not a Number)");
    return liq_filter_error(ctx, "Computation results in '%sInfinity'", x->neg ? "-" : "");
}

/* round(n): Integer#round / BigDecimal#round(n) with n truncated to an
 * integer; BigDecimal#round returns an Integer when n < 1. */
LIQ_FILTER(round)
{
    gz_arena *a = liq_ctx_arena(ctx);
    liq_num x, n, r;
    if (!to_number(ctx, input, &x) ||
        !to_number(ctx, liq_f_arg(ctx, args, nargs, kwargs, 0, gz_int(0)), &n))
        return false;
    int64_t digits = liq_num_to_int_clamped(a, &n);
    if (!liq_num_round(a, &x, digits, LIQ_ROUND_HALF_UP, digits < 1, &r))
        return domain_error(ctx, &x);
    return result(ctx, &r, out);
}

static bool
round_to_integer(liq_ctx *ctx, gz_value input, liq_round_mode mode, gz_value *out)
{
    liq_num x, r;
    if (!to_number(ctx, input, &x))
        return false;
    if (!liq_num_round(liq_ctx_arena(ctx), &x, 0, mode, true, &r))
        return domain_error(ctx, &x);
    return result(ctx, &r, out);
}

LIQ_FILTER(ceil)
{
    (void)args, (void)nargs, (void)kwargs;
    return round_to_integer(ctx, input, LIQ_ROUND_CEIL, out);
}

LIQ_FILTER(floor)
{
    (void)args, (void)nargs, (void)kwargs;
    return round_to_integer(ctx, input, LIQ_ROUND_FLOOR, out);
}

/* at_least / at_most: the bound replaces the input when it is greater
 * (smaller); NaN compares as neither. */
static bool
bound(liq_ctx *ctx, gz_value input, gz_value limit, int sign, gz_value *out)
{
    liq_num x, b;
    if (!to_number(ctx, limit, &b) || !to_number(ctx, input, &x))
        return false;
    int cmp;
    if (liq_num_compare(&b, &x, &cmp) && cmp * sign > 0)
        x = b;
    return result(ctx, &x, out);
}

LIQ_FILTER(at_least)
{
    (void)nargs, (void)kwargs;
    return bound(ctx, input, args[0], 1, out);
}

LIQ_FILTER(at_most)
{
    (void)nargs, (void)kwargs;
    return bound(ctx, input, args[0], -1, out);
}
