/*
 * Allocation that never returns NULL: out-of-memory is fatal here and
 * nowhere else, so callers never check.  Also a growable byte buffer.
 */
#ifndef XMALLOC_H
#define XMALLOC_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
/* xstrndup with ASCII letters lowercased. */
char	*xstrndup_lower(const char *, size_t);
/* Returns a copy of s, or NULL when s is NULL. */
char	*xstrdup_or_null(const char *);
/* 1 when a and b are equal strings or both NULL. */
int	 streq_null(const char *, const char *);
char	*xasprintf(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
char	*xvasprintf(const char *, va_list)
	    __attribute__((__format__(__printf__, 1, 0)));

/* A growable byte string, always NUL-terminated after the first append. */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

void	 buf_init(struct buf *);
void	 buf_free(struct buf *);
void	 buf_reset(struct buf *);
void	 buf_grow(struct buf *, size_t);
void	 buf_add_grow(struct buf *, const void *, size_t);
void	 buf_addstr(struct buf *, const char *);

/* Inline: the parser and the renderer add text a byte at a time. */
static inline void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (b->cap - b->len <= n) {
		buf_add_grow(b, p, n);
		return;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static inline void
buf_addc(struct buf *b, char c)
{
	if (b->cap - b->len <= 1) {
		buf_add_grow(b, &c, 1);
		return;
	}
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((__format__(__printf__, 2, 3)));
/*
 * Appends the whole file at path, read straight into b (sized first when
 * it is a regular file).  0, or -1 with errno set.
 */
int	 buf_read_file(struct buf *, const char *path);
/* Hands the data to the caller (never NULL) and leaves the buffer empty. */
char	*buf_release(struct buf *);

#endif
