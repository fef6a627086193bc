/*
 * app.h - the whole dts-preflight command as one function, so that the
 * executable, the golden tests and the fuzzers run exactly the same code.
 */
#ifndef DP_APP_H
#define DP_APP_H

#include <stdio.h>

/*
 * Runs the command line argv (argv[0] is the program name) writing the
 * report to out and messages to err.  Returns the exit status (enum
 * dp_exit in cli.h).  Reads files and the current directory; never exits.
 */
int dp_app_run(int argc, char **argv, FILE *out, FILE *err);

#endif /* DP_APP_H */
