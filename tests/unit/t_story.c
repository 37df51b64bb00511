/*
 * story: entries join the story of what reports the same event, by links
 * or by words, names and numbers across languages; others start their
 * own; a key keeps its story; a restart rebuilds the same index.
 */
#include <stdlib.h>
#include <string.h>

#include "entry_fixture.h"
#include "story.h"
#include "test.h"
#include "url.h"

#define DAY	86400

struct item {
	const char	*key;
	char		*title;
	char		*content;
	char		*link;
	time_t		 published;
};

static const struct item deal[] = {
	{ "1", "OpenAI, Amazon strike $38 billion agreement for ChatGPT maker "
	    "to use AWS", "<p>OpenAI will buy $38 billion of cloud capacity "
	    "from Amazon Web Services over seven years.</p>",
	    "https://wire.example/openai-amazon-38-billion", 0 },
	{ "2", "OpenAI signs $38 billion cloud computing deal with Amazon",
	    "<p>The first big compute deal OpenAI has struck with AWS.</p>",
	    "https://verge.example/812443/openai-amazon", 3600 },
	/* Korean, citing the wire's link with a tracking parameter. */
	{ "3", "오픈AI, 아마존과 380억달러 클라우드 계약",
	    "<p>오픈AI가 아마존웹서비스(AWS)와 7년간 380억달러 규모의 계약을 "
	    "맺었다. <a href=\"https://wire.example/openai-amazon-38-billion"
	    "?utm_source=x\">Reuters</a></p>",
	    "https://yna.example/view/AKR1", 7200 },
	/* Korean, no link: the number, AWS and the alias carry it. */
	{ "4", "AWS 품에 안긴 오픈AI…380억 달러 계약",
	    "<p>오픈AI가 아마존웹서비스와 대형 계약을 체결했다.</p>",
	    "https://zdnet.example/view/?no=1", 9000 },
};

static const struct item other[] = {
	{ "5", "Microsoft signs $9.7 billion AI cloud deal with IREN",
	    "<p>Microsoft will use Nvidia chips in IREN's Texas data "
	    "centre.</p>", "https://wire.example/microsoft-iren", 5000 },
	{ "6", "Lena Dunham apologises for joke tweet",
	    "<p>The actress removed the post.</p>",
	    "https://news.example/dunham", 6000 },
};

static struct entry
make(const struct item *it)
{
	struct entry e = entry_fixture(it->key, it->title,
	    FIXTURE_DATE + it->published);

	e.content = it->content;
	e.link = it->link;
	e.published = FIXTURE_DATE + it->published;
	return e;
}

/* Assigns it, returning its story's id (allocated). */
static char *
assign(struct story_index *x, const struct item *it, time_t now,
    struct entry *keep)
{
	struct entry e = make(it);

	story_assign(x, &e, now);
	if (keep != NULL) {
		*keep = e;
		return strdup(e.story);
	}
	free(e.story_text);
	free(e.story_links);
	free(e.story_vec);
	return strdup(e.story);
}

TEST(test_one_event_one_story_across_languages)
{
	struct story_index *x = story_index_new(5 * DAY);
	char *s[4], *o[2];
	time_t now = FIXTURE_DATE + DAY;

	/* The others come between the deal's entries. */
	s[0] = assign(x, &deal[0], now, NULL);
	s[1] = assign(x, &deal[1], now, NULL);
	o[0] = assign(x, &other[0], now, NULL);
	s[2] = assign(x, &deal[2], now, NULL);
	o[1] = assign(x, &other[1], now, NULL);
	s[3] = assign(x, &deal[3], now, NULL);
	/* The first entry is the root: the story's id is its key. */
	ASSERT_INT(strspn(s[0], "1"), 64);
	for (int i = 1; i < 4; i++)
		ASSERT_STR(s[i], s[0]);
	/* The same company, another deal; and another event. */
	ASSERT(strcmp(o[0], s[0]) != 0);
	ASSERT_INT(strspn(o[0], "5"), 64);
	ASSERT_INT(strspn(o[1], "6"), 64);
	ASSERT_INT(story_index_entries(x), 6);
	for (int i = 0; i < 4; i++)
		free(s[i]);
	free(o[0]);
	free(o[1]);
	story_index_free(x);
}

TEST(test_a_key_keeps_its_story)
{
	struct story_index *x = story_index_new(5 * DAY);
	time_t now = FIXTURE_DATE + DAY;
	char *a = assign(x, &deal[0], now, NULL);
	char *b = assign(x, &other[1], now, NULL);
	/* The Dunham entry's key again, with the deal's words. */
	struct item again = deal[1];
	char *c;

	again.key = "6";
	c = assign(x, &again, now, NULL);
	ASSERT_STR(c, b);
	ASSERT(strcmp(c, a) != 0);
	ASSERT_INT(story_index_entries(x), 2);
	free(a);
	free(b);
	free(c);
	story_index_free(x);
}

TEST(test_window_forgets_by_delivery_time)
{
	struct story_index *x = story_index_new(DAY);
	time_t now = FIXTURE_DATE + DAY;
	char *a = assign(x, &deal[0], now, NULL);
	/* Delivered two days later: the first one left the window. */
	char *b = assign(x, &deal[1], now + 2 * DAY, NULL);

	ASSERT(strcmp(a, b) != 0);
	ASSERT_INT(story_index_entries(x), 1);
	free(a);
	free(b);
	story_index_free(x);
}

TEST(test_restore_gives_the_same_stories)
{
	struct story_index *x = story_index_new(5 * DAY);
	struct story_index *y = story_index_new(5 * DAY);
	struct story_index *z = story_index_new(5 * DAY);
	struct entry kept[3], text;
	time_t now = FIXTURE_DATE + DAY;
	char *s[3], *next, *replay, *reread;

	s[0] = assign(x, &deal[0], now, &kept[0]);
	s[1] = assign(x, &other[0], now, &kept[1]);
	s[2] = assign(x, &deal[2], now, &kept[2]);
	/*
	 * The index a restart builds from what the state kept: from the
	 * vectors the index made, and (an older state's rows) from the text.
	 */
	for (int i = 0; i < 3; i++) {
		ASSERT(kept[i].story_vec != NULL);
		story_restore(y, &kept[i], now);
		text = kept[i];
		text.story_vec = NULL;
		story_restore(z, &text, now);
	}
	ASSERT_INT(story_index_entries(y), 3);
	ASSERT_INT(story_index_entries(z), 3);
	next = assign(x, &deal[3], now, NULL);
	replay = assign(y, &deal[3], now, NULL);
	reread = assign(z, &deal[3], now, NULL);
	ASSERT_STR(replay, next);
	ASSERT_STR(reread, next);
	ASSERT_STR(replay, s[0]);
	for (int i = 0; i < 3; i++) {
		free(kept[i].story_text);
		free(kept[i].story_links);
		free(kept[i].story_vec);
		free(s[i]);
	}
	free(next);
	free(replay);
	free(reread);
	story_index_free(x);
	story_index_free(y);
	story_index_free(z);
}

/* An entry keyed as the daemon keys it: by its canonical link. */
static char *
assign_linked(struct story_index *x, char *title, char *content, char *link,
    time_t published, time_t now)
{
	struct entry e = entry_fixture("k", title, FIXTURE_DATE + published);
	char *canon = url_canonical(link), *story;

	entry_key_hash(canon, strlen(canon), e.key);
	free(canon);
	e.link = link;
	e.content = content;
	e.published = FIXTURE_DATE + published;
	story_assign(x, &e, now);
	story = strdup(e.story);
	free(e.story_text);
	free(e.story_links);
	free(e.story_vec);
	return story;
}

TEST(test_a_citation_alone_joins)
{
	struct story_index *x = story_index_new(5 * DAY);
	time_t now = FIXTURE_DATE + DAY;
	char *s[4];

	/* Cites the report before it; no word is shared. */
	s[0] = assign_linked(x, "Quarterly results beat forecasts",
	    "<p>Revenue rose.</p>", "https://wire.example/results", 0, now);
	s[1] = assign_linked(x, "분기 실적 발표",
	    "<p><a href=\"https://wire.example/results?utm_source=x\">원문"
	    "</a></p>", "https://kr.example/1", 600, now);
	/* Cited before it is delivered: the report joins its citer. */
	s[2] = assign_linked(x, "세계 날씨 소식",
	    "<p><a href=\"https://wire.example/storm\">원문</a></p>",
	    "https://kr.example/2", 700, now);
	s[3] = assign_linked(x, "Storm reaches the coast",
	    "<p>Winds of 150 km/h.</p>", "https://wire.example/storm", 800,
	    now);
	ASSERT_STR(s[1], s[0]);
	ASSERT_STR(s[3], s[2]);
	ASSERT(strcmp(s[2], s[0]) != 0);
	for (int i = 0; i < 4; i++)
		free(s[i]);
	story_index_free(x);
}

/*
 * A feed that dates its entries by their update alone (RSS 1.0's dc:date)
 * is grouped by that date, not by when the entry was delivered: a year
 * later, it still meets the other reports of its day.
 */
TEST(test_an_update_date_alone_dates_an_entry)
{
	struct story_index *x = story_index_new(5 * DAY);
	time_t now = FIXTURE_DATE + 400 * DAY;
	struct entry e[2];
	char *story[2];

	/* Both delivered now, a year after their day. */
	for (int i = 0; i < 2; i++) {
		e[i] = make(&deal[i]);
		e[i].seen = e[i].date = now;
	}
	e[1].updated = e[1].published;
	e[1].published = 0;
	for (int i = 0; i < 2; i++) {
		story_assign(x, &e[i], now);
		story[i] = strdup(e[i].story);
		free(e[i].story_text);
		free(e[i].story_links);
		free(e[i].story_vec);
	}
	ASSERT_STR(story[1], story[0]);
	free(story[0]);
	free(story[1]);
	story_index_free(x);
}

int
main(void)
{
	RUN(test_one_event_one_story_across_languages);
	RUN(test_a_key_keeps_its_story);
	RUN(test_window_forgets_by_delivery_time);
	RUN(test_restore_gives_the_same_stories);
	RUN(test_a_citation_alone_joins);
	RUN(test_an_update_date_alone_dates_an_entry);
	return TEST_DONE();
}
