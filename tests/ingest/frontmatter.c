/* Reads the front matter of posts with libyaml itself (not gazette's YAML
 * reader) and prints one JSON object per post: the file and the scalar
 * text of title, date, categories and tags (a list as a JSON array), with
 * "ok": false when the front matter is not one valid YAML mapping. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <yaml.h>

static json_t *
node_json(yaml_document_t *doc, yaml_node_t *n)
{
    if (n->type == YAML_SCALAR_NODE)
        return json_stringn((const char *)n->data.scalar.value, n->data.scalar.length);
    if (n->type == YAML_SEQUENCE_NODE) {
        json_t *arr = json_array();
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
            json_array_append_new(arr, node_json(doc, yaml_document_get_node(doc, *it)));
        return arr;
    }
    return json_null();
}

static json_t *
front_matter(const char *path)
{
    json_t *out = json_object();
    json_object_set_new(out, "file", json_string(path));
    json_object_set_new(out, "ok", json_false());
    FILE *f = fopen(path, "rb");
    if (!f)
        return out;
    static char text[1 << 20];
    size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[len] = '\0';
    if (strncmp(text, "---\n", 4))
        return out;
    char *end = strstr(text + 4, "\n---\n");
    if (!end)
        return out;
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text + 4, (size_t)(end + 1 - text - 4));
    if (yaml_parser_load(&parser, &doc)) {
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        if (root && root->type == YAML_MAPPING_NODE) {
            json_object_set_new(out, "ok", json_true());
            for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
                yaml_node_t *k = yaml_document_get_node(&doc, p->key);
                if (k->type == YAML_SCALAR_NODE)
                    json_object_set_new(out, (const char *)k->data.scalar.value,
                                        node_json(&doc, yaml_document_get_node(&doc, p->value)));
            }
        }
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    return out;
}

int
main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        json_t *j = front_matter(argv[i]);
        char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
        puts(s);
        free(s);
        json_decref(j);
    }
    return 0;
}
