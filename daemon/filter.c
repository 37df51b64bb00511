/*
 * Filters: the rules of a feed (its own, then [aggregator]'s) compiled
 * with PCRE2 and tried on an entry in order; the first that matches
 * decides.  Searches are bounded by PCRE2's match and depth limits, so a
 * hostile entry cannot make a user's pattern run for long.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "entry.h"
#include "filter.h"
#include "html_text.h"
#include "xmalloc.h"

#define MATCH_LIMIT	1000000
#define DEPTH_LIMIT	10000
#define COMPILE_FLAGS	(PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS)

static const struct {
	const char	*name;		/* after "drop_" or "keep_" */
	int		 field;
} fields[] = {
	{ "title", FILTER_TITLE },
	{ "content", FILTER_CONTENT },
	{ "author", FILTER_AUTHOR },
	{ "category", FILTER_CATEGORY },
	{ "link", FILTER_LINK },
};

struct filter {
	const struct filter_rules *rules;
	pcre2_code	**code;		/* one per rule; NULL for max_age */
	pcre2_match_data *md;
	pcre2_match_context *mc;
};

static pcre2_code *
compile(const char *pattern, char *err, size_t errlen)
{
	PCRE2_UCHAR msg[160];
	PCRE2_SIZE at;
	pcre2_code *code;
	int rc;

	code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    COMPILE_FLAGS, &rc, &at, NULL);
	if (code == NULL && err != NULL) {
		pcre2_get_error_message(rc, msg, sizeof(msg));
		snprintf(err, errlen, "%s at offset %zu", (char *)msg,
		    (size_t)at);
	}
	return code;
}

int
filter_rule_make(struct filter_rule *r, const char *key, const char *value,
    long age, int line, char *err, size_t errlen)
{
	pcre2_code *code;
	size_t i;

	memset(r, 0, sizeof(*r));
	r->line = line;
	if (strcmp(key, "max_age") == 0) {
		r->field = FILTER_AGE;
		r->age = age;
	} else {
		if (strncmp(key, "keep_", 5) == 0)
			r->keep = 1;
		else if (strncmp(key, "drop_", 5) != 0)
			return -1;
		for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			if (strcmp(key + 5, fields[i].name) == 0)
				break;
		if (i == sizeof(fields) / sizeof(fields[0])) {
			snprintf(err, errlen, "no such filter");
			return -1;
		}
		r->field = fields[i].field;
		if ((code = compile(value, err, errlen)) == NULL)
			return -1;
		pcre2_code_free(code);
	}
	r->key = xstrdup(key);
	r->value = xstrdup(value);
	return 0;
}

void
filter_rules_add(struct filter_rules *list, const struct filter_rule *r)
{
	struct filter_rule *c;

	list->v = xreallocarray(list->v, list->n + 1, sizeof(*list->v));
	c = &list->v[list->n++];
	*c = *r;
	c->key = xstrdup(r->key);
	c->value = xstrdup(r->value);
}

void
filter_rules_append(struct filter_rules *list, const struct filter_rules *rules)
{
	for (size_t i = 0; i < rules->n; i++)
		filter_rules_add(list, &rules->v[i]);
}

void
filter_rules_clear(struct filter_rules *list)
{
	for (size_t i = 0; i < list->n; i++) {
		free(list->v[i].key);
		free(list->v[i].value);
	}
	free(list->v);
	list->v = NULL;
	list->n = 0;
}

int
filter_rules_equal(const struct filter_rules *a, const struct filter_rules *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i].key, b->v[i].key) != 0 ||
		    strcmp(a->v[i].value, b->v[i].value) != 0)
			return 0;
	return 1;
}

struct filter *
filter_new(const struct filter_rules *rules)
{
	struct filter *f = xcalloc(1, sizeof(*f));

	f->rules = rules;
	f->code = xcalloc(rules->n + 1, sizeof(*f->code));
	for (size_t i = 0; i < rules->n; i++)
		if (rules->v[i].field != FILTER_AGE)
			/* Checked when the config was read: NULL never. */
			f->code[i] = compile(rules->v[i].value, NULL, 0);
	f->md = pcre2_match_data_create(1, NULL);
	f->mc = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(f->mc, MATCH_LIMIT);
	pcre2_set_depth_limit(f->mc, DEPTH_LIMIT);
	return f;
}

void
filter_free(struct filter *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->rules->n; i++)
		pcre2_code_free(f->code[i]);
	free(f->code);
	pcre2_match_data_free(f->md);
	pcre2_match_context_free(f->mc);
	free(f);
}

static int
matches(struct filter *f, pcre2_code *code, const char *s)
{
	if (code == NULL || s == NULL)
		return 0;
	return pcre2_match(code, (PCRE2_SPTR)s, strlen(s), 0, 0, f->md,
	    f->mc) >= 0;
}

static int
rule_matches(struct filter *f, size_t i, const struct entry *e,
    const struct feed_entry *fe, time_t now, char **text)
{
	const struct filter_rule *r = &f->rules->v[i];
	pcre2_code *code = f->code[i];

	switch (r->field) {
	case FILTER_TITLE:
		return matches(f, code, e->title);
	case FILTER_CONTENT:
		if (*text == NULL)
			*text = html_text(e->content != NULL ? e->content : "");
		return matches(f, code, *text);
	case FILTER_AUTHOR:
		return matches(f, code, e->author);
	case FILTER_LINK:
		return matches(f, code, e->link);
	case FILTER_CATEGORY:
		for (size_t k = 0; fe != NULL && k < fe->ntags; k++)
			if (matches(f, code, fe->tags[k].term) ||
			    matches(f, code, fe->tags[k].label))
				return 1;
		return 0;
	case FILTER_AGE:
		return e->date < now - r->age;
	}
	return 0;
}

long
filter_decide(struct filter *f, const struct entry *e,
    const struct feed_entry *fe, time_t now, int *keep)
{
	char *text = NULL;
	long decided = -1;

	for (size_t i = 0; i < f->rules->n && decided < 0; i++)
		if (rule_matches(f, i, e, fe, now, &text)) {
			*keep = f->rules->v[i].keep;
			decided = (long)i;
		}
	free(text);
	return decided;
}
