/* Config parsing: keys, defaults, relative paths, durations and errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "schedule.h"
#include "test.h"
#include "xmalloc.h"

static const char *dir;		/* the scratch folder */

static char *
write_conf(const char *name, const char *text)
{
	static char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	fputs(text, fp);
	fclose(fp);
	return path;
}

TEST(durations)
{
	long n;

	ASSERT_INT(config_parse_duration("45s", &n), 0);
	ASSERT_INT(n, 45);
	ASSERT_INT(config_parse_duration("30m", &n), 0);
	ASSERT_INT(n, 1800);
	ASSERT_INT(config_parse_duration("2h", &n), 0);
	ASSERT_INT(n, 7200);
	ASSERT_INT(config_parse_duration("1d", &n), 0);
	ASSERT_INT(n, 86400);
	ASSERT_INT(config_parse_duration("90", &n), 0);
	ASSERT_INT(n, 90);
	ASSERT_INT(config_parse_duration("0", &n), -1);
	ASSERT_INT(config_parse_duration("-5m", &n), -1);
	ASSERT_INT(config_parse_duration("5x", &n), -1);
	ASSERT_INT(config_parse_duration("5mm", &n), -1);
	ASSERT_INT(config_parse_duration("", &n), -1);
}

TEST(good_config)
{
	struct config cfg;
	char *path = write_conf("good.conf",
	    "# comment\n"
	    "[aggregator]\n"
	    "spool = mail          # inline comment\n"
	    "output = /srv/out.atom\n"
	    "interval = 2h\n"
	    "max_entries = 7\n"
	    "title = My news\n"
	    "\n"
	    "[feed.reuters-tech]\n"
	    "url = https://example.com/rss.xml#frag\n"
	    "interval = 15m\n"
	    "title = Reuters Tech\n"
	    "[feed.other]\n"
	    "url = file:///tmp/x.xml\n"
	    "enabled = no\n");

	ASSERT_INT(config_load(path, &cfg), 0);
	ASSERT_INT(cfg.nfeeds, 2);
	ASSERT_INT(cfg.interval, 7200);
	ASSERT_INT(cfg.max_entries, 7);
	ASSERT_STR(cfg.title, "My news");
	ASSERT_STR(cfg.output, "/srv/out.atom");
	{
		char want[300];

		snprintf(want, sizeof(want), "%s/mail", dir);
		ASSERT_STR(cfg.spool, want);
		snprintf(want, sizeof(want), "%s/state.db", dir);
		ASSERT_STR(cfg.state, want);
	}
	ASSERT_STR(cfg.feeds[0].name, "reuters-tech");
	/* '#' inside a value is part of it, not a comment. */
	ASSERT_STR(cfg.feeds[0].url, "https://example.com/rss.xml#frag");
	ASSERT_INT(cfg.feeds[0].interval, 900);
	ASSERT_INT(cfg.feeds[0].enabled, 1);
	ASSERT_STR(cfg.feeds[0].title, "Reuters Tech");
	ASSERT_INT(cfg.feeds[1].interval, 7200);
	ASSERT_INT(cfg.feeds[1].enabled, 0);
	config_free(&cfg);
}

/* The defaults come from the key table; these are what users rely on. */
TEST(defaults)
{
	struct config cfg;
	char want[300];
	char *path = write_conf("defaults.conf",
	    "[aggregator]\n[feed.a]\nurl = https://a.example/\n");

	ASSERT_INT(config_load(path, &cfg), 0);
	snprintf(want, sizeof(want), "%s/spool", dir);
	ASSERT_STR(cfg.spool, want);
	snprintf(want, sizeof(want), "%s/merged.atom", dir);
	ASSERT_STR(cfg.output, want);
	snprintf(want, sizeof(want), "%s/state.db", dir);
	ASSERT_STR(cfg.state, want);
	ASSERT_STR(cfg.opml, NULL);
	ASSERT_STR(cfg.title, "aggregator");
	ASSERT_INT(cfg.interval, 30 * 60);
	ASSERT_INT(cfg.max_entries, 100);
	ASSERT_INT(cfg.max_connections, 16);
	ASSERT_INT(cfg.max_per_host, 2);
	ASSERT_INT(cfg.timeout, 60);
	ASSERT_INT(cfg.max_body, 16L * 1024 * 1024);
	ASSERT_INT(cfg.backfill, 20);
	ASSERT_INT(cfg.nfeeds, 1);
	if (cfg.nfeeds == 1) {
		ASSERT_INT(cfg.feeds[0].enabled, 1);
		ASSERT_INT(cfg.feeds[0].interval, 30 * 60);
		ASSERT_INT(cfg.feeds[0].backfill, 20);
		ASSERT_STR(cfg.feeds[0].title, NULL);
	}
	config_free(&cfg);
}

/* Each key once per section, with a help line and sane bounds. */
TEST(key_table)
{
	for (size_t i = 0; i < config_nkeys; i++) {
		const struct config_key *k = &config_keys[i];

		if (k->help == NULL || *k->help == '\0')
			TEST_FAIL("key %s has no help", k->name);
		if (k->min > k->max)
			TEST_FAIL("key %s: min %ld > max %ld", k->name, k->min,
			    k->max);
		for (size_t j = 0; j < i; j++)
			if (config_keys[j].section == k->section &&
			    strcmp(config_keys[j].name, k->name) == 0)
				TEST_FAIL("key %s listed twice", k->name);
	}
}

TEST(every_error_counted)
{
	struct config cfg;
	char *path = write_conf("bad.conf",
	    "[aggregator]\n"
	    "colour = blue\n"			/* unknown key */
	    "interval = soon\n"			/* bad duration */
	    "[feed.a]\n"
	    "url = https://a.example/\n"
	    "[feed.a]\n"			/* duplicate */
	    "url = https://b.example/\n"
	    "[feed.b]\n"			/* missing url */
	    "title = B\n"
	    "[feed.c]\n"
	    "url = gopher://c.example/\n");	/* bad scheme */

	ASSERT_INT(config_load(path, &cfg), 5);
	config_free(&cfg);
}

/*
 * backfill is a count or "all", for every feed in [aggregator] (wherever
 * that section is) and per feed, where 0 is a value, not "unset".
 */
TEST(backfill)
{
	struct config cfg;
	char *path = write_conf("backfill.conf",
	    "[feed.a]\nurl = https://a.example/\n"
	    "[feed.b]\nurl = https://b.example/\nbackfill = 0\n"
	    "[feed.c]\nurl = https://c.example/\nbackfill = All\n"
	    "[aggregator]\nbackfill = 5\n");

	ASSERT_INT(config_load(path, &cfg), 0);
	ASSERT_INT(cfg.backfill, 5);
	ASSERT_INT(cfg.nfeeds, 3);
	if (cfg.nfeeds == 3) {
		ASSERT_INT(cfg.feeds[0].backfill, 5);
		ASSERT_INT(cfg.feeds[1].backfill, 0);
		ASSERT_INT(cfg.feeds[2].backfill, CONFIG_ALL);
	}
	config_free(&cfg);
	path = write_conf("backfill-bad.conf",
	    "[aggregator]\nbackfill = -1\n"
	    "[feed.a]\nurl = https://a.example/\nbackfill = every\n"
	    "[feed.b]\nurl = https://b.example/\nbackfill = 2000000\n");
	ASSERT_INT(config_load(path, &cfg), 3);
	config_free(&cfg);
}

/*
 * [digest] and [publishers]: a clock, a zone the system has, a language
 * of the list, publishers by host with "www." and case dropped.
 */
TEST(digest_sections)
{
	struct config cfg;
	char *path = write_conf("digest.conf",
	    "[digest]\ntitle = AI 뉴스\ntimezone = Asia/Seoul\n"
	    "time = 06:30\nlanguage = ko\n"
	    "[publishers]\nWWW.Reuters.com = Reuters\n"
	    "example.com/Tech = Example Tech\n");

	ASSERT_INT(config_load(path, &cfg), 0);
	ASSERT_STR(cfg.digest.title, "AI 뉴스");
	ASSERT_STR(cfg.digest.timezone, "Asia/Seoul");
	ASSERT_INT(cfg.digest.time, 6 * 60 + 30);
	ASSERT_STR(cfg.digest.language, "ko");
	ASSERT_INT(cfg.npublishers, 2);
	if (cfg.npublishers == 2) {
		ASSERT_STR(cfg.publishers[0].prefix, "reuters.com");
		ASSERT_STR(cfg.publishers[1].prefix, "example.com/Tech");
	}
	config_free(&cfg);
	path = write_conf("digest-bad.conf",
	    "[digest]\ntimezone = Mars/Olympus\ntime = 24:00\n"
	    "language = fr\ntimezone = ../../etc/passwd\n"
	    "[publishers]\nhttps://x.example = X\nreuters.com = R\n"
	    "Reuters.com = R2\n");
	ASSERT_INT(config_load(path, &cfg), 6);
	config_free(&cfg);
}

TEST(missing_file)
{
	struct config cfg;

	ASSERT_INT(config_load("/nonexistent/aggregator.conf", &cfg), -1);
	config_free(&cfg);
}

TEST(opml_feeds)
{
	struct config cfg;
	char *path;

	write_conf("feeds.opml",
	    "<?xml version=\"1.0\"?>\n<opml version=\"2.0\"><body>\n"
	    "<outline text=\"Tech\">\n"
	    "  <outline text=\"Reuters Tech!\" xmlUrl=\"https://r.example/rss\"/>\n"
	    "  <outline title=\"Dup\" xmlUrl=\"https://a.example/\"/>\n"
	    "  <outline text=\"Reuters Tech\" xmlUrl=\"https://r2.example/rss\"/>\n"
	    "</outline></body></opml>\n");
	path = write_conf("opml.conf",
	    "[aggregator]\nopml = feeds.opml\n"
	    "[feed.a]\nurl = https://a.example/\n");
	ASSERT_INT(config_load(path, &cfg), 0);
	ASSERT_INT(cfg.nfeeds, 3);
	if (cfg.nfeeds == 3) {
		ASSERT_STR(cfg.feeds[1].name, "opml-reuters-tech");
		ASSERT_STR(cfg.feeds[1].url, "https://r.example/rss");
		/* A title taken: the URL names it. */
		ASSERT_STR(cfg.feeds[2].name, "opml-r2-example-rss");
		/* The outline around them is their folder; not the INI's. */
		ASSERT_STR(cfg.feeds[1].folder, "Tech");
		ASSERT_STR(cfg.feeds[2].folder, "Tech");
		ASSERT_STR(cfg.feeds[0].folder, NULL);
	}
	config_free(&cfg);
}

/* The OPML of the names test: the outlines in one order or the other. */
static const char *const opml_outlines[] = {
	"<outline text=\"연합뉴스\" xmlUrl=\"https://www.yna.co.kr/rss/news.xml\"/>",
	"<outline text=\"한겨레\" xmlUrl=\"https://u:pw@hani.example/rss/\"/>",
	"<outline text=\"News\" xmlUrl=\"https://a.example/news\"/>",
	"<outline text=\"News\" xmlUrl=\"https://b.example/news\"/>",
	"<outline text=\"Café\" xmlUrl=\"http://cafe.example/feed?x=1\"/>",
};

/* The name given to the outline of url, or NULL. */
static const char *
name_of(const struct config *cfg, const char *url)
{
	for (size_t i = 0; i < cfg->nfeeds; i++)
		if (strcmp(cfg->feeds[i].url, url) == 0)
			return cfg->feeds[i].name;
	return NULL;
}

/* Names from titles in other scripts do not depend on the order. */
TEST(opml_names_stable)
{
	struct config cfg;
	struct buf b;
	char *path;
	int order;

	for (order = 0; order < 2; order++) {
		buf_init(&b);
		buf_addstr(&b, "<?xml version=\"1.0\"?>\n<opml version=\"2.0\">"
		    "<body>\n");
		for (size_t i = 0; i < 5; i++)
			buf_printf(&b, "%s\n", opml_outlines[order == 0 ? i :
			    4 - i]);
		buf_addstr(&b, "</body></opml>\n");
		write_conf("stable.opml", b.data);
		buf_free(&b);
		path = write_conf("stable.conf",
		    "[aggregator]\nopml = stable.opml\n");
		ASSERT_INT(config_load(path, &cfg), 0);
		ASSERT_INT(cfg.nfeeds, 5);
		ASSERT_STR(name_of(&cfg, "https://www.yna.co.kr/rss/news.xml"),
		    "opml-www-yna-co-kr-rss-news-xml");
		/* Credentials never make a name. */
		ASSERT_STR(name_of(&cfg, "https://u:pw@hani.example/rss/"),
		    "opml-hani-example-rss");
		ASSERT_STR(name_of(&cfg, "http://cafe.example/feed?x=1"),
		    "opml-cafe-example-feed-x-1");
		/* Two outlines of one title: the first keeps it. */
		ASSERT_STR(name_of(&cfg, order == 0 ? "https://a.example/news" :
		    "https://b.example/news"), "opml-news");
		ASSERT_STR(name_of(&cfg, order == 0 ? "https://b.example/news" :
		    "https://a.example/news"), order == 0 ?
		    "opml-b-example-news" : "opml-a-example-news");
		config_free(&cfg);
	}
}

/*
 * Trusted only once checked: a url curl cannot parse, one url under two
 * names (as dedup keys compare them), an interval the timer cannot hold.
 */
TEST(urls_and_intervals_checked)
{
	struct config cfg;
	char text[512], *path;

	path = write_conf("checked.conf",
	    "[feed.a]\nurl = http://a.example/feed\n"
	    "[feed.b]\nurl = HTTP://A.example:80/feed#top\n"	/* as a */
	    "[feed.c]\nurl = http://c example/\n"		/* space */
	    "[feed.d]\nurl = https://d.example:70000/\n"	/* port */
	    "[feed.e]\nurl = file://e.example/x.xml\n"	/* remote file */
	    "[feed.f]\nurl = https://f.example/\n"
	    "interval = 99999999999999999\n");
	ASSERT_INT(config_load(path, &cfg), 5);
	config_free(&cfg);
	/* The longest interval the timer holds is accepted. */
	snprintf(text, sizeof(text), "[feed.a]\nurl = http://a.example/\n"
	    "interval = %ld\n", SCHEDULE_MAX_INTERVAL);
	path = write_conf("longest.conf", text);
	ASSERT_INT(config_load(path, &cfg), 0);
	ASSERT_INT(cfg.feeds[0].interval, SCHEDULE_MAX_INTERVAL);
	config_free(&cfg);
	snprintf(text, sizeof(text), "[feed.a]\nurl = http://a.example/\n"
	    "interval = %ld\n", SCHEDULE_MAX_INTERVAL + 1);
	path = write_conf("longer.conf", text);
	ASSERT_INT(config_load(path, &cfg), 1);
	config_free(&cfg);
}

int
main(void)
{
	log_init(-2);
	dir = test_dir("t_config");
	RUN(durations);
	RUN(good_config);
	RUN(defaults);
	RUN(key_table);
	RUN(every_error_counted);
	RUN(backfill);
	RUN(digest_sections);
	RUN(missing_file);
	RUN(opml_feeds);
	RUN(opml_names_stable);
	RUN(urls_and_intervals_checked);
	return TEST_DONE();
}
