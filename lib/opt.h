/*
 * opt.h - the options every tool shares, parsed in one place so they
 * behave identically: -d DIR, --date YYYY-MM-DD, -o FORMAT, --reject FILE,
 * --wait SECONDS, -h, --version.
 */
#ifndef CS_OPT_H
#define CS_OPT_H

#include <getopt.h>

enum {
	OPT_DATE = 0x100, OPT_REJECT, OPT_VERSION, OPT_WAIT,
	OPT_TOOL		/* tools: >= OPT_TOOL */
};

#define COMMON_SHORT "d:ho:"
#define COMMON_LONG \
	{ "date", required_argument, NULL, OPT_DATE }, \
	{ "reject", required_argument, NULL, OPT_REJECT }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, OPT_VERSION }, \
	{ "wait", required_argument, NULL, OPT_WAIT }

struct opts {
	const char *prog;
	const char *dir;	/* data directory */
	char date[11];		/* document and posting date */
	long day;
	int fmt;		/* enum out_fmt */
	const char *reject;	/* rejected rows go here, NULL: nowhere */
	const char *usage;	/* the synopsis, printed by -h and on errors */
	int full_replay;	/* ignore the state cache (cs-stock --check) */
	int no_replay;		/* the tool replays the journal itself */
	int scan_ok;		/* without a usable cache the tool scans
				 * the journal itself: no replay then */
	int wait_ms;		/* bound on the lock wait; -1 until resolved */
};

void opts_init(struct opts *o, const char *prog, const char *usage);

/*
 * Handle a common option c with argument arg.  Returns 1 when handled, 0
 * when c is not a common option, or exits: -h and --version with 0, a bad
 * value with 2 after a message.
 */
int opt_common(struct opts *o, int c, const char *arg);

/* Resolve the data directory: -d, else $CS_DIR, else ./cs-data; and the
 * lock wait: --wait, else $CS_LOCK_TIMEOUT, else 30 s. */
void opts_finish(struct opts *o);

/* Print the usage to stderr and exit 2. */
void usage_exit(const struct opts *o) __attribute__((noreturn));

#endif
