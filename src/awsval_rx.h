/* Pattern syntax tree and linear-time matcher (internal).
 *
 * awsval_rxparse.c parses the PCRE2 text that awsval__regex_translate emits (a small, fixed
 * dialect: see the grammar in awsval_rxparse.c) into a syntax tree over code-point sets, and
 * awsval_rxdfa.c compiles the tree into a DFA over code-point classes, built completely at
 * compile time (immutable afterwards, shared by threads without locks, matching allocates
 * nothing), or, when that DFA is over its budget, keeps the NFA and simulates it with scratch
 * owned by the caller. Neither file includes pcre2.h: sets written with Unicode properties
 * (\p{L}) or Unicode caseless matching are resolved into ranges by a callback that
 * awsval_regex.c implements with PCRE2's own data (a build-time table of general categories,
 * or PCRE2 itself), so both engines use the same Unicode data.
 *
 * THE TREE (for the matcher and for a generator of matching strings)
 *
 *   A tree is an immutable array of nodes; node 0 is never used, awsval__rx_root() is the
 *   root. Every node is one of:
 *
 *   AWSVAL__RX_SET     one code point from ranges[0..nranges): sorted, disjoint, not adjacent,
 *                      never containing surrogates (U+D800..U+DFFF, absent from valid UTF-8).
 *                      nranges == 0 is the empty set: the node matches nothing (Java's
 *                      impossible classes, e.g. [a&&b]). Case-insensitivity, \w, \d, \p{..},
 *                      class unions/intersections/complements are all resolved into the ranges.
 *   AWSVAL__RX_EMPTY   the empty string.
 *   AWSVAL__RX_CAT     kids in sequence (nkids >= 2).
 *   AWSVAL__RX_ALT     one of the kids (nkids >= 2); kid order is PCRE2's preference order, which
 *                      does not change the language.
 *   AWSVAL__RX_REPEAT  kid[0] repeated min..max times; max == AWSVAL__RX_INF means unbounded.
 *                      Greedy, lazy and (where kept) possessive repeats have the same language;
 *                      a generator clips max to its length bound.
 *   AWSVAL__RX_GROUP   capturing group number `group` around kid[0] (no effect on the language;
 *                      kept for diagnostics and for generators that want to label parts).
 *   AWSVAL__RX_ASSERT  zero width, `assert` says which:
 *                        AWSVAL__RX_A_START  at the start of the value (Java ^ without (?m), \A)
 *                        AWSVAL__RX_A_END    at the end of the value (\z)
 *                        AWSVAL__RX_A_EOL    Java's $ without (?m): at the end, or before a
 *                                            final line terminator (\r\n, \n not after \r, \r,
 *                                            U+0085, U+2028, U+2029) that ends the value
 *                        AWSVAL__RX_A_EOL_UNIX  $ under (?d): at the end or before a final \n
 *                        AWSVAL__RX_A_WORDB / AWSVAL__RX_A_NWORDB  \b and \B with ASCII word
 *                                            characters [0-9A-Za-z_]
 *                      A generator can satisfy START/END/EOL by position (emit nothing), and
 *                      WORDB/NWORDB by checking its neighbours.
 *
 *   The mode (whole value or search) is not in the tree: in AWSVAL__RE_FULL the tree must
 *   match the whole value, in AWSVAL__RE_SEARCH some substring of it.
 *
 *   Patterns whose language the tree cannot express (back-references, general look-ahead or
 *   look-behind, atomic groups and possessive repeats that can change the language, \X, \G,
 *   multi-line anchors, (?U) word boundaries) are refused by awsval__rx_parse with a reason;
 *   they keep using PCRE2.
 */
#ifndef AWSVAL_RX_H
#define AWSVAL_RX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "awsval.h" /* awsval_alc */

#define AWSVAL__RX_INF UINT32_MAX

enum {
    AWSVAL__RX_SET = 1,
    AWSVAL__RX_EMPTY,
    AWSVAL__RX_CAT,
    AWSVAL__RX_ALT,
    AWSVAL__RX_REPEAT,
    AWSVAL__RX_GROUP,
    AWSVAL__RX_ASSERT
};

enum {
    AWSVAL__RX_A_START = 1,
    AWSVAL__RX_A_END,
    AWSVAL__RX_A_EOL,
    AWSVAL__RX_A_EOL_UNIX,
    AWSVAL__RX_A_WORDB,
    AWSVAL__RX_A_NWORDB
};

typedef struct awsval__rx_range {
    uint32_t lo, hi; /* inclusive */
} awsval__rx_range;

typedef struct awsval__rx_node {
    uint8_t kind;   /* AWSVAL__RX_* */
    uint8_t assert; /* AWSVAL__RX_A_* for AWSVAL__RX_ASSERT */
    uint16_t group; /* AWSVAL__RX_GROUP: the capturing group's number (1-based) */
    uint32_t min, max;   /* AWSVAL__RX_REPEAT */
    uint32_t nkids;      /* CAT, ALT: >= 2; REPEAT, GROUP: 1 */
    uint32_t kids;       /* offset of the kids' node indices in the tree's kid array */
    uint32_t nranges;    /* SET */
    uint32_t ranges;     /* offset of the set's ranges in the tree's range array */
} awsval__rx_node;

typedef struct awsval__rx_tree awsval__rx_tree;

/* Accessors (the tree is opaque so that its storage can change). */
const awsval__rx_node *awsval__rx_root(const awsval__rx_tree *t);
const awsval__rx_node *awsval__rx_kid(const awsval__rx_tree *t, const awsval__rx_node *n, uint32_t i);
const awsval__rx_range *awsval__rx_ranges(const awsval__rx_tree *t, const awsval__rx_node *n);
uint32_t awsval__rx_node_count(const awsval__rx_tree *t);
/* The index of node n in t, in [1, awsval__rx_node_count(t)] (for per-node tables kept by a
 * generator). */
uint32_t awsval__rx_node_index(const awsval__rx_tree *t, const awsval__rx_node *n);
/* Writes the tree in a readable prefix form (for tests and diagnostics); returns the length it
 * needs, like snprintf. */
size_t awsval__rx_dump(const awsval__rx_tree *t, char *buf, size_t cap);

/* A growable list of ranges (used by the set resolver callback). */
typedef struct awsval__rx_rangevec {
    awsval__rx_range *v;
    size_t n, cap;
    const awsval_alc *alc;
    int oom;
} awsval__rx_rangevec;
/* Appends lo..hi (must come after every range already there; merges if adjacent). */
void awsval__rx_rangevec_push(awsval__rx_rangevec *rv, uint32_t lo, uint32_t hi);

/* Resolves a PCRE2 set expression (a bracket class with \p{..} items, a single \p{..} or
 * \P{..} item, or (?i:x) / (?i:[..])) into the code points it matches in UTF mode, appended in
 * ascending order to out. With quick = 1 the resolver may decline (return 1) when it has no
 * cheap way (a table) to answer; the parser then asks for the whole class with quick = 0.
 * Returns 0 on success, 1 when declined, -1 on failure (then the pattern is not linear). */
typedef int (*awsval__rx_resolver)(void *ctx, const char *text, size_t len, int quick,
                                   awsval__rx_rangevec *out);

/* Parses PCRE2 text produced by awsval__regex_translate. Returns 0 and *out on success;
 * 1 when the pattern uses a construct the tree cannot express (*why says which); -1 when out
 * of memory. */
int awsval__rx_parse(const char *pcre2, size_t len, const awsval_alc *alc,
                     awsval__rx_resolver resolve, void *rctx, awsval__rx_tree **out,
                     const char **why);
void awsval__rx_tree_free(awsval__rx_tree *t);

/* ---- the DFA, and the NFA it is built from ---------------------------------------------- */

typedef struct awsval__rx_dfa awsval__rx_dfa;

typedef struct awsval__rx_budget {
    uint32_t max_states;    /* DFA states; 0 = default (see awsval_rxdfa.c) */
    uint32_t max_nfa;       /* NFA states after counted repeats are unrolled; 0 = default */
    size_t max_bytes;       /* memory of the finished DFA; 0 = default */
    int nfa_only;           /* build no DFA: the NFA (at most AWSVAL__RX_NFA_KEEP states), for
                               awsval__rx_nfa_match (tests, benches) */
} awsval__rx_budget;

/* The most NFA states kept for simulation when the DFA is over budget (the scratch of
 * awsval__rx_nfa_match grows with it: see awsval__rx_scratch_max_bytes). */
#define AWSVAL__RX_NFA_KEEP 65536u

/* Builds the matcher of tree t for mode (AWSVAL__RE_FULL or AWSVAL__RE_SEARCH): a DFA, built
 * completely, when it is within budget; otherwise, when the DFA is over its budget of states,
 * bytes or construction work but the Thompson NFA (counted repeats unrolled) has at most
 * AWSVAL__RX_NFA_KEEP states, that NFA, to be simulated by awsval__rx_nfa_match
 * (awsval__rx_dfa_full says which; *why then says why there is no DFA). Returns 0 and *out, 1
 * when neither fits (*why says why), -1 when out of memory. */
int awsval__rx_dfa_build(const awsval__rx_tree *t, uint32_t mode, const awsval_alc *alc,
                         const awsval__rx_budget *budget, awsval__rx_dfa **out, const char **why);
void awsval__rx_dfa_free(awsval__rx_dfa *d);
/* 1 when d is a complete DFA (awsval__rx_dfa_match), 0 when it is an NFA (awsval__rx_nfa_match). */
int awsval__rx_dfa_full(const awsval__rx_dfa *d);
/* A complete DFA: 1 = match, 0 = no match. s must be valid UTF-8. Reads s once, allocates
 * nothing. */
int awsval__rx_dfa_match(const awsval__rx_dfa *d, const char *s, size_t n);
/* A complete DFA: whether the first step from the start state on code point cp reaches a live
 * state: for a pattern that is one character class repeated, whether cp is in the class. */
bool awsval__rx_dfa_first(const awsval__rx_dfa *d, uint32_t cp);
/* The code points from U+0080 on for which it does not hold (surrogates aside), as up to `max`
 * intervals [lo[i], hi[i]]: returns their count, or -1 when there are more. */
int awsval__rx_dfa_first_gaps(const awsval__rx_dfa *d, uint32_t *lo, uint32_t *hi, int max);
/* Size figures: DFA states (0 for an NFA), code-point classes, bytes allocated. */
void awsval__rx_dfa_stats(const awsval__rx_dfa *d, uint32_t *states, uint32_t *classes,
                          size_t *bytes);
/* NFA states (after unrolling) of d when it is an NFA, 0 for a DFA. */
uint32_t awsval__rx_nfa_states(const awsval__rx_dfa *d);

/* Scratch of the NFA simulation: one per thread (it lives in the regex scratch of a checker
 * context). Arrays grow to the largest NFA simulated, through alc, and are reused: no
 * allocation in the steady state. Zero-initialise, then set alc. */
typedef struct awsval__rx_scratch {
    awsval_alc alc;
    uint32_t cap;        /* NFA states the arrays hold */
    uint32_t gen;        /* generation of the closure being computed */
    uint32_t *stamp;     /* per NFA state: the generation in which seen/pend are valid */
    uint16_t *seen;      /* per NFA state: tags reached in this generation */
    uint16_t *pend;      /* per NFA state: tags reached but not yet followed */
    uint32_t *stack;     /* states with pending tags */
    uint32_t *list[2];   /* consuming states reached: the current and the next step */
    uint16_t *mask[2];   /* their tags */
    uint32_t *slot_stamp, *slot_best; /* pruning of unrolled repeats (see awsval_rxdfa.c) */
    uint16_t *slot_mask;
} awsval__rx_scratch;

/* Simulates the NFA d (awsval__rx_dfa_full(d) == 0; on a complete DFA, runs the DFA) over s
 * (valid UTF-8): the set of NFA threads after each code point, computed on the fly, so time is
 * linear in n times the live threads (at most the NFA's states) and nothing backtracks. Same
 * answers as the DFA.
 * Returns 1 = match, 0 = no match, -1 when the scratch could not grow (out of memory). */
int awsval__rx_nfa_match(const awsval__rx_dfa *d, const char *s, size_t n, awsval__rx_scratch *sc);
/* Releases the scratch's arrays (it stays usable). */
void awsval__rx_scratch_release(awsval__rx_scratch *sc);
/* Bytes the scratch holds now. */
size_t awsval__rx_scratch_bytes(const awsval__rx_scratch *sc);
/* The most bytes the scratch can hold (for an NFA of AWSVAL__RX_NFA_KEEP states). */
size_t awsval__rx_scratch_max_bytes(void);

#endif
