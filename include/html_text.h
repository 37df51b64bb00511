/*
 * HTML as plain text, for the text/plain part of a message: tags dropped,
 * character references decoded, blocks and line breaks kept, white space
 * collapsed as a browser would, and the target of a link shown after it.
 */
#ifndef HTML_TEXT_H
#define HTML_TEXT_H

/* The text of html (UTF-8); the caller frees it.  Never NULL. */
char	*html_text(const char *html);

/*
 * The same text without link targets: cited is called with each link's
 * target instead (decoded, as written), in the order the links close.
 */
char	*html_text_cited(const char *html,
	    void (*cited)(const char *href, void *arg), void *arg);

#endif
