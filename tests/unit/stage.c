/*
 * tests/unit/stage.c - a stage widens the pipe it writes to, so that the
 * next stage reads larger batches; a file that is no pipe is left alone.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "stage.h"
#include "tap.h"

/* What an unprivileged process may make a pipe hold, 0 when unknown. */
static long
pipe_max(void)
{
	FILE *f = fopen("/proc/sys/fs/pipe-max-size", "r");
	long n = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%ld", &n) != 1)
		n = 0;
	fclose(f);
	return n;
}

int
main(void)
{
	int p[2], n, fd;
	char path[128];

	if (pipe(p) < 0) {
		printf("Bail out! pipe\n");
		return 1;
	}
	n = stage_widen_pipe(p[1]);
#ifdef F_SETPIPE_SZ
	if (pipe_max() >= STAGE_PIPE)
		ok(n >= STAGE_PIPE, "a pipe widened to hold %d bytes (%d)",
		    STAGE_PIPE, n);
	else
		ok(n > 0, "a pipe: as wide as the system allows (%d)", n);
	is_int(fcntl(p[0], F_GETPIPE_SZ), n, "the reading end sees it too");
#else
	ok(n == 0, "no pipe sizes on this system: left alone");
	ok(1, "(nothing to read back)");
#endif
	close(p[0]);
	close(p[1]);
	snprintf(path, sizeof path, "%s/cs-stage.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if ((fd = mkstemp(path)) < 0) {
		printf("Bail out! mkstemp\n");
		return 1;
	}
	is_int(stage_widen_pipe(fd), 0, "a regular file: no pipe, 0");
	close(fd);
	unlink(path);
	return tap_done();
}
