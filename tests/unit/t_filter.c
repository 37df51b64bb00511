/*
 * filter: rules made from the config's values, tried in order on an
 * entry and its categories, the first match deciding; patterns caseless
 * and Unicode-aware; a search that runs away stops at PCRE2's limit.
 */
#include <stdlib.h>

#include "agg.h"
#include "entry_fixture.h"
#include "filter.h"
#include "test.h"

static void
add(struct filter_rules *list, const char *key, const char *value, long age)
{
	struct filter_rule r;
	char err[200];

	if (filter_rule_make(&r, key, value, age, 7, err, sizeof(err)) == -1) {
		printf("#   %s = %s: %s\n", key, value, err);
		ASSERT(0);
		return;
	}
	filter_rules_add(list, &r);
	free(r.key);
	free(r.value);
}

/* The rule that decides e, or -1; *keep its verdict. */
static long
decide(const struct filter_rules *rules, const struct entry *e,
    const struct feed_entry *fe, int *keep)
{
	struct filter *f = filter_new(rules);
	long rule;

	*keep = 1;
	rule = filter_decide(f, e, fe, FIXTURE_DATE, keep);
	filter_free(f);
	return rule;
}

TEST(test_bad_patterns)
{
	struct filter_rule r;
	char err[200] = "";

	ASSERT_INT(filter_rule_make(&r, "drop_title", "(unclosed", 0, 1, err,
	    sizeof(err)), -1);
	ASSERT(strstr(err, "missing closing parenthesis") != NULL);
	ASSERT_INT(filter_rule_make(&r, "drop_title", "\xff", 0, 1, err,
	    sizeof(err)), -1);
	ASSERT_INT(filter_rule_make(&r, "drop_nothing", "x", 0, 1, err,
	    sizeof(err)), -1);
}

TEST(test_first_match_decides)
{
	struct filter_rules rules = { NULL, 0 };
	struct entry e = entry_fixture("a", "Sponsored but important",
	    FIXTURE_DATE);
	int keep;

	add(&rules, "keep_title", "IMPORTANT", 0);
	add(&rules, "drop_title", "^sponsored", 0);
	ASSERT_INT(decide(&rules, &e, NULL, &keep), 0);
	ASSERT_INT(keep, 1);
	e.title = "Sponsored: a phone";
	ASSERT_INT(decide(&rules, &e, NULL, &keep), 1);
	ASSERT_INT(keep, 0);
	e.title = "Council votes";
	ASSERT_INT(decide(&rules, &e, NULL, &keep), -1);
	ASSERT_INT(keep, 1);
	filter_rules_clear(&rules);
}

TEST(test_fields)
{
	struct filter_rules rules = { NULL, 0 };
	struct feed_tag tags[2] = { { "world", NULL, NULL },
	    { "x", NULL, "Gambling" } };
	struct feed_entry fe;
	struct entry e = entry_fixture("a", "Title", FIXTURE_DATE);
	int keep;

	memset(&fe, 0, sizeof(fe));
	fe.tags = tags;
	fe.ntags = 2;
	add(&rules, "drop_content", "hello & world", 0);	/* the text */
	add(&rules, "drop_author", "\\bbot\\b", 0);
	add(&rules, "drop_category", "^gambling$", 0);
	add(&rules, "drop_link", "[?&]x=", 0);
	ASSERT_INT(decide(&rules, &e, &fe, &keep), 0);
	e.content = "<p>other</p>";
	e.author = "bot@example.com (Bot)";
	ASSERT_INT(decide(&rules, &e, &fe, &keep), 1);
	e.author = "robot";
	ASSERT_INT(decide(&rules, &e, &fe, &keep), 2);	/* a label */
	fe.ntags = 1;
	ASSERT_INT(decide(&rules, &e, &fe, &keep), 3);
	e.link = NULL;
	ASSERT_INT(decide(&rules, &e, &fe, &keep), -1);
	filter_rules_clear(&rules);
}

TEST(test_unicode_caseless)
{
	struct filter_rules rules = { NULL, 0 };
	struct entry e = entry_fixture("a", "오늘의 광고 모음", FIXTURE_DATE);
	int keep;

	add(&rules, "drop_title", "광고", 0);
	add(&rules, "drop_author", "^ÉDITION$", 0);
	ASSERT_INT(decide(&rules, &e, NULL, &keep), 0);
	e.title = "x";
	e.author = "édition";
	ASSERT_INT(decide(&rules, &e, NULL, &keep), 1);
	filter_rules_clear(&rules);
}

TEST(test_max_age)
{
	struct filter_rules rules = { NULL, 0 };
	struct entry e = entry_fixture("a", "Old", FIXTURE_DATE - 31 * 86400);
	int keep;

	add(&rules, "max_age", "30d", 30 * 86400);
	ASSERT_INT(decide(&rules, &e, NULL, &keep), 0);
	ASSERT_INT(keep, 0);
	e.date = FIXTURE_DATE - 29 * 86400;
	ASSERT_INT(decide(&rules, &e, NULL, &keep), -1);
	filter_rules_clear(&rules);
}

/* A pattern that backtracks without end stops at the limit: no match. */
TEST(test_runaway_search)
{
	struct filter_rules rules = { NULL, 0 };
	char title[4002];
	struct entry e;
	int keep;

	memset(title, 'a', 4000);
	title[4000] = '!';
	title[4001] = '\0';
	e = entry_fixture("a", title, FIXTURE_DATE);
	add(&rules, "drop_title", "^(a+)+$", 0);
	ASSERT_INT(decide(&rules, &e, NULL, &keep), -1);
	filter_rules_clear(&rules);
}

TEST(test_rules_equal)
{
	struct filter_rules a = { NULL, 0 }, b = { NULL, 0 };

	add(&a, "drop_title", "x", 0);
	filter_rules_append(&b, &a);
	ASSERT(filter_rules_equal(&a, &b));
	add(&b, "max_age", "1d", 86400);
	ASSERT(!filter_rules_equal(&a, &b));
	filter_rules_clear(&a);
	filter_rules_clear(&b);
}

int
main(void)
{
	RUN(test_bad_patterns);
	RUN(test_first_match_decides);
	RUN(test_fields);
	RUN(test_unicode_caseless);
	RUN(test_max_age);
	RUN(test_runaway_search);
	RUN(test_rules_equal);
	return TEST_DONE();
}
