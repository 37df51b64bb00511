/*
 * The entry the unit tests build on: one set of defaults, which a test
 * overrides field by field where it checks a value.  Its strings are
 * borrowed (string literals, never freed).
 */
#ifndef ENTRY_FIXTURE_H
#define ENTRY_FIXTURE_H

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "entry.h"

#define FIXTURE_DATE	1700000000	/* 2023-11-14T22:13:20Z */

/*
 * An entry with key, title and date (also its first-seen time).  A key of
 * one character is that character 64 times, so that it stands out in a
 * maildir name; a longer one is taken as it is.
 */
static inline struct entry
entry_fixture(const char *key, char *title, time_t date)
{
	struct entry e;

	memset(&e, 0, sizeof(e));
	if (strlen(key) == 1) {
		memset(e.key, key[0], KEY_HEX_LEN);
		e.key[KEY_HEX_LEN] = '\0';
	} else
		snprintf(e.key, sizeof(e.key), "%s", key);
	e.feed_name = "news";
	e.feed_title = "Example News";
	e.feed_url = "http://127.0.0.1:8080/feed.xml";
	e.title = title;
	e.link = "http://127.0.0.1:8080/a?x=1";
	e.id = "tag:example.org,2024:1";
	e.content = "<p>Hello &amp; <b>world</b></p>";
	e.date = e.seen = date;
	return e;
}

#endif
