/*
 * story_load [WINDOW [MEASURED]]: story assignment at a full window.  It
 * fills an index with WINDOW entries (default 50 000) delivered over the
 * five days of the default window, then times the assignment of MEASURED
 * more (default 200 000: four turns of the window, so that the state is
 * what a running daemon holds), entries leaving the window as new ones
 * come, and prints entries per second on one core with the index's bytes
 * and the process's peak RSS.
 *
 * The entries are synthetic but shaped like news: a title of 8-14 words
 * and a text of 25-50, drawn from a Zipf-distributed vocabulary of 60 000
 * Latin words and 8 000 Hangul words, a tenth of them with a number and a
 * unit; one entry in four retells a recent one (same event, other words
 * around it), so that stories form, and half of those cite its link; an
 * entry cites one or two other pages (a source, a related article) as
 * often as not.  Entries are keyed by their link, as the daemon keys
 * them.  Seeded: every run is the same.
 */
#include <sys/resource.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "entry.h"
#include "story.h"
#include "url.h"
#include "xmalloc.h"

#define LATIN_WORDS	60000
#define HANGUL_WORDS	8000

static unsigned long long rng = 88172645463325252ULL;

static unsigned long
next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned long)(rng >> 11);
}

/* A rank in [0, n) with probability about 1/(rank+1). */
static size_t
zipf(size_t n)
{
	double u = (double)(next_random() % 1000000) / 1000000.0;

	return (size_t)(exp(u * log((double)n + 1)) - 1) % n;
}

static void
latin_word(struct buf *b, size_t rank)
{
	static const char *syl[] = { "ka", "lo", "ver", "tin", "mar", "so",
	    "den", "qui", "ra", "pel", "zor", "ni", "bel", "cas", "tu", "gen" };

	for (size_t r = rank + 1; r > 0; r /= 16)
		buf_addstr(b, syl[r % 16]);
}

static void
hangul_word(struct buf *b, size_t rank)
{
	uint32_t c;

	for (size_t r = rank + 1, i = 0; r > 0 || i < 2; r /= 97, i++) {
		c = 0xac00 + (uint32_t)((r * 131 + i * 17) % 11172);
		buf_addc(b, (char)(0xe0 | (c >> 12)));
		buf_addc(b, (char)(0x80 | ((c >> 6) & 0x3f)));
		buf_addc(b, (char)(0x80 | (c & 0x3f)));
	}
}

/* n words about the event seeded by topic (0: none). */
static void
words(struct buf *b, size_t n, unsigned long topic, int korean)
{
	unsigned long long saved = rng;

	for (size_t i = 0; i < n; i++) {
		/* Half the words come from the event, the rest from chance. */
		if (topic != 0 && i % 2 == 0) {
			saved = rng;
			rng = topic * 2654435761ULL + i;
			next_random();
		}
		if (korean && next_random() % 2 == 0)
			hangul_word(b, zipf(HANGUL_WORDS));
		else
			latin_word(b, zipf(LATIN_WORDS));
		if (next_random() % 10 == 0)
			buf_printf(b, " %lu billion", next_random() % 900 + 1);
		if (topic != 0 && i % 2 == 0)
			rng = saved;
		buf_addc(b, ' ');
	}
}

static void
make_entry(struct entry *e, unsigned long i, time_t seen)
{
	struct buf t, c;
	char *canon;
	unsigned long topic = i;
	int korean = next_random() % 4 == 0;

	if (i > 100 && next_random() % 4 == 0)
		topic = i - 1 - next_random() % 100;
	buf_init(&t);
	buf_init(&c);
	words(&t, 8 + next_random() % 7, topic, korean);
	buf_addc(&t, '\0');
	buf_addstr(&c, "<p>");
	words(&c, 25 + next_random() % 26, topic, korean);
	if (topic != i && next_random() % 2 == 0)
		buf_printf(&c, "<a href=\"https://news%lu.example/a/%lu\">"
		    "source</a> ", topic % 50, topic);
	for (unsigned long k = next_random() % 4; k > 0 && k < 3; k--)
		buf_printf(&c, "<a href=\"https://ref%lu.example/%lu\">"
		    "more</a> ", next_random() % 500, next_random());
	buf_addstr(&c, "</p>");
	buf_addc(&c, '\0');
	memset(e, 0, sizeof(*e));
	e->title = buf_release(&t);
	e->content = buf_release(&c);
	e->link = xasprintf("https://news%lu.example/a/%lu", i % 50, i);
	canon = url_canonical(e->link);
	entry_key_hash(canon, strlen(canon), e->key);
	free(canon);
	e->seen = e->date = e->published = seen;
}

int
main(int argc, char **argv)
{
	unsigned long window = argc > 1 ? strtoul(argv[1], NULL, 10) : 50000;
	unsigned long measured = argc > 2 ? strtoul(argv[2], NULL, 10) :
	    200000;
	struct story_index *x = story_index_new(STORY_WINDOW_DEFAULT);
	double step = (double)STORY_WINDOW_DEFAULT / (double)window, secs;
	time_t start = 1700000000;
	struct timespec t0, t1;
	struct rusage ru;
	struct entry e;
	size_t roots = 0;

	for (unsigned long i = 0; i < window + measured; i++) {
		time_t now = start + (time_t)((double)i * step);

		if (i == window)
			clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
		make_entry(&e, i, now);
		story_assign(x, &e, now);
		if (i >= window && strcmp(e.story, e.key) == 0)
			roots++;
		entry_clear(&e);
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	getrusage(RUSAGE_SELF, &ru);
	printf("window %zu entries: %lu assigned in %.2f s CPU = %.0f "
	    "entries/s (text made in the same loop); %.1f%% started a story\n",
	    story_index_entries(x), measured, secs, (double)measured / secs,
	    100.0 * (double)roots / (double)measured);
	printf("story state %.1f MiB; peak RSS %.1f MiB\n",
	    (double)story_index_bytes(x) / 1048576.0,
	    (double)ru.ru_maxrss / 1024.0);
	story_index_free(x);
	return 0;
}
