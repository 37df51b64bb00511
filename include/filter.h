/*
 * Filters (SPEC "Subscriptions"): rules that keep or drop entries by
 * their title, content, author, categories, link or age.  A feed's rules
 * come before [aggregator]'s, each in the order written; the first rule
 * that matches decides, and an entry no rule matches is kept.  Patterns
 * are PCRE2 regular expressions, UTF-8 and caseless, searched anywhere
 * in the text.
 */
#ifndef FILTER_H
#define FILTER_H
#include <stddef.h>
#include <time.h>

struct entry;
struct feed_entry;

enum filter_field {
	FILTER_TITLE,
	FILTER_CONTENT,		/* its text, markup left out */
	FILTER_AUTHOR,
	FILTER_CATEGORY,	/* any of its categories */
	FILTER_LINK,
	FILTER_AGE,		/* max_age: older than age seconds */
};

struct filter_rule {
	char	*key;		/* as written: "drop_title", "max_age" */
	char	*value;		/* the pattern or the duration, as written */
	int	 line;		/* in the config file; 0 when none */
	int	 keep;		/* keep_*: 1; drop_* and max_age: 0 */
	int	 field;		/* enum filter_field */
	long	 age;		/* FILTER_AGE's seconds */
};

struct filter_rules {
	struct filter_rule *v;
	size_t		 n;
};

/*
 * The rule key (drop_title ... keep_link, max_age) makes of value, as
 * written at line; age is max_age's value in seconds, read by the
 * caller.  0, or -1 with the reason in err (a pattern PCRE2 refuses).
 */
int	 filter_rule_make(struct filter_rule *r, const char *key,
	    const char *value, long age, int line, char *err, size_t errlen);
/* Appends a copy of r (or of each of rules) to list. */
void	 filter_rules_add(struct filter_rules *list,
	    const struct filter_rule *r);
void	 filter_rules_append(struct filter_rules *list,
	    const struct filter_rules *rules);
void	 filter_rules_clear(struct filter_rules *);
int	 filter_rules_equal(const struct filter_rules *,
	    const struct filter_rules *);

/* Rules compiled for one thread's use. */
struct filter;
struct filter *filter_new(const struct filter_rules *);
void	 filter_free(struct filter *);
/*
 * The rule that decides e (fe is where it came from, for its
 * categories) at now: its index in the rules, with *keep set; or -1 when
 * none matches (e is kept).  A search PCRE2 gives up on (its match
 * limit) is no match.
 */
long	 filter_decide(struct filter *, const struct entry *e,
	    const struct feed_entry *fe, time_t now, int *keep);
#endif
