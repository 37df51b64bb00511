/*
 * The digest: which stories a period holds and in what order, outlets
 * named by [publishers] with one canonical link each, the headline in the
 * feeds' language, the post's escaping of what feeds wrote, its file
 * name, and when the daemon's digest is due in the zone.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "digest.h"
#include "entry_fixture.h"
#include "store.h"
#include "test.h"
#include "xmalloc.h"
#include "zone.h"

static const char *tmpdir;

#define DAY	86400
#define T0	1762128000	/* 2025-11-03T00:00:00Z */

/* A config file of body, loaded; problems fail the test. */
static void
load(struct config *cfg, const char *body)
{
	char *path = xasprintf("%s/aggregator.conf", tmpdir);
	FILE *f = fopen(path, "w");

	ASSERT(f != NULL);
	fprintf(f, "[aggregator]\nstate = state.db\n%s", body);
	fclose(f);
	ASSERT_INT(config_load(path, cfg), 0);
	zone_use(cfg->digest.timezone);
	free(path);
}

/* Delivers an entry of story (a key's first character) into the state. */
static void
add(struct store *s, const char *key, const char *story, const char *feed,
    const char *title, const char *link, const char *text, time_t seen)
{
	struct entry e = entry_fixture(key, (char *)(uintptr_t)title, seen);
	struct entry root = entry_fixture(story, "", seen);
	char name[64];

	snprintf(e.story, sizeof(e.story), "%s", root.key);
	e.feed_name = (char *)(uintptr_t)feed;
	e.feed_title = (char *)(uintptr_t)feed;
	e.link = (char *)(uintptr_t)link;
	e.story_text = xasprintf("%s\n%s", title, text);
	snprintf(name, sizeof(name), "name-%s", key);
	ASSERT_INT(store_begin(s), 0);
	ASSERT_INT(store_add_pending(s, &e, NULL, name), 0);
	ASSERT_INT(store_delivered(s, e.key, feed, seen), 0);
	ASSERT_INT(store_commit(s), 0);
	free(e.story_text);
}

static struct store *
fresh_store(void)
{
	struct store *s;
	char err[256], *path = xasprintf("%s/state.db", tmpdir);

	unlink(path);
	ASSERT_INT(store_open(path, &s, err, sizeof(err)), 0);
	free(path);
	return s;
}

TEST(test_stories_outlets_and_order)
{
	struct config cfg;
	struct store *s;
	struct digest d;
	char err[256];

	load(&cfg, "[digest]\ntimezone = Asia/Seoul\ntitle = AI 뉴스\n"
	    "[publishers]\nreuters.com = Reuters\napnews.com = AP News\n"
	    "example.org/tech = Example Tech\n");
	s = fresh_store();
	/* Story a: three outlets, one of them twice; Korean and English. */
	add(s, "1", "1", "wire", "OpenAI signs $38 billion AWS deal",
	    "https://uk.reuters.com/a?utm_source=openai#top",
	    "OpenAI signed a deal. It is large.", T0 + 100);
	add(s, "2", "1", "ap", "OpenAI and Amazon strike deal",
	    "https://apnews.com/article/1", "Short.", T0 + 200);
	add(s, "3", "1", "kr", "오픈AI, AWS와 380억 달러 계약",
	    "https://kr.example/1", "오픈AI가 계약을 맺었다. 규모가 크다.",
	    T0 + 300);
	add(s, "4", "1", "kr", "오픈AI 계약 후속", "https://kr.example/2",
	    "후속 보도다.", T0 + 400);
	/* Story b: one outlet, newer; story c: before the period. */
	add(s, "5", "5", "tech", "Tech news", "https://example.org/tech/x",
	    "Tech.", T0 + 500);
	add(s, "6", "6", "old", "Old news", "https://old.example/x", "Old.",
	    T0 - DAY);
	/* Story d: delivered after the period: not in it. */
	add(s, "7", "7", "late", "Late news", "https://late.example/x",
	    "Late.", T0 + DAY + 5);

	ASSERT_INT(digest_build(s, NULL, &cfg, T0, T0 + DAY, T0 + DAY - 1, &d,
	    err, sizeof(err)), 0);
	ASSERT_INT(d.n, 2);
	ASSERT_STR(d.day, "2025-11-04");
	ASSERT_STR(d.date, "2025-11-04 08:59:59 +0900");
	ASSERT_STR(d.title, "2025-11-04 AI 뉴스");
	/* Most outlets first. */
	ASSERT_INT(d.v[0].nsources, 3);
	ASSERT_STR(d.v[0].sources[0].name, "Reuters");
	ASSERT_STR(d.v[0].sources[0].link, "https://uk.reuters.com/a");
	ASSERT_STR(d.v[0].sources[1].name, "AP News");
	ASSERT_STR(d.v[0].sources[2].name, "kr");
	/* The outlet's earliest entry. */
	ASSERT_STR(d.v[0].sources[2].link, "https://kr.example/1");
	/* Three feeds write English, one Korean: the English entry with the
	 * most text. */
	ASSERT_STR(d.v[0].headline, "OpenAI signs $38 billion AWS deal");
	ASSERT_STR(d.v[0].summary, "OpenAI signed a deal. It is large.");
	ASSERT_STR(d.v[0].host, "uk.reuters.com");
	ASSERT_STR(d.v[1].sources[0].name, "Example Tech");
	digest_free(&d);

	/* language = ko chooses the Korean entry with the most text. */
	config_free(&cfg);
	load(&cfg, "[digest]\nlanguage = ko\nsummary_chars = 40\n");
	ASSERT_INT(digest_build(s, NULL, &cfg, T0, T0 + DAY, T0 + DAY - 1, &d,
	    err, sizeof(err)), 0);
	ASSERT_STR(d.v[0].headline, "오픈AI, AWS와 380억 달러 계약");
	ASSERT_STR(d.v[0].summary, "오픈AI가 계약을 맺었다. 규모가 크다.");
	digest_free(&d);

	/* min_sources and max_stories. */
	config_free(&cfg);
	load(&cfg, "[digest]\nmin_sources = 2\n");
	ASSERT_INT(digest_build(s, NULL, &cfg, T0, T0 + DAY, T0, &d, err,
	    sizeof(err)), 0);
	ASSERT_INT(d.n, 1);
	digest_free(&d);
	config_free(&cfg);
	load(&cfg, "[digest]\nmax_stories = 1\n");
	ASSERT_INT(digest_build(s, NULL, &cfg, T0 - 2 * DAY, T0 + 2 * DAY, T0,
	    &d, err, sizeof(err)), 0);
	ASSERT_INT(d.n, 1);
	ASSERT_INT(d.v[0].nsources, 3);
	digest_free(&d);

	/* A story that gained an entry lists its earlier ones too. */
	ASSERT_INT(digest_build(s, NULL, &cfg, T0 + 350, T0 + DAY, T0, &d, err,
	    sizeof(err)), 0);
	ASSERT_INT(d.v[0].nsources, 3);
	digest_free(&d);
	store_close(s);
	config_free(&cfg);
}

TEST(test_cited_articles_of_publishers_are_outlets)
{
	struct entry e = entry_fixture("c", "오픈AI, 아마존과 380억 달러 계약",
	    T0 + 100);
	struct config cfg;
	struct store *s;
	struct digest d;
	char err[256];

	load(&cfg, "[publishers]\nreuters.com = Reuters\n"
	    "apnews.com = AP News\ntheverge.com = The Verge\n");
	s = fresh_store();
	memcpy(e.story, e.key, sizeof(e.story));
	e.feed_name = e.feed_title = "briefing";
	e.link = "https://www.reuters.com/a?utm_source=openai";
	e.story_text = "오픈AI, 아마존과 380억 달러 계약\n관련 보도.";
	/* Its own link, then what it cites: two publishers, one other. */
	e.story_links = "https://www.reuters.com/a\n"
	    "https://apnews.com/article/1\nhttps://blog.example/post\n"
	    "https://www.theverge.com/news/2?utm_source=x";
	ASSERT_INT(store_begin(s), 0);
	ASSERT_INT(store_add_pending(s, &e, NULL, "name-c"), 0);
	ASSERT_INT(store_delivered(s, e.key, "briefing", e.seen), 0);
	ASSERT_INT(store_commit(s), 0);
	ASSERT_INT(digest_build(s, NULL, &cfg, T0, T0 + DAY, T0, &d, err,
	    sizeof(err)), 0);
	ASSERT_INT(d.n, 1);
	ASSERT_INT(d.v[0].nsources, 3);
	ASSERT_STR(d.v[0].sources[0].name, "Reuters");
	ASSERT_STR(d.v[0].sources[0].link, "https://www.reuters.com/a");
	ASSERT_STR(d.v[0].sources[1].name, "AP News");
	ASSERT_STR(d.v[0].sources[2].name, "The Verge");
	ASSERT_STR(d.v[0].sources[2].link, "https://www.theverge.com/news/2");
	digest_free(&d);
	store_close(s);
	config_free(&cfg);
}

/* The digest of one story whose texts are hostile. */
static char *
hostile_post(struct config *cfg)
{
	struct digest_source src[] = {
		{ "Evil <b>", "javascript:alert(1)" },
		{ "A [b](c)", "https://x.example/a b)c{{d}}" },
	};
	struct digest_section sec = {
		.story = "s",
		.headline = "<script>alert(1)</script> {{ site.time }} "
		    "{% include x %} *em* #tag",
		.summary = "- 1. not a list | pipe $$x$$ \\ back",
		.link = "https://x.example/a",
		.host = "x.example",
		.sources = src,
		.nsources = 2,
	};
	struct digest d = { .day = "2025-11-04",
	    .date = "2025-11-04 07:00:00 +0900", .v = &sec, .n = 1 };
	size_t len;

	d.title = "2025-11-04 \"Quoted\" \\ News";
	return digest_jekyll(&d, cfg, &len);
}

TEST(test_post_escapes_feed_text)
{
	struct config cfg;
	char *post;

	load(&cfg, "");
	post = hostile_post(&cfg);
	ASSERT(strstr(post, "title: \"2025-11-04 \\\"Quoted\\\" \\\\ News\"\n")
	    != NULL);
	ASSERT(strstr(post, "<script") == NULL);
	ASSERT(strstr(post, "&lt;script&gt;") != NULL);
	ASSERT(strstr(post, "{{") == NULL && strstr(post, "{%") == NULL);
	ASSERT(strstr(post, "&#123;&#123; site.time &#125;&#125;") != NULL);
	ASSERT(strstr(post, "\\*em\\* \\#tag") != NULL);
	/* No link to javascript:, the name alone. */
	ASSERT(strstr(post, "javascript") == NULL);
	ASSERT(strstr(post, "\nEvil &lt;b&gt; | ") != NULL);
	/* A link target no byte of which ends it. */
	ASSERT(strstr(post, "[A \\[b\\](c)](https://x.example/a%20b%29c"
	    "%7B%7Bd%7D%7D)") != NULL);
	/* A summary that would start a list does not. */
	ASSERT(strstr(post, "\n\\- 1. not a list \\| pipe \\$\\$x\\$\\$ \\\\ "
	    "back ([x.example](https://x.example/a))\n\n---\n") != NULL);
	free(post);
	config_free(&cfg);
}

TEST(test_file_name)
{
	struct config cfg;
	struct digest d = { .day = "2025-11-04" };
	char *name;

	load(&cfg, "[digest]\ntitle = AI 뉴스: Daily!\n");
	name = digest_file_name(&d, &cfg);
	ASSERT_STR(name, "2025-11-04-ai-뉴스-daily.md");
	free(name);
	config_free(&cfg);
	load(&cfg, "[digest]\ntitle = ../..\n");
	name = digest_file_name(&d, &cfg);
	ASSERT_STR(name, "2025-11-04-digest.md");
	free(name);
	config_free(&cfg);
}

TEST(test_due_in_the_zone)
{
	struct config cfg;
	time_t seven = T0 - 2 * 3600;	/* 2025-11-03 07:00 in Seoul */

	load(&cfg, "[digest]\ntimezone = Asia/Seoul\ntime = 07:00\n");
	/* None written yet: today's, at once when it has passed. */
	ASSERT_INT(digest_due(&cfg, 0, seven + 60), seven);
	ASSERT_INT(digest_due(&cfg, 0, seven - 60), seven - DAY);
	/* Written: the next one. */
	ASSERT_INT(digest_due(&cfg, seven, seven + 60), seven + DAY);
	ASSERT_INT(digest_due(&cfg, seven - DAY, seven - 60), seven);
	/* Down over two moments: the latest, once. */
	ASSERT_INT(digest_due(&cfg, seven - 3 * DAY, seven + 60), seven);
	config_free(&cfg);

	/* A zone west of UTC, and a moment a clock change skips. */
	load(&cfg, "[digest]\ntimezone = America/New_York\ntime = 02:30\n");
	/* 2025-03-09 02:30 does not exist there: taken before the change. */
	ASSERT_INT(zone_time(2025, 3, 9, 2, 30, 0), 1741505400);
	ASSERT_INT(zone_time(2025, 11, 3, 0, 0, 0), 1762146000);
	/* 2025-11-02 01:30 is there twice: the first. */
	ASSERT_INT(zone_time(2025, 11, 2, 1, 30, 0), 1762061400);
	config_free(&cfg);
}

TEST(test_zone_parse)
{
	time_t t;

	zone_use("Asia/Seoul");
	ASSERT_INT(zone_parse("2025-11-04", &t), 0);
	ASSERT_INT(t, T0 + 15 * 3600);
	ASSERT_INT(zone_parse("2025-11-04 09:30", &t), 0);
	ASSERT_INT(t, T0 + DAY + 1800);
	ASSERT_INT(zone_parse("2025-11-04T09:30:15", &t), 0);
	ASSERT_INT(t, T0 + DAY + 1815);
	ASSERT_INT(zone_parse("2025-11-04T09:30:15Z", &t), 0);
	ASSERT_INT(t, T0 + DAY + 9 * 3600 + 1815);
	ASSERT_INT(zone_parse("2025-11-04T09:30+09:00", &t), 0);
	ASSERT_INT(t, T0 + DAY + 1800);
	ASSERT_INT(zone_parse("2025-13-04", &t), -1);
	ASSERT_INT(zone_parse("2025-11-04 9:30", &t), -1);
	ASSERT_INT(zone_parse("yesterday", &t), -1);
}

int
main(void)
{
	tmpdir = test_dir("t_digest");
	RUN(test_stories_outlets_and_order);
	RUN(test_cited_articles_of_publishers_are_outlets);
	RUN(test_post_escapes_feed_text);
	RUN(test_file_name);
	RUN(test_due_in_the_zone);
	RUN(test_zone_parse);
	return TEST_DONE();
}
