/*
 * CSS selectors for site rules, the subset rules need: a list apart by
 * commas of compound selectors apart by white space (descendants), each
 * an element name or "*" followed by any of .class, #id, [attr] and
 * [attr=value] (the value quoted or not).  Names compare in any case,
 * classes, ids and values exactly, as browsers compare them in
 * standards mode.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract.h"
#include "extract_priv.h"
#include "xmalloc.h"

enum part_kind { PART_TAG, PART_CLASS, PART_ID, PART_ATTR };

struct part {
	enum part_kind	 kind;
	char		*name;		/* tag, class, id or attribute */
	char		*value;		/* PART_ATTR's, NULL: present */
};

struct compound {
	struct part	*parts;
	size_t		 n;
};

struct selector {
	struct compound	*c;		/* outermost first */
	size_t		 n;
};

struct xselect {
	struct selector	*s;
	size_t		 n;
};

static int
name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
	    (unsigned char)c >= 0x80;
}

static char *
read_name(const char **p)
{
	const char *s = *p;

	while (name_char(**p))
		(*p)++;
	return *p > s ? xstrndup(s, (size_t)(*p - s)) : NULL;
}

static void
part_add(struct compound *c, enum part_kind kind, char *name, char *value)
{
	c->parts = xreallocarray(c->parts, c->n + 1, sizeof(*c->parts));
	c->parts[c->n].kind = kind;
	c->parts[c->n].name = name;
	c->parts[c->n++].value = value;
}

/* [attr] or [attr=value] at *p (past '['): 0, or -1. */
static int
read_attr(const char **p, struct compound *c)
{
	char *name, *value = NULL, q;
	const char *s;

	if ((name = read_name(p)) == NULL)
		return -1;
	if (**p == '=') {
		(*p)++;
		q = **p == '"' || **p == '\'' ? *(*p)++ : ']';
		for (s = *p; **p != '\0' && **p != q; (*p)++)
			;
		if (**p == '\0') {
			free(name);
			return -1;
		}
		value = xstrndup(s, (size_t)(*p - s));
		if (q != ']')
			(*p)++;
	}
	if (**p != ']') {
		free(name);
		free(value);
		return -1;
	}
	(*p)++;
	part_add(c, PART_ATTR, name, value);
	return 0;
}

/* One compound selector at *p into c (freed by the caller): 0, or -1. */
static int
read_compound(const char **p, struct compound *c)
{
	char *name;
	int star = 0;
	char k;

	memset(c, 0, sizeof(*c));
	if (**p == '*') {
		(*p)++;
		star = 1;
	} else if ((name = read_name(p)) != NULL)
		part_add(c, PART_TAG, name, NULL);
	while ((k = **p) == '.' || k == '#' || k == '[') {
		(*p)++;
		if (k == '[') {
			if (read_attr(p, c) == -1)
				return -1;
			continue;
		}
		if ((name = read_name(p)) == NULL)
			return -1;
		part_add(c, k == '.' ? PART_CLASS : PART_ID, name, NULL);
	}
	return c->n > 0 || star ? 0 : -1;
}

static void
compound_free(struct compound *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->parts[i].name);
		free(c->parts[i].value);
	}
	free(c->parts);
}

void
xselect_free(struct xselect *x)
{
	if (x == NULL)
		return;
	for (size_t i = 0; i < x->n; i++) {
		for (size_t k = 0; k < x->s[i].n; k++)
			compound_free(&x->s[i].c[k]);
		free(x->s[i].c);
	}
	free(x->s);
	free(x);
}

struct xselect *
xselect_parse(const char *text)
{
	struct xselect *x = xcalloc(1, sizeof(*x));
	struct selector *sel;
	struct compound c;
	const char *p = text;

	for (;;) {
		x->s = xreallocarray(x->s, x->n + 1, sizeof(*x->s));
		sel = &x->s[x->n++];
		memset(sel, 0, sizeof(*sel));
		for (;;) {
			p += strspn(p, " \t");
			if (*p == ',' || *p == '\0')
				break;
			if (read_compound(&p, &c) == -1) {
				compound_free(&c);
				goto bad;
			}
			sel->c = xreallocarray(sel->c, sel->n + 1,
			    sizeof(*sel->c));
			sel->c[sel->n++] = c;
			if (*p != '\0' && *p != ',' && *p != ' ' && *p != '\t')
				goto bad;
		}
		if (sel->n == 0)
			goto bad;
		if (*p == '\0')
			return x;
		p++;
	}
bad:
	xselect_free(x);
	return NULL;
}

/* Whether the space-separated list has the token word. */
static int
has_token(const char *list, const char *word)
{
	size_t n = strlen(word), k;

	while (list != NULL && *list != '\0') {
		list += strspn(list, " \t\n\r\f");
		k = strcspn(list, " \t\n\r\f");
		if (k == n && strncmp(list, word, n) == 0)
			return 1;
		list += k;
	}
	return 0;
}

static int
compound_matches(const struct html_tree *t, uint32_t i,
    const struct compound *c)
{
	const char *v;

	if (t->nodes[i].tag == HT_TEXT || i == 0)
		return 0;
	for (size_t k = 0; k < c->n; k++) {
		const struct part *pt = &c->parts[k];

		switch (pt->kind) {
		case PART_TAG:
			if (strcasecmp(html_tree_str(t, i), pt->name) != 0)
				return 0;
			break;
		case PART_CLASS:
			if (!has_token(html_tree_attr(t, i, "class"), pt->name))
				return 0;
			break;
		case PART_ID:
			v = html_tree_attr(t, i, "id");
			if (v == NULL || strcmp(v, pt->name) != 0)
				return 0;
			break;
		case PART_ATTR:
			v = html_tree_attr(t, i, pt->name);
			if (v == NULL || (pt->value != NULL &&
			    strcmp(v, pt->value) != 0))
				return 0;
			break;
		}
	}
	return 1;
}

int
xselect_matches(const struct xselect *x, const struct html_tree *t,
    uint32_t i)
{
	for (size_t s = 0; s < x->n; s++) {
		const struct selector *sel = &x->s[s];
		uint32_t a;
		size_t k;

		if (!compound_matches(t, i, &sel->c[sel->n - 1]))
			continue;
		/* The outer compounds, each on a further ancestor. */
		a = i;
		for (k = sel->n - 1; k > 0; k--) {
			do
				a = t->nodes[a].parent;
			while (a != 0 && !compound_matches(t, a, &sel->c[k - 1]));
			if (a == 0)
				break;
		}
		if (k == 0)
			return 1;
	}
	return 0;
}

int
extract_selector_ok(const char *text)
{
	struct xselect *x = xselect_parse(text);

	xselect_free(x);
	return x != NULL;
}

int
xkeep_by_rule(struct xdoc *d)
{
	struct html_tree *t = &d->t;
	uint32_t i;
	int found = 0;

	if (d->keep == NULL)
		return -1;
	for (i = xnext(d, 0, 0, 1); i != 0; ) {
		if (xselect_matches(d->keep, t, i) && d->st[i].chars > 0) {
			t->nodes[i].mark |= MARK_KEEP;
			found = 1;
			i = xnext(d, i, 0, 0);	/* the outermost only */
		} else
			i = xnext(d, i, 0, 1);
	}
	return found ? 0 : -1;
}
