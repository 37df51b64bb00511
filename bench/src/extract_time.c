/*
 * extract_time [-r RUNS] [-o PRED.json -g GROUND_TRUTH.json] PAGE...
 * extract_time -1 PAGE
 *
 * The article extractor inside the process, on one core when run under
 * taskset.  Every page is read into memory once; then, page by page,
 * RUNS times (default 7) html_tree_parse alone and RUNS times the whole
 * extract_page, timed with CLOCK_MONOTONIC.  Prints the median, p99
 * (nearest rank) and largest over pages of each page's median run, and
 * their sum.  The parser is the one it was linked with (html_parse.c,
 * libxml2, or bench/src/html_parse_gumbo.c).
 *
 * -o PRED.json writes {ID: {"articleBody": TEXT}} in the format of the
 * development set's evaluate.py, ID being a page's file name without
 * ".html"; -g names the ground-truth file whose "url" is each page's
 * base URL.  -1 extracts one page once and prints nothing: the run to
 * measure the peak memory of under /usr/bin/time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "extract.h"
#include "html_tree.h"
#include "timing.h"

#define MAX_RUNS	101

struct page {
	char	*path;
	char	*id;
	char	*data;
	size_t	 len;
	double	 parse_ms;	/* median of the runs */
	double	 extract_ms;
};

/* The whole file, in a buffer of its own size (plus a NUL). */
static char *
read_file(const char *path, size_t *len)
{
	FILE *f;
	char *data = NULL;
	size_t cap = 0, n = 0, got;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0) {
		long end = ftell(f);

		if (end >= 0)
			cap = (size_t)end + 1;
		rewind(f);
	}
	if (cap == 0)
		cap = 4096;
	if ((data = malloc(cap)) == NULL)
		goto fail;
	while ((got = fread(data + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			char *more = realloc(data, cap * 2);

			if (more == NULL)
				goto fail;
			data = more;
			cap *= 2;
		}
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	data[n] = '\0';
	*len = n;
	return data;
fail:
	free(data);
	fclose(f);
	return NULL;
}

/* The file name without its folder and without ".html". */
static char *
page_id(const char *path)
{
	const char *base = strrchr(path, '/');
	char *id, *dot;

	id = strdup(base != NULL ? base + 1 : path);
	if (id != NULL && (dot = strstr(id, ".html")) != NULL &&
	    dot[5] == '\0')
		*dot = '\0';
	return id;
}

/* Nearest rank: the smallest value at least share of them reach. */
static double
rank(const double *sorted, size_t n, double share)
{
	size_t k = (size_t)(share * (double)n + 0.999999);

	return sorted[k > 0 ? k - 1 : 0];
}

static void
report(const char *what, const struct page *pages, size_t n, int extract)
{
	double *v, sum = 0, worst = -1;
	const char *worst_id = "";

	if ((v = malloc(n * sizeof(*v))) == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		v[i] = extract ? pages[i].extract_ms : pages[i].parse_ms;
		sum += v[i];
		if (v[i] > worst) {
			worst = v[i];
			worst_id = pages[i].id;
		}
	}
	qsort(v, n, sizeof(*v), by_value);
	printf("  %-8s median %7.3f ms  p99 %7.3f ms  max %7.3f ms (%.8s)  "
	    "total %8.1f ms\n", what, rank(v, n, 0.5), rank(v, n, 0.99),
	    worst, worst_id, sum);
	free(v);
}

static const char *
base_url(json_t *truth, const char *id)
{
	json_t *url = json_object_get(json_object_get(truth, id), "url");

	return json_is_string(url) ? json_string_value(url) : NULL;
}

static int
usage(void)
{
	fprintf(stderr, "usage: extract_time [-r RUNS] [-o PRED.json "
	    "-g GROUND_TRUTH.json] PAGE...\n       extract_time -1 PAGE\n");
	return 2;
}

int
main(int argc, char **argv)
{
	struct extract_result r;
	struct page *pages;
	json_t *truth = NULL, *pred = NULL;
	const char *pred_path = NULL, *truth_path = NULL;
	double t[MAX_RUNS];
	char err[256];
	size_t n, failed = 0, bytes = 0;
	int ch, runs = 7, once = 0;

	while ((ch = getopt(argc, argv, "1g:o:r:")) != -1) {
		switch (ch) {
		case '1':
			once = 1;
			break;
		case 'g':
			truth_path = optarg;
			break;
		case 'o':
			pred_path = optarg;
			break;
		case 'r':
			runs = atoi(optarg);
			break;
		default:
			return usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || runs < 1 || runs > MAX_RUNS ||
	    (pred_path != NULL) != (truth_path != NULL) || (once && argc != 1))
		return usage();

	if (once) {
		size_t len;
		char *data = read_file(argv[0], &len);

		if (data == NULL) {
			fprintf(stderr, "extract_time: %s: %s\n", argv[0],
			    strerror(errno));
			return 1;
		}
		if (extract_page(data, len, NULL, NULL, NULL, 0, &r, err,
		    sizeof(err)) == 0)
			extract_result_free(&r);
		free(data);
		return 0;
	}

	if (truth_path != NULL) {
		json_error_t jerr;

		if ((truth = json_load_file(truth_path, 0, &jerr)) == NULL) {
			fprintf(stderr, "extract_time: %s: %s\n", truth_path,
			    jerr.text);
			return 1;
		}
		pred = json_object();
	}
	n = (size_t)argc;
	if ((pages = calloc(n, sizeof(*pages))) == NULL)
		return 1;
	for (size_t i = 0; i < n; i++) {
		pages[i].path = argv[i];
		pages[i].id = page_id(argv[i]);
		pages[i].data = read_file(argv[i], &pages[i].len);
		if (pages[i].id == NULL || pages[i].data == NULL) {
			fprintf(stderr, "extract_time: %s: %s\n", argv[i],
			    strerror(errno));
			return 1;
		}
		bytes += pages[i].len;
	}

	for (size_t i = 0; i < n; i++) {
		struct page *p = &pages[i];
		const char *base = truth != NULL ? base_url(truth, p->id) :
		    NULL;

		/* Once untimed: the prediction, and a warm start. */
		if (extract_page(p->data, p->len, NULL, base, NULL, 0, &r, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "extract_time: %s: %s\n", p->id, err);
			failed++;
		} else {
			if (pred != NULL)
				json_object_set_new(pred, p->id,
				    json_pack("{s:s}", "articleBody", r.text));
			extract_result_free(&r);
		}
		for (int k = 0; k < runs; k++) {
			struct html_tree tree;
			double start = now_ms();

			html_tree_parse(&tree, p->data, p->len);
			t[k] = now_ms() - start;
			html_tree_free(&tree);
		}
		qsort(t, (size_t)runs, sizeof(t[0]), by_value);
		p->parse_ms = t[runs / 2];
		for (int k = 0; k < runs; k++) {
			double start = now_ms();
			int rc = extract_page(p->data, p->len, NULL, base,
			    NULL, 0, &r, err, sizeof(err));

			t[k] = now_ms() - start;
			if (rc == 0)
				extract_result_free(&r);
		}
		qsort(t, (size_t)runs, sizeof(t[0]), by_value);
		p->extract_ms = t[runs / 2];
	}

	printf("extract_time: %zu pages, %.1f MiB, median of %d runs each; "
	    "%zu failed\n", n, bytes / 1048576.0, runs, failed);
	report("parse", pages, n, 0);
	report("extract", pages, n, 1);

	if (pred != NULL) {
		if (json_dump_file(pred, pred_path, JSON_INDENT(1) |
		    JSON_SORT_KEYS) == -1) {
			fprintf(stderr, "extract_time: cannot write %s\n",
			    pred_path);
			return 1;
		}
		json_decref(pred);
		json_decref(truth);
	}
	for (size_t i = 0; i < n; i++) {
		free(pages[i].id);
		free(pages[i].data);
	}
	free(pages);
	return 0;
}
