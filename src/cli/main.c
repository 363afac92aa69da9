/* gazette: one binary, one subcommand per job. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    { "liquid", cli_liquid, "render a Liquid template with JSON data" },
    { "build", cli_build, "build a Jekyll site into _site, as Jekyll 4.3 would" },
    { "ingest", cli_ingest, "collect news feeds and JSON APIs into _posts" },
};

static void
usage(FILE *f)
{
    fprintf(f, "usage: gazette COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'gazette COMMAND --help' shows a command's options.\n");
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 1;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("gazette %s\n", GAZETTE_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "gazette: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 1;
}
