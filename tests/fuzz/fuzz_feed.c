/*
 * libFuzzer target: the feed parser on arbitrary bytes, then every parsed
 * entry the way a poll takes it: into an entry record, rendered as a
 * message, and written into the merged Atom feed.  An input whose first
 * line is "CT:<Content-Type>" is also parsed with that HTTP Content-Type
 * over the rest, so the charset paths are reached.  The message and the
 * merged feed are checked against the promises of message.h and atom.c:
 * no CR, no NUL, lines of at most 998 bytes, and a well-formed document.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "atom.h"
#include "entry.h"
#include "feed.h"
#include "message.h"
#include "xmalloc.h"

#define FUZZ_BASE	"http://example.com/blog/feed.xml"
#define FUZZ_NOW	1700000000

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	fuzz_dir[64];
static char	fuzz_atom[96];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xmlInitParser();
	return 0;
}

/*
 * A folder of its own for each input's merged feed, removed after it:
 * libFuzzer ends without running atexit handlers.  tmpfs when there is
 * one, since the feed is synced.
 */
static void
fuzz_dir_make(void)
{
	snprintf(fuzz_dir, sizeof(fuzz_dir), "/dev/shm/fuzz_feed.XXXXXX");
	if (mkdtemp(fuzz_dir) == NULL) {
		snprintf(fuzz_dir, sizeof(fuzz_dir), "/tmp/fuzz_feed.XXXXXX");
		if (mkdtemp(fuzz_dir) == NULL) {
			perror("mkdtemp");
			abort();
		}
	}
	snprintf(fuzz_atom, sizeof(fuzz_atom), "%s/merged.xml", fuzz_dir);
}

static void
fuzz_dir_remove(void)
{
	unlink(fuzz_atom);
	rmdir(fuzz_dir);
}

static void
fuzz_check_message(const char *msg, size_t len)
{
	size_t i, col = 0;

	if (strlen(msg) != len) {
		fprintf(stderr, "message: NUL inside or wrong length\n");
		abort();
	}
	for (i = 0; i < len; i++) {
		if (msg[i] == '\r') {
			fprintf(stderr, "message: CR at %zu\n", i);
			abort();
		}
		if (msg[i] == '\n')
			col = 0;
		else if (++col > 998) {
			fprintf(stderr, "message: line over 998 at %zu\n", i);
			abort();
		}
	}
}

static void
fuzz_check_atom(void)
{
	xmlDocPtr d;

	d = xmlReadFile(fuzz_atom, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	if (d == NULL) {
		fprintf(stderr, "atom: the merged feed is not well-formed\n");
		abort();
	}
	xmlFreeDoc(d);
}

static void
fuzz_render(const struct feed_doc *doc)
{
	struct atom_head head = {
		NULL, "urn:fuzz", "https://fuzz/self", NULL
	};
	struct entry *es;
	char *msg, err[512];
	size_t i, len;

	es = xcalloc(doc->nentries > 0 ? doc->nentries : 1, sizeof(*es));
	for (i = 0; i < doc->nentries; i++) {
		entry_from_feed(&es[i], doc, &doc->entries[i], "fuzz",
		    FUZZ_BASE, NULL, FUZZ_NOW);
		msg = message_render(&es[i], &len);
		fuzz_check_message(msg, len);
		free(msg);
	}
	fuzz_dir_make();
	head.title = doc->title.value;
	if (atom_write(fuzz_atom, &head, es, doc->nentries, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		abort();
	}
	fuzz_check_atom();
	fuzz_dir_remove();
	for (i = 0; i < doc->nentries; i++)
		entry_clear(&es[i]);
	free(es);
}

static void
fuzz_parse(const char *buf, size_t len, const char *ctype)
{
	struct feed_source src = { .url = FUZZ_BASE, .content_type = ctype };
	struct feed_doc *doc;
	char err[512];

	if ((doc = feed_parse(buf, len, &src, err, sizeof(err))) == NULL)
		return;
	fuzz_render(doc);
	feed_doc_free(doc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data, *nl;
	char *ctype;

	fuzz_parse(buf, size, NULL);
	if (size > 3 && memcmp(buf, "CT:", 3) == 0 &&
	    (nl = memchr(buf, '\n', size)) != NULL) {
		ctype = xstrndup(buf + 3, (size_t)(nl - buf - 3));
		if (strlen(ctype) == (size_t)(nl - buf - 3))
			fuzz_parse(nl + 1, size - (size_t)(nl + 1 - buf),
			    ctype);
		free(ctype);
	}
	return 0;
}
