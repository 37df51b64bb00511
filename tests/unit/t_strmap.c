/*
 * Tests for strmap.c: values set and read back across the table's growth,
 * a second set replacing the value, and absent keys (the empty string
 * among them) reported absent.
 */
#include <stdio.h>

#include "strmap.h"
#include "test.h"

TEST(set_get_across_growth)
{
	struct strmap *m = strmap_new();
	char key[32];
	size_t v, bad = 0;

	for (size_t i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "feed-%zu", i);
		strmap_set(m, key, i * 3);
	}
	for (size_t i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "feed-%zu", i);
		if (!strmap_get(m, key, &v) || v != i * 3)
			bad++;
	}
	ASSERT_INT(bad, 0);
	ASSERT_INT(strmap_get(m, "feed-5000", &v), 0);
	ASSERT_INT(strmap_get(m, "", &v), 0);
	strmap_free(m);
}

TEST(set_replaces)
{
	struct strmap *m = strmap_new();
	size_t v = 0;

	strmap_set(m, "a", 1);
	strmap_set(m, "a", 7);
	ASSERT_INT(strmap_get(m, "a", &v), 1);
	ASSERT_INT(v, 7);
	strmap_set(m, "", 2);
	ASSERT_INT(strmap_get(m, "", &v), 1);
	ASSERT_INT(v, 2);
	strmap_free(m);
	strmap_free(NULL);
}

int
main(void)
{
	RUN(set_get_across_growth);
	RUN(set_replaces);
	return TEST_DONE();
}
