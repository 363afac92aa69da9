/* PLACEHOLDER being replaced by the time module. */
#include "core/time.h"
void
gz_time_to_s(gz_buf *out, const gz_time *t)
{
    gz_buf_printf(out, "%lld", (long long)t->sec);
}
