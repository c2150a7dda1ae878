/* Patterns: Java regex dialect (as written in AWS models) -> PCRE2, compile, match.
 *
 * awsval_regex.c is the only file that includes pcre2.h. Everything here is internal
 * (awsval__ prefix, hidden visibility). */
#ifndef AWSVAL_REGEX_H
#define AWSVAL_REGEX_H

#include <stddef.h>
#include <stdint.h>

#include "awsval.h" /* awsval_alc */

/* How a pattern must match a value. */
#define AWSVAL__RE_FULL   0u /* the whole value must match (Java String.matches, what AWS services do) */
#define AWSVAL__RE_SEARCH 1u /* a match anywhere in the value (Java Matcher.find, Smithy's rule) */

/* Outcome of awsval__regex_match. */
#define AWSVAL__RE_NOMATCH 0
#define AWSVAL__RE_MATCH   1
#define AWSVAL__RE_LIMIT  (-1) /* a match, depth or heap limit was hit: neither valid nor invalid */
#define AWSVAL__RE_ERROR  (-2) /* any other PCRE2 failure (e.g. out of memory) */

typedef struct awsval__regex awsval__regex;               /* compiled pattern, immutable, shareable */
typedef struct awsval__regex_scratch awsval__regex_scratch; /* per-thread match data */

/* Limits applied to every match (PCRE2 match limit, depth limit, heap limit in KiB). 0 = default. */
typedef struct awsval__regex_limits {
    uint32_t match_limit; /* default 100000 */
    uint32_t depth_limit; /* default 1000 */
    uint32_t heap_limit_kib; /* default 1024 */
    /* The match limit of one match is at most this times (subject bytes + 1): the work on a
     * whole request is then linear in its size, whatever its values. Default 16. */
    uint32_t match_limit_per_byte;
    /* For patterns with an NFA (AWSVAL__RE_ENGINE_NFA): the match limit per byte of PCRE2's
     * attempt before the NFA simulation decides (at most match_limit_per_byte). Default 1. */
    uint32_t nfa_pcre2_per_byte;
} awsval__regex_limits;

/* Translates a Java-dialect pattern into PCRE2 syntax with the same meaning.
 *   src/len   the Java pattern (UTF-8, need not be NUL-terminated)
 *   dst/cap   output buffer; on success holds a NUL-terminated PCRE2 pattern
 *   need      set to the buffer size the translation needs (also when cap is too small): its
 *             peak use while classes are rewritten in place, so it can exceed the length of
 *             the result plus the NUL; a buffer of `need` bytes always succeeds
 *   erroff    on error: byte offset in src
 *   errmsg    on error: a constant message
 * Returns 0 on success, 1 if cap is too small (call again with *need), -1 if the pattern is
 * not valid in Java's dialect. Pure function, thread-safe, never allocates. */
int awsval__regex_translate(const char *src, size_t len, char *dst, size_t cap, size_t *need,
                            size_t *erroff, const char **errmsg);

/* Translates and compiles with PCRE2 (UTF mode, JIT when available, never UCP), with anchoring
 * per mode. Allocates through alc (NULL = libc). On failure returns NULL and writes a
 * NUL-terminated message to errbuf (which may be NULL; exactly "out of memory" when an
 * allocation failed) and the offset in the Java source to *erroff. The result is immutable : JIT compilation happens here, never lazily. */
awsval__regex *awsval__regex_compile(const char *src, size_t len, uint32_t mode,
                                     const awsval_alc *alc, size_t *erroff, char *errbuf,
                                     size_t errcap);
void awsval__regex_free(awsval__regex *re);

/* The PCRE2 form of a compiled pattern (for diagnostics and `awsval describe`). */
const char *awsval__regex_pcre2_source(const awsval__regex *re);

/* Per-thread scratch: match data and the limits. One per checker context. */
awsval__regex_scratch *awsval__regex_scratch_create(const awsval_alc *alc,
                                                    const awsval__regex_limits *limits);
void awsval__regex_scratch_free(awsval__regex_scratch *s);

/* Starts a new request: resets the budget of the DFA fallback (see awsval__regex_match). */
void awsval__regex_scratch_new_check(awsval__regex_scratch *s);

/* Matches subj (valid UTF-8, need not be NUL-terminated) against re under the scratch's
 * limits. When the backtracking matcher hits its limit on a short value, PCRE2's DFA matcher
 * (no backtracking, so no catastrophic case) decides instead, while the request's DFA budget
 * lasts; only then is the outcome AWSVAL__RE_LIMIT. Never allocates in the steady state. Thread-safe when each thread has its own
 * scratch. Returns AWSVAL__RE_MATCH, AWSVAL__RE_NOMATCH, AWSVAL__RE_LIMIT or AWSVAL__RE_ERROR. */
int awsval__regex_match(const awsval__regex *re, const char *subj, size_t len,
                        awsval__regex_scratch *s);

/* ---- the linear-time engine (awsval_rx.h) ----------------------------------------------
 * awsval__regex_compile also parses the translated pattern into a syntax tree and builds a DFA
 * from it (awsval_rxparse.c, awsval_rxdfa.c). When it can, awsval__regex_match uses the DFA:
 * one pass, no backtracking, never AWSVAL__RE_LIMIT, same answers as PCRE2. When the DFA is
 * over budget, the NFA it would have been built from is kept and simulated (linear time too,
 * slower per character) where PCRE2 JIT gives up. Patterns the tree cannot express keep
 * PCRE2 (JIT). */
#define AWSVAL__RE_ENGINE_PCRE2  0 /* PCRE2 JIT (or interpreter), with limits and DFA fallback */
#define AWSVAL__RE_ENGINE_LINEAR 1 /* the DFA */
#define AWSVAL__RE_ENGINE_NFA    2 /* PCRE2 JIT first, the NFA simulation where it hits a limit */

/* Options of awsval__regex_compile_opts. */
#define AWSVAL__RE_OPT_NO_LINEAR 1u /* PCRE2 only (as before the linear engine; for comparisons) */
#define AWSVAL__RE_OPT_NFA       2u /* no DFA: the NFA for every linear pattern (tests, benches) */

/* awsval__regex_compile with options; awsval__regex_compile(...) is opts = 0. */
awsval__regex *awsval__regex_compile_opts(const char *src, size_t len, uint32_t mode, uint32_t opts,
                                          const awsval_alc *alc, size_t *erroff, char *errbuf,
                                          size_t errcap);

/* Which engine awsval__regex_match uses for re; *why (may be NULL) gets why it is not the
 * DFA: a constant string ("back-reference", "look-ahead", "too many DFA states", ...), NULL
 * when it is. */
int awsval__regex_engine(const awsval__regex *re, const char **why);
/* The DFA of re, or NULL when there is none (PCRE2, or PCRE2 and the NFA, decide). Lives as long
 * as re. */
const struct awsval__rx_dfa *awsval__regex_dfa(const awsval__regex *re);

/* The NFA simulation alone (re must have a tree: engine LINEAR or NFA; on a complete DFA it
 * runs the DFA). For tests and comparisons. AWSVAL__RE_ERROR when its scratch cannot grow. */
int awsval__regex_match_nfa(const awsval__regex *re, const char *subj, size_t len, awsval__regex_scratch *s);

/* Bytes the scratch's NFA simulation holds (grown to the largest NFA run), the most it can
 * hold, and releasing them (the scratch stays usable). */
size_t awsval__regex_scratch_bytes(const awsval__regex_scratch *s);
size_t awsval__regex_scratch_max_bytes(void);
void awsval__regex_scratch_trim(awsval__regex_scratch *s);

/* Bytes held by the linear engine's DFA of re (0 without one): for budgets and reports. */
size_t awsval__regex_linear_bytes(const awsval__regex *re);

/* The syntax tree of re (awsval_rx.h), for generators of matching strings; NULL when the
 * pattern is not linear (see awsval__regex_engine). Lives as long as re. */
struct awsval__rx_tree;
const struct awsval__rx_tree *awsval__regex_tree(const awsval__regex *re);

/* Matches with PCRE2 whatever the engine (JIT when the pattern has no DFA, the interpreter
 * otherwise), under the scratch's limits and DFA fallback. For tests and comparisons. */
int awsval__regex_match_pcre2(const awsval__regex *re, const char *subj, size_t len,
                              awsval__regex_scratch *s);

#endif
