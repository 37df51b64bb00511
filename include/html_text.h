/*
 * HTML as plain text, for the text/plain part of a message: tags dropped,
 * character references decoded, blocks and line breaks kept, white space
 * collapsed as a browser would, and the target of a link shown after it.
 */
#ifndef HTML_TEXT_H
#define HTML_TEXT_H

/* The text of html (UTF-8); the caller frees it.  Never NULL. */
char	*html_text(const char *html);

#endif
