/* gazette build: Jekyll's `jekyll build` options, plus --jobs,
 * --manifest and the incremental cache's --cache and --full. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/build.h"
#include "cli/commands.h"

static void
usage(FILE *f)
{
    fprintf(f,
            "usage: gazette build [options]\n"
            "\n"
            "Builds a Jekyll site into DEST exactly as Jekyll 4.3 would.\n"
            "\n"
            "  -s, --source DIR         the site's source (default: .)\n"
            "  -d, --destination DIR    where the site goes (default: ./_site)\n"
            "      --config A[,B...]    configuration files instead of _config.yml\n"
            "      --future             publish posts dated in the future\n"
            "  -D, --drafts             render posts in _drafts\n"
            "      --unpublished        render posts marked published: false\n"
            "      --limit-posts N      only the N newest posts\n"
            "  -j, --jobs N             render with N threads (default: cores)\n"
            "      --manifest FILE      list written (+) and removed (-) paths\n"
            "      --cache DIR          the incremental build cache (default: SOURCE/.gazette-cache)\n"
            "      --full               render everything, whatever the cache says\n"
            "  -q, --quiet              no summary line\n"
            "  -V, --verbose            name every written and removed file\n"
            "  -h, --help               this text\n");
}

static const char *
value(int argc, char **argv, int *i, const char *opt)
{
    const char *a = argv[*i];
    size_t n = strlen(opt);
    if (!strncmp(a, opt, n) && a[n] == '=')
        return a + n + 1;
    if (*i + 1 >= argc) {
        fprintf(stderr, "gazette build: %s needs a value\n", opt);
        return NULL;
    }
    return argv[++*i];
}

static bool
is(const char *a, const char *s, const char *l)
{
    size_t n = l ? strlen(l) : 0;
    return (s && !strcmp(a, s)) || (l && (!strcmp(a, l) || (!strncmp(a, l, n) && a[n] == '=')));
}

int
cli_build(int argc, char **argv)
{
    build_options o = { .site = { SITE_OPTIONS_FROM_CONFIG },
                        .progress = true };
    char *configs_copy = NULL;
    const char *cfgs[32];
    size_t ncfgs = 0;
    int status = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (is(a, "-h", "--help")) {
            usage(stdout);
            status = 0;
            goto out;
        } else if (is(a, "-s", "--source")) {
            if (!(v = value(argc, argv, &i, "--source")))
                goto out;
            o.site.source = v;
        } else if (is(a, "-d", "--destination")) {
            if (!(v = value(argc, argv, &i, "--destination")))
                goto out;
            o.site.dest = v;
        } else if (is(a, NULL, "--config")) {
            if (!(v = value(argc, argv, &i, "--config")))
                goto out;
            free(configs_copy);
            configs_copy = strdup(v);
            ncfgs = 0;
            for (char *tok = strtok(configs_copy, ","); tok && ncfgs < 32; tok = strtok(NULL, ",")) {
                while (*tok == ' ')
                    tok++;
                cfgs[ncfgs++] = tok;
            }
            o.site.configs = cfgs;
            o.site.nconfigs = ncfgs;
        } else if (is(a, NULL, "--future")) {
            o.site.future = 1;
        } else if (is(a, "-D", "--drafts")) {
            o.site.drafts = 1;
        } else if (is(a, NULL, "--unpublished")) {
            o.site.unpublished = 1;
        } else if (is(a, NULL, "--limit-posts") || is(a, NULL, "--limit_posts")) {
            if (!(v = value(argc, argv, &i, strstr(a, "_") ? "--limit_posts" : "--limit-posts")))
                goto out;
            char *end;
            long n = strtol(v, &end, 10);
            if (*end || n < 0) {
                fprintf(stderr, "gazette build: --limit-posts wants a number >= 0\n");
                goto out;
            }
            o.site.limit_posts = n;
        } else if (is(a, "-j", "--jobs")) {
            if (!(v = value(argc, argv, &i, "--jobs")))
                goto out;
            o.jobs = atoi(v);
        } else if (is(a, NULL, "--manifest")) {
            if (!(v = value(argc, argv, &i, "--manifest")))
                goto out;
            o.manifest = v;
        } else if (is(a, NULL, "--cache")) {
            if (!(v = value(argc, argv, &i, "--cache")))
                goto out;
            o.cache_dir = v;
        } else if (is(a, NULL, "--full")) {
            o.full = true;
        } else if (is(a, "-q", "--quiet")) {
            o.quiet = true;
        } else if (is(a, "-V", "--verbose")) {
            o.verbose = true;
        } else {
            fprintf(stderr, "gazette build: unknown option '%s'\n\n", a);
            usage(stderr);
            goto out;
        }
    }
    status = build_run(&o, stderr, NULL);
out:
    free(configs_copy);
    return status;
}
