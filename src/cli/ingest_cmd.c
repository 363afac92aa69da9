/* gazette ingest: collect news sources into the archive's _posts/. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build/build.h"
#include "cli/commands.h"
#include "ingest/ingest.h"

static volatile sig_atomic_t stop_requested;

static void
on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void
usage(FILE *f)
{
    fprintf(f,
            "usage: gazette ingest [--site DIR] [--config FILE] [--once | --every DURATION]\n"
            "                      [--build] [--quiet]\n"
            "\n"
            "  --site DIR        the site (default: .)\n"
            "  --config FILE     sources (default: DIR/sources.yml)\n"
            "  --once            one pass over every source, then exit (default)\n"
            "  --every DURATION  a pass every DURATION (30s, 5m, 1h) until SIGINT/SIGTERM\n"
            "  --build           build the site after a pass that wrote posts\n"
            "  --quiet           no per-item warnings, only failures and the summary\n"
            "\n"
            "exit status: 0 all sources ingested, 2 some sources failed, 1 nothing could run\n");
}

/* Sleeps up to ms, waking early when a stop is requested. */
static void
idle(long long ms)
{
    while (ms > 0 && !stop_requested) {
        long long step = ms < 200 ? ms : 200;
        struct timespec ts = { (time_t)(step / 1000), (long)(step % 1000) * 1000000L };
        nanosleep(&ts, NULL);
        ms -= step;
    }
}

/* The build `gazette build` would run in the site's folder (the caller
 * has made it the working directory, where Jekyll puts _site too). */
static int
build_site(void)
{
    build_options o = {
        .site = { SITE_OPTIONS_FROM_CONFIG, .source = "." },
    };
    return build_run(&o, stderr, NULL);
}

int
cli_ingest(int argc, char **argv)
{
    const char *site = ".", *config = NULL;
    long long every = 0;
    bool build_after = false;
    ingest_options opt = { .stop = &stop_requested };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--site") && has_value) {
            site = argv[++i];
        } else if (!strcmp(a, "--config") && has_value) {
            config = argv[++i];
        } else if (!strcmp(a, "--once")) {
            every = 0;
        } else if (!strcmp(a, "--every") && has_value) {
            every = ingest_parse_duration(argv[++i]);
            if (every <= 0) {
                fprintf(stderr, "gazette ingest: --every '%s' is not a duration like 30s, 5m or 1h\n",
                        argv[i]);
                return 1;
            }
        } else if (!strcmp(a, "--build")) {
            build_after = true;
        } else if (!strcmp(a, "--quiet")) {
            opt.quiet = true;
        } else {
            fprintf(stderr, "gazette ingest: unknown or incomplete option '%s'\n\n", a);
            usage(stderr);
            return 1;
        }
    }

    /* --build works in the site's folder, as `cd SITE && gazette build`. */
    char *config_abs = NULL;
    if (build_after) {
        if (config && !(config_abs = realpath(config, NULL))) {
            fprintf(stderr, "gazette ingest: %s: %s\n", config, strerror(errno));
            return 1;
        }
        if (chdir(site) != 0) {
            fprintf(stderr, "gazette ingest: %s: %s\n", site, strerror(errno));
            free(config_abs);
            return 1;
        }
        site = ".";
        config = config_abs;
    }

    gz_diags diags = { 0 };
    ingest_config *cfg = ingest_config_load(site, config, &diags);
    free(config_abs);
    for (size_t i = 0; i < diags.len; i++)
        gz_diag_print(stderr, &diags.items[i], (gz_str){ NULL, 0 });
    gz_diags_free(&diags);
    if (!cfg)
        return 1;

    /* No SA_RESTART: a signal ends a wait at once. */
    struct sigaction sa = { 0 };
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    int status = 0;
    for (;;) {
        ingest_summary sum;
        bool ran = ingest_run_pass(cfg, &opt, &sum, &diags);
        for (size_t i = 0; i < diags.len; i++)
            gz_diag_print(stderr, &diags.items[i], (gz_str){ NULL, 0 });
        gz_diags_free(&diags);
        if (!ran) {
            status = 1;
            break;
        }
        ingest_summary_print(stderr, &sum);
        status = sum.sources_failed ? 2 : 0;
        if (build_after && sum.added + sum.updated > 0 && build_site() != 0)
            status = 1;
        if (!every)
            break;
        idle(every);
        if (stop_requested) {
            status = 0; /* a polling collector asked to stop has stopped cleanly */
            break;
        }
    }
    ingest_config_free(cfg);
    return status;
}
