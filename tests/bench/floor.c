/*
 * floor - the floor of make bench: read(2) a file in 64 KiB blocks and
 * count its newlines a byte at a time, the least any line-by-line reader
 * of that file must do.  With -m, count with memchr(3) instead, as fast
 * as the C library scans.  Prints the count.
 *
 *	floor [-m] FILE
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	static char buf[65536];
	unsigned long long lines = 0;
	int fd, usememchr = argc > 2 && strcmp(argv[1], "-m") == 0;
	ssize_t n, i;

	if (argc != 2 + usememchr) {
		fprintf(stderr, "usage: floor [-m] file\n");
		return 2;
	}
	if ((fd = open(argv[1 + usememchr], O_RDONLY)) < 0) {
		perror(argv[1 + usememchr]);
		return 2;
	}
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		if (usememchr) {
			const char *p = buf, *e = buf + n;

			while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
				lines++;
				p++;
			}
		} else {
			for (i = 0; i < n; i++)
				lines += buf[i] == '\n';
		}
	}
	if (n < 0) {
		perror(argv[1 + usememchr]);
		return 2;
	}
	printf("%llu\n", lines);
	return 0;
}
