/*
 * replay.c - runs a harness over files instead of under libFuzzer: each
 * argument is a file or a directory of files (seeds, minimized crashes),
 * replayed in name order.  Built in every configuration so that every
 * fuzz input is an ordinary test; fails when it finds no input at all.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "util.h"

static int
replay_file(const char *path)
{
	struct dp_buf b = {0};
	char chunk[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f) {
		fprintf(stderr, "replay: cannot open '%s': %s\n", path,
			strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (dp_buf_append(&b, chunk, n) < 0)
			abort();
	fclose(f);
	/* The harness gets exactly the bytes, in a buffer of their size,
	 * so that ASan sees any read past the end. */
	{
		uint8_t *exact = malloc(b.len ? b.len : 1);

		if (!exact)
			abort();
		if (b.len)
			memcpy(exact, b.data, b.len);
		LLVMFuzzerTestOneInput(exact, b.len);
		free(exact);
	}
	dp_buf_free(&b);
	return 0;
}

static int
not_hidden(const struct dirent *entry)
{
	return entry->d_name[0] != '.';
}

int
main(int argc, char **argv)
{
	size_t replayed = 0;
	int failed = 0;

	for (int i = 1; i < argc; i++) {
		struct dirent **entries = NULL;
		struct stat st;
		int n;

		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: '%s': %s\n", argv[i],
				strerror(errno));
			return EXIT_FAILURE;
		}
		if (!S_ISDIR(st.st_mode)) {
			failed |= replay_file(argv[i]) < 0;
			replayed++;
			continue;
		}
		n = scandir(argv[i], &entries, not_hidden, alphasort);
		if (n < 0) {
			fprintf(stderr, "replay: '%s': %s\n", argv[i],
				strerror(errno));
			return EXIT_FAILURE;
		}
		for (int k = 0; k < n; k++) {
			char *path = dp_asprintf("%s/%s", argv[i],
						 entries[k]->d_name);

			if (!path)
				abort();
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
				failed |= replay_file(path) < 0;
				replayed++;
			}
			free(path);
			free(entries[k]);
		}
		free(entries);
	}
	printf("%zu inputs replayed\n", replayed);
	return failed || replayed == 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
