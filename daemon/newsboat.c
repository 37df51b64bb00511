/*
 * newsboat's urls file read line by line (newsboat.h), tokenised as
 * newsboat's own tokenize_quoted does.
 */
#include <stdlib.h>
#include <string.h>

#include "newsboat.h"
#include "xmalloc.h"

static const char ws[] = " \t\r\f\v";

/*
 * The token at *p (white space already skipped) into tok, and *p past it;
 * 0 at the end of the line or at a comment.
 */
static int
token(const char **p, struct buf *tok)
{
	const char *s = *p;

	buf_reset(tok);
	buf_add(tok, "", 0);
	if (*s == '\0' || *s == '\n' || *s == '#')
		return 0;
	if (*s == '"') {
		for (s++; *s != '\0' && *s != '\n' && *s != '"'; s++) {
			if (*s == '\\' && s[1] != '\0' && s[1] != '\n')
				s++;
			buf_addc(tok, *s);
		}
		if (*s == '"')
			s++;
	} else
		for (; *s != '\0' && *s != '\n' && strchr(ws, *s) == NULL; s++)
			buf_addc(tok, *s);
	*p = s;
	return 1;
}

void
newsboat_parse(const char *text, newsboat_cb cb, void *arg)
{
	struct newsboat_line nl;
	struct buf tok;
	char **toks = NULL, *title;
	size_t n, cap = 0;
	long line = 0;

	buf_init(&tok);
	for (const char *p = text; *p != '\0'; p += *p == '\n') {
		line++;
		n = 0;
		for (p += strspn(p, ws); token(&p, &tok); p += strspn(p, ws)) {
			if (n == cap) {
				cap = cap ? cap * 2 : 8;
				toks = xreallocarray(toks, cap, sizeof(*toks));
			}
			toks[n++] = buf_release(&tok);
		}
		p += strcspn(p, "\n");
		if (n == 0 || *toks[0] == '\0')
			goto next;
		/* The first "~" tag is the title; the rest stay in order. */
		title = NULL;
		for (size_t i = 1; i < n; i++)
			if (title == NULL && toks[i][0] == '~') {
				title = toks[i];
				memmove(&toks[i], &toks[i + 1],
				    (n - i - 1) * sizeof(*toks));
				toks[n - 1] = title;
				break;
			}
		nl.url = toks[0];
		nl.title = title != NULL ? title + 1 : NULL;
		nl.tags = (const char *const *)(toks + 1);
		nl.ntags = n - 1 - (title != NULL);
		nl.line = line;
		cb(&nl, arg);
next:
		for (size_t i = 0; i < n; i++)
			free(toks[i]);
	}
	free(toks);
	buf_free(&tok);
}
