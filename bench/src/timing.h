/* What the bench programs time with: a monotonic clock and a sort order. */
#ifndef BENCH_TIMING_H
#define BENCH_TIMING_H
#include <time.h>

static inline double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* qsort's order for doubles, smallest first. */
static inline int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}
#endif
