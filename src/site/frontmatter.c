/* The one place the site part calls the YAML reader and the front
 * matter splitter of core. */
#include <string.h>

#include "core/frontmatter.h"
#include "core/yaml.h"
#include "site/internal.h"

gz_fm_status
site_front_split(gz_str file, gz_str *yaml, size_t *body_off, int *body_line)
{
    gz_str body;
    gz_fm_status status = gz_front_matter_split(file, yaml, &body, body_line);
    if (status == GZ_FM_FOUND)
        *body_off = (size_t)(body.p - file.p);
    return status;
}

bool
site_yaml(gz_arena *a, gz_str text, const char *file, const gz_tz *local, gz_value *out,
          gz_diags *d)
{
    size_t before = d->errors;
    if (!gz_yaml_parse(a, text, file, 0, local, out, d) || d->errors > before) {
        *out = gz_nil();
        return false;
    }
    return true;
}
