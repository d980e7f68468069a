/*
 * scratch.c - the scratch directory and file helpers of the fuzz targets;
 * see fuzz.h.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "util.h"

static char *scratch;

static void
die(const char *what, const char *path)
{
	fprintf(stderr, "fuzz: %s '%s': %s\n", what, path, strerror(errno));
	exit(2);
}

/* Remove the scratch directory and the plain files in it. */
static void
scratch_remove(void)
{
	struct dirent *de;
	DIR *d;
	char *p;

	if (scratch == NULL || (d = opendir(scratch)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		p = fuzz_path(scratch, de->d_name);
		unlink(p);
		free(p);
	}
	closedir(d);
	rmdir(scratch);
	free(scratch);
	scratch = NULL;
}

const char *
fuzz_dir(void)
{
	const char *tmp = getenv("TMPDIR");
	struct buf b = { 0 };

	if (scratch != NULL)
		return scratch;
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	buf_printf(&b, "%s/cs-fuzz.XXXXXX", tmp);
	if (mkdtemp(b.s) == NULL)
		die("cannot make", b.s);
	scratch = b.s;
	atexit(scratch_remove);
	return scratch;
}

char *
fuzz_path(const char *dir, const char *name)
{
	struct buf b = { 0 };

	buf_printf(&b, "%s/%s", dir, name);
	return b.s;
}

void
fuzz_write(const char *path, const void *p, size_t n)
{
	const char *s = p;
	ssize_t w;
	int fd;

	/*
	 * A new file, not the old one cut to nothing: ext4 writes a file's
	 * data out when it is truncated (auto_da_alloc), which would make
	 * each run wait for the disk.
	 */
	if ((unlink(path) < 0 && errno != ENOENT) ||
	    (fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0)
		die("cannot write", path);
	while (n > 0) {
		if ((w = write(fd, s, n)) < 0) {
			if (errno == EINTR)
				continue;
			die("cannot write", path);
		}
		s += w;
		n -= (size_t)w;
	}
	if (close(fd) < 0)
		die("cannot write", path);
}

char *
fuzz_read(const char *path, size_t *n)
{
	struct buf b = { 0 };
	char chunk[65536];
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY)) < 0)
		die("cannot read", path);
	while ((r = read(fd, chunk, sizeof chunk)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			die("cannot read", path);
		}
		buf_add(&b, chunk, (size_t)r);
	}
	close(fd);
	if (b.s == NULL)
		buf_add(&b, "", 0);
	*n = b.len;
	return b.s;
}

void
fuzz_fail(const char *file, int line, const char *cond, const char *fmt,
    ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: check failed: %s: ", file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
