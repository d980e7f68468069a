/*
 * fuzz.h - what the fuzz targets share: libFuzzer's entry point, a scratch
 * directory for the files a target hands to the library, and a check that
 * aborts, so that a broken property is a crash the fuzzer keeps.
 *
 * Each target (tests/fuzz/rec.c, journal.c, master.c) is linked either
 * with libFuzzer (clang -fsanitize=fuzzer) or with tests/fuzz/driver.c,
 * which runs the files named on its command line through the same
 * LLVMFuzzerTestOneInput, with any compiler.
 */
#ifndef CS_FUZZ_H
#define CS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The scratch directory of this process, made on first use under $TMPDIR
 * (or /tmp) and removed with everything in it at exit.  Dies when it cannot
 * be made: a target that cannot write its input tests nothing.
 */
const char *fuzz_dir(void);

/* dir/name as a new string, owned by the caller. */
char *fuzz_path(const char *dir, const char *name);

/* Write n bytes to path, replacing it; dies on failure. */
void fuzz_write(const char *path, const void *p, size_t n);

/* The whole of path into *n bytes (NUL-terminated, owned by the caller);
 * dies on failure. */
char *fuzz_read(const char *path, size_t *n);

/* A property the library promises does not hold: say which and abort. */
#define FUZZ_CHECK(cond, ...) do { \
	if (!(cond)) \
		fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__); \
} while (0)
void fuzz_fail(const char *file, int line, const char *cond,
    const char *fmt, ...) __attribute__((format(printf, 4, 5), noreturn));

#endif
