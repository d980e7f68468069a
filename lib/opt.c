/*
 * opt.c - common options; see opt.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "opt.h"
#include "out.h"
#include "util.h"

void
opts_init(struct opts *o, const char *prog, const char *usage)
{
	memset(o, 0, sizeof *o);
	o->prog = prog;
	o->usage = usage;
	o->fmt = OUT_CSV;
	o->wait_ms = -1;
	date_today(o->date);
	o->day = date_days(o->date);
}

void
usage_exit(const struct opts *o)
{
	fprintf(stderr, "%s", o->usage);
	exit(2);
}

int
opt_common(struct opts *o, int c, const char *arg)
{
	char *end;
	long v;

	switch (c) {
	case 'd':
		o->dir = arg;
		return 1;
	case 'o':
		if ((o->fmt = out_fmt_parse(arg)) < 0) {
			fprintf(stderr, "%s: output format '%s': not csv, "
			    "table or json\n", o->prog, arg);
			exit(2);
		}
		return 1;
	case OPT_DATE:
		if (date_days(arg) < 0) {
			fprintf(stderr, "%s: date '%s': not a date "
			    "YYYY-MM-DD\n", o->prog, arg);
			exit(2);
		}
		snprintf(o->date, sizeof o->date, "%s", arg);
		o->day = date_days(arg);
		return 1;
	case OPT_REJECT:
		o->reject = arg;
		return 1;
	case OPT_WAIT:
		/* Whole seconds, as $CS_LOCK_TIMEOUT; no sign, no blanks. */
		v = arg[0] >= '0' && arg[0] <= '9' ? strtol(arg, &end, 10) : -1;
		if (v < 0 || *end != '\0' || v > 86400) {
			fprintf(stderr, "%s: wait '%s': not whole seconds "
			    "from 0 to 86400\n", o->prog, arg);
			exit(2);
		}
		o->wait_ms = (int)v * 1000;
		return 1;
	case 'h':
		printf("%s", o->usage);
		exit(0);
	case OPT_VERSION:
		printf("%s %s\n", o->prog, CS_VERSION);
		exit(0);
	}
	return 0;
}

void
opts_finish(struct opts *o)
{
	if (o->dir == NULL)
		o->dir = getenv("CS_DIR");
	if (o->dir == NULL || *o->dir == '\0')
		o->dir = "cs-data";
	if (o->wait_ms < 0)
		o->wait_ms = journal_timeout_ms();
}
