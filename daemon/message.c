/*
 * An entry as one RFC 5322 message for the maildir: a header block built
 * from feed text that can never break out of its header (control
 * characters become spaces, long values are folded, non-ASCII is RFC 2047
 * encoded), and a multipart/alternative body with a plain-text rendering
 * and the HTML, both UTF-8 in quoted-printable so that no line is longer
 * than 76 bytes.  Lines end in LF, as maildir readers expect.
 *
 * The recipient is the group "undisclosed-recipients:;": the message is
 * addressed to nobody in particular, and some readers want a To: header.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "html_text.h"
#include "message.h"
#include "text.h"
#include "url.h"
#include "utf8.h"
#include "xmalloc.h"

#define MSG_FROM_ADDR	"aggregator@localhost"
#define MSG_ID_DOMAIN	"aggregator"
/* RFC 5322 asks for 78; encoded-words want lines of at most 76. */
#define MSG_FOLD_WIDTH	78
#define MSG_EW_LINE	76
#define MSG_EW_MAX	75
/* "=?UTF-8?B?" (or "?Q?") and "?=" around the encoded text. */
#define MSG_EW_FRAME	12
/* Words longer than this cannot be folded and get encoded instead. */
#define MSG_WORD_MAX	900
#define MSG_QP_WIDTH	76

static int	 msg_needs_encoding(const char *, size_t);
static void	 msg_base64(struct buf *, const unsigned char *, size_t);
static size_t	 msg_ew_b(const unsigned char *, size_t, size_t);
static size_t	 msg_q_width(unsigned char);
static size_t	 msg_ew_q(const unsigned char *, size_t, size_t);
static void	 msg_q(struct buf *, const unsigned char *, size_t);
static void	 msg_encode_words(struct buf *, const char *, size_t);
static void	 msg_fold_plain(struct buf *, const char *, size_t);
static void	 msg_header(struct buf *, const char *, const char *);
static void	 msg_story(struct buf *, const struct entry *);
static void	 msg_from(struct buf *, const char *);
static size_t	 msg_qp_run(const unsigned char *);
static void	 msg_qp(struct buf *, const char *);
static void	 msg_html_escape(struct buf *, const char *);
static char	*msg_plain_part(const struct entry *, const char *);
static char	*msg_html_part(const struct entry *, const char *);
static void	 msg_delimiter(struct buf *, const char *, int);

/*
 * Whether a cleaned header value must be RFC 2047 encoded: it is not
 * ASCII, it holds text a decoder would take for an encoded-word, or a word
 * is too long to be folded.
 */
static int
msg_needs_encoding(const char *s, size_t col)
{
	const char *p, *sp;

	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80)
			return 1;
	if (strstr(s, "=?") != NULL)
		return 1;
	for (p = s; *p != '\0'; p = sp + 1) {
		sp = strchrnul(p, ' ');
		if ((size_t)(sp - p) > MSG_WORD_MAX ||
		    (p == s && col + (size_t)(sp - p) > 998))
			return 1;
		if (*sp == '\0')
			break;
	}
	return 0;
}

static void
msg_base64(struct buf *out, const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	char q[4];
	uint32_t v;

	for (; n >= 3; p += 3, n -= 3) {
		v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
		q[0] = tab[v >> 18 & 63];
		q[1] = tab[v >> 12 & 63];
		q[2] = tab[v >> 6 & 63];
		q[3] = tab[v & 63];
		buf_add(out, q, 4);
	}
	if (n > 0) {
		v = (uint32_t)p[0] << 16 | (n > 1 ? (uint32_t)p[1] << 8 : 0);
		q[0] = tab[v >> 18 & 63];
		q[1] = tab[v >> 12 & 63];
		q[2] = n > 1 ? tab[v >> 6 & 63] : '=';
		q[3] = '=';
		buf_add(out, q, 4);
	}
}

/*
 * The bytes at p (n of them) that one "B" encoded-word of at most width
 * characters carries: whole characters, and a multiple of 3 bytes unless
 * they are all the rest, so that only the last word ends in "=" padding.
 * GMime (notmuch) decodes adjacent words as one base64 stream and stops
 * at padding; 0 when no character boundary in reach is such a multiple.
 */
static size_t
msg_ew_b(const unsigned char *p, size_t n, size_t width)
{
	size_t raw = (width - MSG_EW_FRAME) / 4 * 3, take = 0, best = 0;
	uint32_t cp;

	while (take < n) {
		take += utf8_decode_lossy(p + take, n - take, &cp);
		if (take > raw)
			return best;
		if (take % 3 == 0)
			best = take;
	}
	return take;
}

/*
 * The width of byte c in a "Q" encoded-word: itself, or "=XX".  The
 * bytes kept are those RFC 2047 section 5 (3) allows in a phrase, the
 * strictest place (From:'s display name); a space is "_".
 */
static size_t
msg_q_width(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == ' ' ||
	    (c != '\0' && strchr("!*+-/", c) != NULL))
		return 1;
	return 3;
}

/* The bytes at p of whole characters that fit a "Q" word of width. */
static size_t
msg_ew_q(const unsigned char *p, size_t n, size_t width)
{
	size_t room = width - MSG_EW_FRAME, take = 0, used = 0, len, w, i;
	uint32_t cp;

	while (take < n) {
		len = utf8_decode_lossy(p + take, n - take, &cp);
		for (w = 0, i = 0; i < len; i++)
			w += msg_q_width(p[take + i]);
		if (used + w > room)
			break;
		used += w;
		take += len;
	}
	return take;
}

static void
msg_q(struct buf *out, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; n > 0; p++, n--) {
		if (*p == ' ')
			buf_addc(out, '_');
		else if (msg_q_width(*p) == 1)
			buf_addc(out, (char)*p);
		else {
			buf_addc(out, '=');
			buf_addc(out, hex[*p >> 4]);
			buf_addc(out, hex[*p & 15]);
		}
	}
}

/*
 * UTF-8 encoded-words, one per line, each at most 75 characters and each
 * line at most 76 (the first counting the col bytes before it).  Words
 * end only on character boundaries, as RFC 2047 section 5 requires.  Each
 * word is "B" or "Q", whichever carries more of the text (Q wins for
 * ASCII, and where B could only end on a padded word).  The white space
 * between encoded-words is ignored by decoders, so the spaces of the text
 * are inside the words.
 */
static void
msg_encode_words(struct buf *out, const char *s, size_t col)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), width, b, q;
	int first = 1;

	do {
		width = MSG_EW_LINE > col ? MSG_EW_LINE - col : 0;
		if (width > MSG_EW_MAX)
			width = MSG_EW_MAX;
		/* Room for at least one four-byte character. */
		if (width < 24)
			width = 24;
		b = msg_ew_b(p, n, width);
		q = msg_ew_q(p, n, width);
		if (!first)
			buf_addstr(out, "\n ");
		if (b >= q) {
			buf_addstr(out, "=?UTF-8?B?");
			msg_base64(out, p, b);
		} else {
			buf_addstr(out, "=?UTF-8?Q?");
			msg_q(out, p, q);
			b = q;
		}
		buf_addstr(out, "?=");
		p += b;
		n -= b;
		col = 1;
		first = 0;
	} while (n > 0);
}

/* Folds a cleaned ASCII value at its spaces, aiming at 78 columns. */
static void
msg_fold_plain(struct buf *out, const char *s, size_t col)
{
	const char *p = s, *sp;
	size_t wlen;

	for (;;) {
		sp = strchrnul(p, ' ');
		wlen = (size_t)(sp - p);
		if (p != s) {
			if (col + 1 + wlen > MSG_FOLD_WIDTH) {
				buf_addc(out, '\n');
				col = 0;
			}
			buf_addc(out, ' ');
			col++;
		}
		buf_add(out, p, wlen);
		col += wlen;
		if (*sp == '\0')
			break;
		p = sp + 1;
	}
}

char *
message_encode_header(const char *value, size_t name_len)
{
	struct buf out;
	char *v;

	v = text_clean(value != NULL ? value : "", TEXT_CLEAN_LINE);
	buf_init(&out);
	if (v[0] == '\0')
		buf_addstr(&out, "");
	else if (msg_needs_encoding(v, name_len))
		msg_encode_words(&out, v, name_len);
	else
		msg_fold_plain(&out, v, name_len);
	free(v);
	return buf_release(&out);
}

/* Appends "Name: value" as an unstructured header. */
static void
msg_header(struct buf *b, const char *name, const char *value)
{
	char *v;
	size_t nlen = strlen(name);

	v = message_encode_header(value, nlen + 2);
	buf_add(b, name, nlen);
	buf_add(b, ": ", 2);
	buf_addstr(b, v);
	buf_addc(b, '\n');
	free(v);
}

/* From: with name (a feed's title) as display name: a phrase, not text. */
static void
msg_from(struct buf *b, const char *name)
{
	const char *p;
	size_t run;
	char *v;

	v = text_clean(name != NULL ? name : "", TEXT_CLEAN_LINE);
	if (v[0] == '\0') {
		free(v);
		v = xstrdup(AGG_NAME);
	}
	buf_addstr(b, "From: ");
	if (msg_needs_encoding(v, 0) || strlen(v) > MSG_WORD_MAX)
		msg_encode_words(b, v, 6);
	else {
		buf_addc(b, '"');
		for (p = v;; p++) {
			run = strcspn(p, "\"\\");
			buf_add(b, p, run);
			if (p[run] == '\0')
				break;
			p += run;
			buf_addc(b, '\\');
			buf_addc(b, *p);
		}
		buf_addc(b, '"');
	}
	buf_addstr(b, " <" MSG_FROM_ADDR ">\n");
	free(v);
}

/*
 * The number of bytes at p that quoted-printable keeps literal: printable
 * ASCII but "=", and blanks that do not end a line or the text.
 */
static size_t
msg_qp_run(const unsigned char *p)
{
	size_t i;

	for (i = 0;; i++) {
		if (p[i] > ' ' && p[i] <= '~' && p[i] != '=')
			continue;
		if ((p[i] == ' ' || p[i] == '\t') && p[i + 1] != '\n' &&
		    p[i + 1] != '\0')
			continue;
		return i;
	}
}

/*
 * Quoted-printable (RFC 2045 6.7) of cleaned UTF-8 text with LF line
 * ends: lines of at most 76 bytes, white space before a line end encoded,
 * and "From " at a line start encoded for readers that convert to mbox.
 */
static void
msg_qp(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;
	size_t col = 0, run, take;
	char *d;

	/* Leave room on each line for the "=" of a soft line break. */
	while (*p != '\0') {
		if (*p == '\n') {
			buf_addc(out, '\n');
			col = 0;
			p++;
			continue;
		}
		/* Only a line start (not a soft break) can begin "From ". */
		if (col == 0 && strncmp((const char *)p, "From ", 5) == 0)
			run = 0;
		else
			run = msg_qp_run(p);
		if (run == 0) {
			/*
			 * One byte to encode, with the non-ASCII ones after
			 * it (UTF-8 text), written in place.  A line holds 25
			 * "=XX", so run of them need at most run / 25 + 1
			 * soft breaks.
			 */
			for (run = 1; p[run] >= 0x80; run++)
				;
			buf_grow(out, run * 3 + (run / 25 + 1) * 2);
			d = out->data + out->len;
			for (; run > 0; run--, p++) {
				if (col + 3 > MSG_QP_WIDTH - 1) {
					*d++ = '=';
					*d++ = '\n';
					col = 0;
				}
				*d++ = '=';
				*d++ = hex[*p >> 4];
				*d++ = hex[*p & 15];
				col += 3;
			}
			*d = '\0';
			out->len = (size_t)(d - out->data);
			continue;
		}
		/* A break only when more is to come, never at a run's end. */
		while (run > 0) {
			if (col == MSG_QP_WIDTH - 1) {
				buf_add(out, "=\n", 2);
				col = 0;
			}
			take = MSG_QP_WIDTH - 1 - col;
			if (take > run)
				take = run;
			buf_add(out, p, take);
			col += take;
			p += take;
			run -= take;
		}
	}
	if (col > 0)
		buf_addc(out, '\n');
}

/* s as HTML text or attribute value. */
static void
msg_html_escape(struct buf *b, const char *s)
{
	text_escape(b, s, strlen(s), TEXT_ESC_QUOTE);
}

static char *
msg_plain_part(const struct entry *e, const char *content)
{
	struct buf b;
	char *text;

	buf_init(&b);
	text = html_text(content);
	buf_addstr(&b, text);
	free(text);
	if (url_is_http(e->link)) {
		if (b.len > 0)
			buf_addstr(&b, "\n\n");
		text = text_clean(e->link, TEXT_CLEAN_LINE);
		buf_addstr(&b, text);
		free(text);
	}
	if (e->comments != NULL) {
		if (b.len > 0)
			buf_addstr(&b, url_is_http(e->link) ? "\n" : "\n\n");
		text = text_clean(e->comments, TEXT_CLEAN_LINE);
		buf_printf(&b, "Comments: %s", text);
		free(text);
	}
	/* Enclosures: their URLs, a line each, after the links. */
	for (const char *p = e->enclosures; p != NULL && *p != '\0';
	    p += strcspn(p, "\n") + 1) {
		if (p != e->enclosures)
			buf_addc(&b, '\n');
		else if (b.len > 0)
			buf_addstr(&b, "\n\n");
		buf_add(&b, p, strcspn(p, "\t\n"));
	}
	buf_addc(&b, '\n');
	buf_addc(&b, '\0');
	return buf_release(&b);
}

/* A small HTML document: the title as a link, then the content as is. */
static char *
msg_html_part(const struct entry *e, const char *content)
{
	struct buf b;
	char *title, *link;

	title = text_clean(e->title != NULL ? e->title : "", TEXT_CLEAN_LINE);
	link = url_is_http(e->link) ?
	    text_clean(e->link, TEXT_CLEAN_LINE) : NULL;
	buf_init(&b);
	buf_addstr(&b, "<!DOCTYPE html>\n<html>\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>");
	msg_html_escape(&b, title);
	buf_addstr(&b, "</title>\n</head>\n<body>\n<h1>");
	text_html_link(&b, title, link);
	buf_addstr(&b, "</h1>\n");
	buf_addstr(&b, content);
	if (e->comments != NULL) {
		char *comments = text_clean(e->comments, TEXT_CLEAN_LINE);

		buf_addstr(&b, "\n<p>");
		text_html_link(&b, "Comments", comments);
		buf_addstr(&b, "</p>");
		free(comments);
	}
	for (const char *p = e->enclosures; p != NULL && *p != '\0';
	    p += strcspn(p, "\n") + 1) {
		char *url = xstrndup(p, strcspn(p, "\t\n"));

		buf_addstr(&b, p == e->enclosures ? "\n<ul>\n<li>" : "<li>");
		text_html_link(&b, url, url);
		buf_addstr(&b, "</li>\n");
		free(url);
	}
	if (e->enclosures != NULL)
		buf_addstr(&b, "</ul>");
	buf_addstr(&b, "\n</body>\n</html>\n");
	buf_addc(&b, '\0');
	free(title);
	free(link);
	return buf_release(&b);
}

/* A MIME boundary line, or the closing one when last. */
static void
msg_delimiter(struct buf *b, const char *boundary, int last)
{
	buf_add(b, "\n--", 3);
	buf_addstr(b, boundary);
	if (last)
		buf_add(b, "--", 2);
	buf_addc(b, '\n');
}

/*
 * The story's id, and for every message but its first the root's
 * Message-ID, so that mail readers thread a story (SPEC "Stories").
 */
static void
msg_story(struct buf *b, const struct entry *e)
{
	if (e->story[0] == '\0')
		return;
	buf_addstr(b, "X-RSS-Story: ");
	buf_addstr(b, e->story);
	buf_addc(b, '\n');
	if (strcmp(e->story, e->key) == 0)
		return;
	buf_addstr(b, "In-Reply-To: <");
	buf_addstr(b, e->story);
	buf_addstr(b, "@" MSG_ID_DOMAIN ">\nReferences: <");
	buf_addstr(b, e->story);
	buf_addstr(b, "@" MSG_ID_DOMAIN ">\n");
}

void
message_start(struct buf *b, const struct message_head *h)
{
	char date[64];

	date_format_rfc5322(h->date, date, sizeof(date));
	msg_from(b, h->from);
	buf_addstr(b, "To: undisclosed-recipients:;\n");
	msg_header(b, "Subject", h->subject != NULL && h->subject[0] != '\0' ?
	    h->subject : "(no title)");
	/* Plain appends: these run once per message, printf twice per call. */
	buf_addstr(b, "Date: ");
	buf_addstr(b, date);
	buf_addstr(b, "\nMessage-ID: <");
	buf_addstr(b, h->id);
	buf_addstr(b, "@" MSG_ID_DOMAIN ">\n");
}

void
message_alternative(struct buf *b, const char *id, const char *plain,
    const char *html)
{
	char boundary[64], *part;
	int n;

	/* "=_" never occurs in base64 or quoted-printable text. */
	n = snprintf(boundary, sizeof(boundary), "=_aggregator_%.32s", id);
	if (n < 0 || (size_t)n >= sizeof(boundary))
		boundary[sizeof(boundary) - 1] = '\0';
	buf_addstr(b, "MIME-Version: 1.0\n");
	buf_addstr(b, "Content-Type: multipart/alternative;\n"
	    " boundary=\"");
	buf_addstr(b, boundary);
	buf_addstr(b, "\"\n\n"
	    "This is a multi-part message in MIME format.\n");

	msg_delimiter(b, boundary, 0);
	buf_addstr(b, "Content-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n");
	part = text_clean(plain, TEXT_CLEAN_LINES);
	msg_qp(b, part);
	free(part);

	msg_delimiter(b, boundary, 0);
	buf_addstr(b, "Content-Type: text/html; charset=utf-8\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n");
	part = text_clean(html, TEXT_CLEAN_LINES);
	msg_qp(b, part);
	free(part);

	msg_delimiter(b, boundary, 1);
}

/*
 * Each enclosure as an X-RSS-Enclosure header, "URL (TYPE, N bytes)",
 * for the mail readers and filters of podcasts.
 */
static void
msg_enclosures(struct buf *b, const struct entry *e)
{
	const char *p, *t1, *t2;
	size_t n;
	char *v;

	for (p = e->enclosures; p != NULL && *p != '\0'; p += n + 1) {
		n = strcspn(p, "\n");
		t1 = memchr(p, '\t', n);
		t2 = t1 != NULL ? memchr(t1 + 1, '\t', (size_t)(p + n - t1 - 1)) :
		    NULL;
		if (t2 == NULL)
			break;
		if (t2 > t1 + 1 && p + n > t2 + 1)
			v = xasprintf("%.*s (%.*s, %.*s bytes)", (int)(t1 - p), p,
			    (int)(t2 - t1 - 1), t1 + 1, (int)(p + n - t2 - 1),
			    t2 + 1);
		else if (t2 > t1 + 1)
			v = xasprintf("%.*s (%.*s)", (int)(t1 - p), p,
			    (int)(t2 - t1 - 1), t1 + 1);
		else
			v = xstrndup(p, (size_t)(t1 - p));
		msg_header(b, "X-RSS-Enclosure", v);
		free(v);
	}
}

/* The display name of e's From: as its feed's from_name says; allocated. */
static char *
msg_sender(const struct entry *e)
{
	const char *feed = e->feed_title != NULL && e->feed_title[0] != '\0' ?
	    e->feed_title : e->feed_name;
	int author = e->author != NULL && e->author[0] != '\0';

	if (author && e->from_name == FROM_FEED_AUTHOR)
		return xasprintf("%s: %s", feed != NULL ? feed : "", e->author);
	if (author && e->from_name == FROM_AUTHOR)
		return xstrdup(e->author);
	return xstrdup(feed != NULL ? feed : "");
}

char *
message_render(const struct entry *e, size_t *len)
{
	const char *content = e->content != NULL ? e->content : "";
	char *sender = msg_sender(e);
	struct message_head h = {
		.from = sender,
		.subject = e->title,
		.date = e->date,
		.id = e->key,
	};
	char *plain, *html;
	struct buf b;

	buf_init(&b);
	message_start(&b, &h);
	if (e->feed_url != NULL && e->feed_url[0] != '\0')
		msg_header(&b, "X-RSS-Feed", e->feed_url);
	if (url_is_http(e->link))
		msg_header(&b, "X-RSS-URL", e->link);
	if (e->id != NULL && e->id[0] != '\0')
		msg_header(&b, "X-RSS-ID", e->id);
	if (e->keywords != NULL)
		msg_header(&b, "Keywords", e->keywords);
	msg_enclosures(&b, e);
	msg_story(&b, e);
	plain = msg_plain_part(e, content);
	html = msg_html_part(e, content);
	message_alternative(&b, e->key, plain, html);
	free(plain);
	free(html);
	free(sender);
	*len = b.len;
	return buf_release(&b);
}
