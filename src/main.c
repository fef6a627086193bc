/*
 * main.c - the executable: hands argv and the standard streams to
 * dp_app_run() and returns its exit status.  Nothing else lives here.
 */
#include "config.h"

#include <stdio.h>

#include "app.h"

int
main(int argc, char **argv)
{
	return dp_app_run(argc, argv, stdout, stderr);
}
