/* The generator's internal interface (awsval_gen.c), for the tests and the structure-aware fuzz
 * target: a generation in steps (build the value tree with its fault, edit scalar values,
 * write and check), and strings from a pattern alone (for the Java differential).
 *
 * awsval_generate is awsval__gen_build + awsval__gen_finish + a copy of the output. */
#ifndef AWSVAL_GEN_H
#define AWSVAL_GEN_H

#include "awsval_internal.h"

/* Builds the value tree of one input of `op` (valid, or with the fault opts->fault) on `ctx`
 * (which the build uses to confirm values). Return codes as awsval_generate; `info` (may be
 * NULL) gets what is known so far. */
awsval_code awsval__gen_build(awsval_gen *g, awsval_ctx *ctx, const char *op,
                              const awsval_gen_opts *opts, awsval_gen_info *info);

/* The scalar values of the built tree that an edit may replace (string, number, boolean values
 * of the params JSON; not map keys, not the items of uniqueItems lists, not a faulty value). */
size_t awsval__gen_scalar_count(const awsval_gen *g);
/* The i-th one's JSON text (a string with its quotes) and shape. False past the end. */
bool awsval__gen_scalar(const awsval_gen *g, size_t i, const char **json, size_t *len,
                        int32_t *shape);
/* Replaces the i-th one with the JSON string of `text` (UTF-8: invalid sequences are written as
 * U+FFFD). Only for a valid build written as params. False past the end or when out of memory. */
bool awsval__gen_edit(awsval_gen *g, size_t i, const char *text, size_t len);
/* Replaces the i-th one's JSON text with `bytes` as they are (they need not be JSON): the
 * finish then claims no intent (AWSVAL_GEN_INFO_DIFFERS is never set). */
bool awsval__gen_edit_raw(awsval_gen *g, size_t i, const char *bytes, size_t len);

/* Writes the tree (params JSON or HTTP), checks it on the build's context, and compares the
 * answer with the intent: valid; the fault's one violation at its place; for edited values,
 * exactly the violations each edited value has on its own. Sets AWSVAL_GEN_INFO_DIFFERS in
 * info->flags when it is not. Returns AWSVAL_OK, AWSVAL_NOGEN (HTTP: the request routes to
 * another operation, or is over max_size) or AWSVAL_NOMEM. */
awsval_code awsval__gen_finish(awsval_gen *g, awsval_gen_info *info);
/* The written input of the last finish (valid until the next build). */
void awsval__gen_output(const awsval_gen *g, const char **text, size_t *len);

/* A string of `lo`..`hi` code points that the Java pattern `java` matches (whole value, or
 * somewhere in it for AWSVAL__RE_SEARCH), drawn with `seed`, confirmed by awsval's matcher;
 * for patterns the syntax tree cannot hold (look-around), drawn from the pattern without its
 * look-arounds and confirmed. Returns 1 and the string in buf (NUL-terminated, *len bytes), 0
 * when none was found, -1 when out of memory or the pattern does not compile. */
int awsval__gen_pattern_string(const char *java, size_t java_len, uint32_t mode, uint64_t seed,
                               uint32_t lo, uint32_t hi, char *buf, size_t cap, size_t *len);

#endif
