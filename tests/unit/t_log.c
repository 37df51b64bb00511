/*
 * Tests for log.c's log_vis: what a server sent is shown with its control
 * characters escaped, whole characters kept, and never cut mid-escape.
 */
#include <string.h>

#include "log.h"
#include "test.h"

TEST(test_vis_controls)
{
	char out[256];

	/* ESC, BEL, DEL, C1 (U+009B CSI), a bad byte, line ends. */
	ASSERT_INT(log_vis(out, sizeof(out), "a\x1b[31mb\x07\x7f\xc2\x9b"
	    "c\x9b" "d\r\n\te"), strlen(out));
	ASSERT_STR(out, "a\\x1B[31mb\\x07\\x7F\\u009Bc\\x9Bd\\r\\n\\te");
	/* UTF-8 text, a no-break space and a bidi control are kept. */
	log_vis(out, sizeof(out), "\xed\x95\x9c \xc2\xa0 \xe2\x80\xae x");
	ASSERT_STR(out, "\xed\x95\x9c \xc2\xa0 \xe2\x80\xae x");
	log_vis(out, sizeof(out), "");
	ASSERT_STR(out, "");
}

/* What does not fit is left out, never half an escape or a character. */
TEST(test_vis_bounded)
{
	char out[8];

	ASSERT_INT(log_vis(out, sizeof(out), "abcd\x1b" "efgh"), 4);
	ASSERT_STR(out, "abcd");
	ASSERT_INT(log_vis(out, sizeof(out), "abcde\xed\x95\x9c"), 5);
	ASSERT_STR(out, "abcde");
	ASSERT_INT(log_vis(out, 1, "abc"), 0);
	ASSERT_STR(out, "");
	ASSERT_INT(log_vis(out, 0, "abc"), 0);
}

int
main(void)
{
	RUN(test_vis_controls);
	RUN(test_vis_bounded);
	return TEST_DONE();
}
