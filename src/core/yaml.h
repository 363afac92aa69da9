/* YAML to gz_value, as Jekyll 4.3 loads front matter, _config.yml and
 * _data files: Psych.safe_load(text, permitted_classes: [Date, Time],
 * aliases: true) with Psych 4 over libyaml, YAML 1.1 resolution included.
 *
 * What the value holds (everything in the arena `a`, strings copied):
 *  - plain scalars resolved as Psych's ScalarScanner does: ~ null Null
 *    NULL and empty are nil; yes/no/true/false/on/off in any ASCII case
 *    are booleans (y and n are strings); 0x 0b and leading-0 octal, "1,000",
 *    "1_000", "+12" are integers; "1.5", ".5", "1.5e+3" are floats ("1e3"
 *    and "1.5e3" are strings); "1:30" is 5400 (Psych weighs the first field
 *    by 3600); .inf .nan; "2022-02-28" is a date (gz_time, date_only, at
 *    midnight with offset 0); "2022-02-28 08:32:46 +0800" a time with that
 *    fixed offset (zone NULL), "...Z" a UTC time (zone "UTC"), and a time
 *    without offset the same instant read as UTC but shown in `local`
 *    (Ruby's process zone, which Jekyll sets from the site's `timezone`;
 *    NULL: UTC as a local zone). Integers beyond int64 are strings of
 *    their decimal digits (they print as Ruby prints the Bignum).
 *  - quoted and block scalars are strings; tags as Psych reads them:
 *    !!str, !!float (Float() of the resolved value), !!binary (base64);
 *    !!int, !!bool, !!null and unknown tags resolve the text as untagged.
 *  - anchors and aliases share one value (values are never mutated after
 *    loading, so sharing is safe); merge keys `<<` take a mapping, an alias
 *    of one, or a list of them, and override keys already present, as
 *    Psych's Hash#merge! does; anything else stays a "<<" entry.
 *  - hash keys are strings: a key that Psych would keep typed becomes its
 *    Ruby to_s ("1", "true", "" for nil, "2022-01-01", "[1, 2]"), so keys
 *    1 and "1" meet where Ruby would keep both, and two Times of one instant
 *    written differently stay apart where Ruby would merge them. A repeated
 *    key keeps its first position and takes the last value, as in Ruby.
 *  - only the first document is read; later ones are not even parsed, as
 *    Psych.safe_load stops at the end of the first. An empty stream is nil.
 *
 * Errors (returns false, *out = nil, one diagnostic in `diags`):
 *  - syntax errors carry Psych's message, "(<unknown>): did not find
 *    expected key while parsing a block mapping at line 2 column 1", the
 *    line counted from the text's first line plus `line_offset` (Jekyll
 *    hands Psych the front matter from its opening "---", so front matter
 *    from gz_front_matter_split wants line_offset 0). The diagnostic's own
 *    line and column point at the problem itself.
 *  - what Psych raises while building Ruby objects, with the message
 *    Jekyll shows: "Tried to load unspecified class: Symbol" (a plain
 *    ":foo", !ruby/... tags), "Unknown alias: x"; every ArgumentError
 *    (Integer("0x") from "0x_", Float("abc") from "!!float abc") reads
 *    "wrong number of arguments (given 2, expected 1)", because
 *    Utils.safe_load_yaml retries with the argument list of Psych < 3.1.
 *    A syntax error anywhere in the document wins over these, as in Psych.
 *  - limits Psych does not have: nesting deeper than GZ_YAML_MAX_DEPTH,
 *    aliases whose expansion would exceed GZ_YAML_MAX_ALIAS_NODES nodes
 *    (a "billion laughs" bomb), and an alias inside its own anchor (Ruby
 *    builds a recursive array, which nothing downstream could print).
 * Jekyll prefixes the message with "YAML Exception reading <path>: " for
 * syntax errors and "Error reading file <path>: " (pages) or "could not
 * read file <path>: " (documents) for the others; callers do the same. */
#ifndef GZ_YAML_H
#define GZ_YAML_H

#include "core/diag.h"
#include "core/time.h"
#include "core/value.h"

#define GZ_YAML_MAX_DEPTH 512
#define GZ_YAML_MAX_ALIAS_NODES 1000000

bool gz_yaml_parse(gz_arena *a, gz_str text, const char *file, int line_offset,
                   const gz_tz *local, gz_value *out, gz_diags *diags);

#endif
