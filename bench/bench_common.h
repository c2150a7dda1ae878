/* What the benchmarks share: a monotonic clock, and an allocator that counts heap calls (the
 * steady state of a check must make none). Each benchmark is one translation unit. */
#ifndef AWSVAL_BENCH_COMMON_H
#define AWSVAL_BENCH_COMMON_H

#include <stdlib.h>
#include <time.h>

#include "awsval.h"

static size_t allocs; /* malloc and realloc calls through bench_alc */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *count_malloc(void *ctx, size_t n)
{
    (void)ctx;
    allocs++;
    return malloc(n);
}

static void *count_realloc(void *ctx, void *p, size_t old, size_t n)
{
    (void)ctx;
    (void)old;
    allocs++;
    return realloc(p, n);
}

static void count_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

static const awsval_alc bench_alc = {count_malloc, count_realloc, count_free, NULL};

#endif
