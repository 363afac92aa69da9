/* The value model: ordered hashes, arrays, Ruby equality and inspect. */
#include "core/value.h"
#include "test.h"

int
main(void)
{
    gz_arena *a = gz_arena_new();

    /* Hashes keep insertion order, and re-setting a key keeps its place. */
    gz_hash *h = gz_hash_new(a, 0);
    char keys[100][8];
    for (int i = 0; i < 100; i++) {
        snprintf(keys[i], sizeof keys[i], "k%d", i);
        gz_hash_set(a, h, gz_str_c(keys[i]), gz_int(i));
    }
    gz_hash_set(a, h, GZ_STR("k3"), gz_int(-3));
    CHECK(h->len == 100);
    CHECK(gz_str_eq_c(h->entries[3].key, "k3") && h->entries[3].value.u.i == -3);
    CHECK(gz_str_eq_c(h->entries[99].key, "k99"));
    for (int i = 0; i < 100; i++) {
        gz_value *v = gz_hash_get(h, gz_str_c(keys[i]));
        CHECK(v && v->u.i == (i == 3 ? -3 : i));
    }
    CHECK(gz_hash_get(h, GZ_STR("missing")) == NULL);
    CHECK(gz_hash_delete(h, GZ_STR("k50")));
    CHECK(gz_hash_get(h, GZ_STR("k50")) == NULL);
    CHECK(gz_hash_get(h, GZ_STR("k51"))->u.i == 51);
    CHECK(h->len == 99);

    /* Ruby ==: 1 == 1.0; arrays by content. */
    CHECK(gz_value_equal(gz_int(1), gz_float(1.0)));
    CHECK(!gz_value_equal(gz_int(1), gz_string("1", 1)));
    gz_array *x = gz_array_new(a, 0), *y = gz_array_new(a, 0);
    gz_array_push(a, x, gz_int(1));
    gz_array_push(a, y, gz_float(1.0));
    CHECK(gz_value_equal(gz_array_value(x), gz_array_value(y)));

    /* Ruby's inspect, as `ruby -e 'p({"a"=>[1, nil, true, "q\"#{1}"], "b"=>1.5})'` prints it. */
    gz_hash *small = gz_hash_new(a, 0);
    gz_array *arr = gz_array_new(a, 0);
    gz_array_push(a, arr, gz_int(1));
    gz_array_push(a, arr, gz_nil());
    gz_array_push(a, arr, gz_bool(true));
    gz_array_push(a, arr, gz_string("q\"#{1}", 6));
    gz_hash_set(a, small, GZ_STR("a"), gz_array_value(arr));
    gz_hash_set(a, small, GZ_STR("b"), gz_float(1.5));
    gz_buf b = GZ_BUF_INIT;
    gz_value_inspect(&b, gz_hash_value(small), NULL);
    CHECK_STR(b.data, "{\"a\"=>[1, nil, true, \"q\\\"\\#{1}\"], \"b\"=>1.5}");

    /* ruby -e 'p "\x01\x7f\e"; p "a\xffb"; p "中"' */
    gz_buf_clear(&b);
    gz_value_inspect(&b, gz_string("\x01\x7f\x1b", 3), NULL);
    CHECK_STR(b.data, "\"\\u0001\\u007F\\e\"");
    gz_buf_clear(&b);
    gz_value_inspect(&b, gz_string("a\xff" "b", 3), NULL);
    CHECK_STR(b.data, "\"a\\xFFb\"");
    gz_buf_clear(&b);
    gz_value_inspect(&b, gz_string("\xe4\xb8\xad", 3), NULL);
    CHECK_STR(b.data, "\"\xe4\xb8\xad\"");
    gz_buf_free(&b);

    gz_arena_free(a);
    return test_report("core-value");
}
