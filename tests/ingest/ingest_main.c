/* The `gazette ingest` command alone, for the tests: the same cli_ingest
 * the gazette binary runs, without the rest of the command line. */
#include "cli/commands.h"

int
main(int argc, char **argv)
{
    return cli_ingest(argc, argv);
}
