/* Each subcommand: argv[0] is the command's name. Returns the exit status. */
#ifndef CLI_COMMANDS_H
#define CLI_COMMANDS_H

int cli_liquid(int argc, char **argv);
int cli_build(int argc, char **argv);
int cli_ingest(int argc, char **argv);

#endif
