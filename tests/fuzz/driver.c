/*
 * driver.c - a main() for the fuzz targets without libFuzzer: run each
 * file named on the command line (each plain file in a named directory,
 * dot files left out) through LLVMFuzzerTestOneInput once.
 *
 * So any compiler builds a target to replay a corpus, and the sanitizers
 * judge each input: a crash, a failed check or a leak ends the process
 * with the sanitizer's report, the file's name printed just before.
 * Exit 0 when every input ran, 2 when one could not be read.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "util.h"

static int ran;

/* Run one file; fuzz_read dies when it cannot be read. */
static void
run_file(const char *path)
{
	uint8_t *copy;
	size_t n;
	char *data;

	fprintf(stderr, "running %s\n", path);
	data = fuzz_read(path, &n);
	/* An exact-size copy, so that ASan sees a read past the end. */
	copy = xmalloc(n ? n : 1);
	memcpy(copy, data, n);
	free(data);
	LLVMFuzzerTestOneInput(copy, n);
	free(copy);
	ran++;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The plain files of dir, in name order, so a run is reproducible. */
static int
run_dir(const char *dir)
{
	struct dirent *de;
	struct stat sb;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		perror(dir);
		return 2;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		grow(&names, &cap, n + 1, sizeof *names);
		names[n++] = fuzz_path(dir, de->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, by_name);
	for (i = 0; i < n; i++) {
		if (stat(names[i], &sb) == 0 && S_ISREG(sb.st_mode))
			run_file(names[i]);
		free(names[i]);
	}
	free(names);
	return 0;
}

int
main(int argc, char **argv)
{
	struct stat sb;
	int i, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s file|dir ...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &sb) < 0) {
			perror(argv[i]);
			rc = 2;
		} else if (S_ISDIR(sb.st_mode)) {
			if (run_dir(argv[i]) != 0)
				rc = 2;
		} else
			run_file(argv[i]);
	}
	fprintf(stderr, "%s: %d inputs ran\n", argv[0], ran);
	return rc;
}
