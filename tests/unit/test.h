/*
 * A tiny test harness: TEST(name) functions registered in main through
 * RUN(name), typed asserts that print both sides, TAP-style lines, and a
 * closing "N passed, N failed" line.
 */
#ifndef TEST_H
#define TEST_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int	test_failed_here;
static int	test_pass_count;
static int	test_fail_count;

#define TEST(name)	static void name(void)

#define RUN(name) do {							\
	test_failed_here = 0;						\
	name();								\
	if (test_failed_here) {						\
		test_fail_count++;					\
		printf("not ok - %s\n", #name);				\
	} else {							\
		test_pass_count++;					\
		printf("ok - %s\n", #name);				\
	}								\
} while (0)

#define TEST_FAIL(...) do {						\
	printf("#   %s:%d: ", __FILE__, __LINE__);			\
	printf(__VA_ARGS__);						\
	printf("\n");							\
	test_failed_here = 1;						\
} while (0)

#define ASSERT(c) do {							\
	if (!(c))							\
		TEST_FAIL("assertion failed: %s", #c);			\
} while (0)

#define ASSERT_INT(a, b) do {						\
	long long a_ = (long long)(a), b_ = (long long)(b);		\
	if (a_ != b_)							\
		TEST_FAIL("%s == %lld, expected %s == %lld",		\
		    #a, a_, #b, b_);					\
} while (0)

#define ASSERT_STR(a, b) do {						\
	const char *a_ = (a), *b_ = (b);				\
	if (a_ == NULL || b_ == NULL ? a_ != b_ : strcmp(a_, b_) != 0)	\
		TEST_FAIL("%s is \"%s\", expected \"%s\"", #a,		\
		    a_ ? a_ : "(null)", b_ ? b_ : "(null)");		\
} while (0)

static char	test_scratch[4096];

static int
test_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
test_rm_scratch(void)
{
	nftw(test_scratch, test_rm, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * The test's scratch folder, made under $TMPDIR (else /tmp) as
 * NAME.XXXXXX on the first call and removed, with all it holds, when the
 * test exits: test binaries leave nothing behind.
 */
static inline const char *
test_dir(const char *name)
{
	const char *t = getenv("TMPDIR");

	if (test_scratch[0] != '\0')
		return test_scratch;
	snprintf(test_scratch, sizeof(test_scratch), "%s/%s.XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp", name);
	if (mkdtemp(test_scratch) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	atexit(test_rm_scratch);
	return test_scratch;
}

#define TEST_DONE() (							\
	printf("%d passed, %d failed\n", test_pass_count,		\
	    test_fail_count),						\
	test_fail_count == 0 ? 0 : 1)

#endif
