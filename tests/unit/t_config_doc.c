/*
 * The documents against the key table: README.md's configuration tables,
 * config/aggregator.conf.example and aggregator.conf(5) each list every
 * key of config_keys[] under its section, state the table's default, and
 * list no key the table lacks.  Runs from the top of the tree, as make
 * runs it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "test.h"
#include "xmalloc.h"

#define NO_SECTION	(-1)

/* A key as a document lists it. */
struct listed {
	int	 section;	/* an enum config_section, or NO_SECTION */
	char	*name;
	char	*def;		/* the default it states; NULL: none */
	int	 states;	/* 0: the line sets a value, stating no default */
	int	 line;
};

struct doc {
	const char	*path;
	struct listed	*keys;
	size_t		 nkeys;
	int		 section;	/* where the reader is */
	int		 flag;		/* the reader's own: in the part, after .TP */
};

typedef void (*doc_line_fn)(struct doc *, char *line, int lineno);

static const char *
section_name(int section)
{
	switch (section) {
	case CONFIG_GLOBAL:
		return "[aggregator]";
	case CONFIG_FEED:
		return "[feed.NAME]";
	case CONFIG_DIGEST:
		return "[digest]";
	case CONFIG_SERVE:
		return "[serve]";
	}
	return "no section";
}

/* def is deflen bytes, or NULL; "none" is how the documents say none. */
static void
add_listed(struct doc *d, const char *name, size_t namelen, const char *def,
    size_t deflen, int states, int line)
{
	struct listed *l;

	d->keys = xreallocarray(d->keys, d->nkeys + 1, sizeof(*d->keys));
	l = &d->keys[d->nkeys++];
	l->section = d->section;
	l->name = xstrndup(name, namelen);
	l->def = NULL;
	if (def != NULL && deflen > 0 && !(deflen == 4 &&
	    strncmp(def, "none", 4) == 0))
		l->def = xstrndup(def, deflen);
	l->states = states;
	l->line = line;
}

static size_t
key_span(const char *s)
{
	return strspn(s, "abcdefghijklmnopqrstuvwxyz_");
}

static int
read_doc(struct doc *d, const char *path, doc_line_fn fn)
{
	FILE *fp;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int lineno = 0;

	memset(d, 0, sizeof(*d));
	d->path = path;
	d->section = NO_SECTION;
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while ((n = getline(&line, &cap, fp)) != -1) {
		if (n > 0 && line[n - 1] == '\n')
			line[n - 1] = '\0';
		fn(d, line, ++lineno);
	}
	free(line);
	fclose(fp);
	return 0;
}

static void
free_doc(struct doc *d)
{
	for (size_t i = 0; i < d->nkeys; i++) {
		free(d->keys[i].name);
		free(d->keys[i].def);
	}
	free(d->keys);
}

/*
 * README.md: under "## Configuration", a line starting "`[aggregator]`" or
 * "`[feed.NAME]`" opens that section's table, whose rows read
 * "| `key` | default | meaning |"; a default in backquotes is a value,
 * anything else ("none", prose) states there is none.
 */
static void
readme_line(struct doc *d, char *s, int lineno)
{
	char *name, *cell, *end;

	if (strncmp(s, "## ", 3) == 0) {
		d->flag = strcmp(s, "## Configuration") == 0;
		d->section = NO_SECTION;
	} else if (!d->flag)
		return;
	else if (strncmp(s, "`[aggregator]`", 14) == 0)
		d->section = CONFIG_GLOBAL;
	else if (strncmp(s, "`[feed.NAME]`", 13) == 0)
		d->section = CONFIG_FEED;
	else if (strncmp(s, "`[digest]`", 10) == 0)
		d->section = CONFIG_DIGEST;
	else if (strncmp(s, "`[serve]`", 9) == 0)
		d->section = CONFIG_SERVE;
	else if (strncmp(s, "| `", 3) == 0) {
		name = s + 3;
		if ((cell = strchr(name, '|')) == NULL ||
		    (end = strchr(cell + 1, '|')) == NULL)
			return;
		for (cell++; *cell == ' '; cell++)
			;
		while (end > cell && end[-1] == ' ')
			end--;
		if (end - cell >= 2 && cell[0] == '`' && end[-1] == '`' &&
		    memchr(cell + 1, '`', (size_t)(end - cell - 2)) == NULL)
			add_listed(d, name, key_span(name), cell + 1,
			    (size_t)(end - cell - 2), 1, lineno);
		else
			add_listed(d, name, key_span(name), NULL, 0, 1, lineno);
	}
}

/*
 * The example config: "# key = value" shows a key commented out with its
 * default (an empty value: none); "key = value" sets one for the example
 * and states no default.
 */
static void
example_line(struct doc *d, char *s, int lineno)
{
	size_t namelen, len;
	char *v;
	int commented = 0;

	if (*s == '[') {
		if (strcmp(s, "[aggregator]") == 0)
			d->section = CONFIG_GLOBAL;
		else if (strncmp(s, "[feed.", 6) == 0)
			d->section = CONFIG_FEED;
		else if (strcmp(s, "[digest]") == 0)
			d->section = CONFIG_DIGEST;
		else if (strcmp(s, "[serve]") == 0)
			d->section = CONFIG_SERVE;
		else
			d->section = NO_SECTION;
		return;
	}
	if (*s == '#') {
		commented = 1;
		s += 1 + strspn(s + 1, " \t");
	}
	if ((namelen = key_span(s)) == 0)
		return;
	v = s + namelen;
	v += strspn(v, " \t");
	if (*v != '=')
		return;
	v++;
	v += strspn(v, " \t");
	/*
	 * A comment follows whitespace, as the config parser has it; v[-1]
	 * is the '=' or a blank after it.
	 */
	for (len = 0; v[len] != '\0'; len++)
		if ((v[len] == '#' || v[len] == ';') &&
		    (v[len - 1] == ' ' || v[len - 1] == '\t'))
			break;
	while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t'))
		len--;
	add_listed(d, s, namelen, v, len, commented, lineno);
}

/*
 * aggregator.conf(5): in the SS sections "[aggregator]", "[feed.NAME]"
 * and "[digest]", the tag line after each .TP names a key, as in
 * .BR spool " (default " spool )
 * or .B url when it has no default.
 */
static void
man_line(struct doc *d, char *s, int lineno)
{
	char *def;
	int after_tp = d->flag;

	d->flag = 0;
	if (strncmp(s, ".SH ", 4) == 0 || strncmp(s, ".SS ", 4) == 0) {
		if (strcmp(s, ".SS \"[aggregator]\"") == 0)
			d->section = CONFIG_GLOBAL;
		else if (strcmp(s, ".SS \"[feed.NAME]\"") == 0)
			d->section = CONFIG_FEED;
		else if (strcmp(s, ".SS \"[digest]\"") == 0)
			d->section = CONFIG_DIGEST;
		else if (strcmp(s, ".SS \"[serve]\"") == 0)
			d->section = CONFIG_SERVE;
		else
			d->section = NO_SECTION;
		return;
	}
	if (strcmp(s, ".TP") == 0) {
		d->flag = 1;
		return;
	}
	if (!after_tp || d->section == NO_SECTION)
		return;
	if (strncmp(s, ".BR ", 4) == 0)
		s += 4;
	else if (strncmp(s, ".B ", 3) == 0)
		s += 3;
	else
		return;
	if ((def = strstr(s, "(default")) == NULL) {
		add_listed(d, s, key_span(s), NULL, 0, 1, lineno);
		return;
	}
	def += strlen("(default");
	def += strspn(def, " \"");
	add_listed(d, s, key_span(s), def, strcspn(def, " )\""), 1, lineno);
}

/* Every key listed, with the table's default, and nothing else. */
static void
check_doc(const char *path, doc_line_fn fn)
{
	struct doc d;

	if (read_doc(&d, path, fn) == -1) {
		TEST_FAIL("cannot read %s (run from the top of the tree)", path);
		return;
	}
	for (size_t i = 0; i < config_nkeys; i++) {
		const struct config_key *k = &config_keys[i];
		int listed = 0, stated = 0;

		for (size_t j = 0; j < d.nkeys; j++) {
			const struct listed *l = &d.keys[j];

			if (l->section != (int)k->section ||
			    strcmp(l->name, k->name) != 0)
				continue;
			listed = 1;
			if (!l->states)
				continue;
			stated = 1;
			if (!streq_null(l->def, k->def))
				TEST_FAIL("%s:%d: %s %s: default %s, but the "
				    "table's is %s", path, l->line,
				    section_name(k->section), k->name,
				    l->def != NULL ? l->def : "none",
				    k->def != NULL ? k->def : "none");
		}
		if (!listed)
			TEST_FAIL("%s: %s %s is not documented", path,
			    section_name(k->section), k->name);
		else if (!stated && k->def != NULL)
			TEST_FAIL("%s: %s %s: its default %s is not stated",
			    path, section_name(k->section), k->name, k->def);
	}
	for (size_t j = 0; j < d.nkeys; j++) {
		const struct listed *l = &d.keys[j];
		size_t i;

		for (i = 0; i < config_nkeys; i++)
			if ((int)config_keys[i].section == l->section &&
			    strcmp(config_keys[i].name, l->name) == 0)
				break;
		if (i == config_nkeys)
			TEST_FAIL("%s:%d: %s %s is not a key of the table",
			    path, l->line, section_name(l->section), l->name);
	}
	free_doc(&d);
}

TEST(readme)
{
	check_doc("README.md", readme_line);
}

TEST(example_config)
{
	check_doc("config/aggregator.conf.example", example_line);
}

TEST(man_page)
{
	check_doc("docs/man/man5/aggregator.conf.5", man_line);
}

int
main(void)
{
	RUN(readme);
	RUN(example_config);
	RUN(man_page);
	return TEST_DONE();
}
