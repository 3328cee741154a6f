/* cli.h — the command-line client of opsdesk: `opsdesk login`, `ci …`,
 * `user …`, `incident …`, `grade`, `policy table`, `event …`, `whoami`,
 * `logout`.  It talks to a server over the HTTP API (libcurl + jansson) and
 * decides no rule: every answer comes from the server.  main.c routes a
 * command here when od_cli_handles() says so.  Not thread-safe: call from
 * the main thread only, once per process (it initialises libcurl). */
#ifndef OD_CLI_H
#define OD_CLI_H

#include <stdbool.h>
#include <stdio.h>

/* Exit codes of od_cli_run. */
enum {
    OD_CLI_EXIT_OK = 0,      /* done */
    OD_CLI_EXIT_REFUSED = 1, /* the server refused (its message was printed) or a local failure */
    OD_CLI_EXIT_USAGE = 2,   /* bad command line */
    OD_CLI_EXIT_CONNECT = 3, /* cannot reach the server */
};

/* Runs a client command; argv[0] is the command word ("login", "ci",
 * "user", "incident", "grade", "policy", "event", "whoami", "logout").
 * Global options (--server URL, --token TOKEN, --json) may stand anywhere
 * after it.  Prints to stdout/stderr.  Returns the process exit code: 0 ok,
 * 1 the server refused (prints the server's error message), 2 usage error,
 * 3 cannot connect. */
int od_cli_run(int argc, char **argv);

/* True if argv[0] is a client command handled by od_cli_run ("policy
 * check" is not; "policy table" is).  Leading global options are skipped. */
bool od_cli_handles(int argc, char **argv);

/* Prints the client part of `opsdesk --help` to out. */
void od_cli_usage(FILE *out);

#endif
