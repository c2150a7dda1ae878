/* fuzz_regex: Java-dialect pattern translation (awsval__regex_translate) and PCRE2 matching.
 *
 * Input: byte 0 = options (bit 0: search mode instead of full match; bits 1-7: the capacity
 * of the first, usually too small, translation buffer); then the Java pattern up to the first
 * NUL byte; then the subject (cut to its longest valid UTF-8 prefix). No NUL: empty subject.
 *
 * Invariants (abort on violation):
 *   - translation never crashes, and answers the same for every buffer size: -1 (with an
 *     offset inside the pattern and a non-empty message) or a need that a buffer of exactly that
 *     size satisfies, with a NUL-terminated, valid UTF-8 pattern of at most need-1 bytes;
 *   - awsval__regex_compile succeeds exactly when PCRE2 compiles the translation (same options);
 *   - the harness compiles the translation twice, once JIT-compiled and once not, and matches
 *     the subject with both under small limits (match limit 100, depth limit 100): the verdicts
 *     agree unless one of them hit a limit (the two engines count differently: see README.md);
 *   - awsval__regex_match under the same limits agrees with the JIT (or, without JIT, the
 *     interpreter) verdict unless a limit was hit, and never returns AWSVAL__RE_ERROR;
 *   - when the pattern takes the linear engine (awsval_rx.h): it never returns
 *     AWSVAL__RE_LIMIT, and it agrees with the PCRE2 interpreter run under a large match limit
 *     (unless that limit is hit); its syntax tree can be dumped.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>

#include "awsval_regex.h"
#include "awsval_rx.h"
#include "fuzz_common.h"

#define MATCH_LIMIT 100u
#define DEPTH_LIMIT 100u
#define HEAP_LIMIT_KIB 1024u

static pcre2_match_context *g_mctx;
static pcre2_match_context *g_mctx_big; /* for the linear engine's oracle */
static awsval__regex_scratch *g_scratch;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    g_mctx = pcre2_match_context_create(NULL);
    FUZZ_ASSERT(g_mctx != NULL, "match context");
    pcre2_set_match_limit(g_mctx, MATCH_LIMIT);
    pcre2_set_depth_limit(g_mctx, DEPTH_LIMIT);
    pcre2_set_heap_limit(g_mctx, HEAP_LIMIT_KIB);
    g_mctx_big = pcre2_match_context_create(NULL);
    FUZZ_ASSERT(g_mctx_big != NULL, "match context");
    pcre2_set_match_limit(g_mctx_big, 1000000u);
    pcre2_set_depth_limit(g_mctx_big, 10000u);
    pcre2_set_heap_limit(g_mctx_big, 65536u);
    awsval__regex_limits lim = {MATCH_LIMIT, DEPTH_LIMIT, HEAP_LIMIT_KIB, 0, 0};
    g_scratch = awsval__regex_scratch_create(NULL, &lim);
    FUZZ_ASSERT(g_scratch != NULL, "scratch");
    return 0;
}

enum { V_NOMATCH, V_MATCH, V_LIMIT, V_ERROR };

static int verdict(int rc)
{
    if (rc >= 0) return V_MATCH;
    switch (rc) {
    case PCRE2_ERROR_NOMATCH: return V_NOMATCH;
    case PCRE2_ERROR_MATCHLIMIT:
    case PCRE2_ERROR_DEPTHLIMIT:
    case PCRE2_ERROR_HEAPLIMIT:
    case PCRE2_ERROR_JIT_STACKLIMIT: return V_LIMIT;
    default: return V_ERROR;
    }
}

static const char *vname(int v)
{
    static const char *const n[] = {"nomatch", "match", "limit", "error"};
    return n[v];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_mctx) LLVMFuzzerInitialize(NULL, NULL);
    if (size < 1) return 0;
    uint32_t mode = (data[0] & 1) ? AWSVAL__RE_SEARCH : AWSVAL__RE_FULL;
    size_t small_cap = data[0] >> 1;
    const char *pat = (const char *)data + 1;
    const uint8_t *nul = memchr(data + 1, 0, size - 1);
    size_t plen = nul ? (size_t)(nul - (data + 1)) : size - 1;
    const char *subj = nul ? (const char *)nul + 1 : "";
    size_t slen = nul ? size - 1 - plen - 1 : 0;
    slen = fuzz_utf8_prefix((const uint8_t *)subj, slen);

    /* 1. Translation: measure, then a small buffer, then exactly the size needed. */
    size_t need = 0, erroff = (size_t)-1;
    const char *errmsg = NULL;
    int rc = awsval__regex_translate(pat, plen, NULL, 0, &need, &erroff, &errmsg);
    FUZZ_ASSERT(rc == -1 || rc == 1, "translate(cap 0) = %d", rc);
    if (rc == -1) {
        FUZZ_ASSERT(erroff <= plen, "error offset %zu past pattern length %zu", erroff, plen);
        FUZZ_ASSERT(errmsg != NULL && errmsg[0] != '\0', "no error message");
        awsval__regex *re = awsval__regex_compile(pat, plen, mode, NULL, &erroff, NULL, 0);
        FUZZ_ASSERT(re == NULL, "compile accepts what translation rejects");
        char eb[128];
        re = awsval__regex_compile(pat, plen, mode, NULL, &erroff, eb, sizeof eb);
        FUZZ_ASSERT(re == NULL && eb[0] != '\0', "compile error message");
        return 0;
    }
    FUZZ_ASSERT(need >= 1, "need %zu", need);
    char sbuf[128];
    if (small_cap > 0) {
        size_t need2 = 0;
        memset(sbuf, 'X', sizeof sbuf);
        int rc2 = awsval__regex_translate(pat, plen, sbuf, small_cap, &need2, &erroff, &errmsg);
        FUZZ_ASSERT(need2 == need, "need %zu then %zu", need, need2);
        FUZZ_ASSERT(rc2 == (need <= small_cap ? 0 : 1), "translate(cap %zu) = %d, need %zu",
                    small_cap, rc2, need);
        for (size_t i = small_cap; i < sizeof sbuf; i++)
            FUZZ_ASSERT(sbuf[i] == 'X', "translate wrote past cap %zu at %zu", small_cap, i);
    }
    char *out = malloc(need);
    FUZZ_ASSERT(out != NULL, "malloc");
    size_t need3 = 0;
    rc = awsval__regex_translate(pat, plen, out, need, &need3, &erroff, &errmsg);
    FUZZ_ASSERT(rc == 0 && need3 == need, "translate(cap need) = %d, need %zu/%zu", rc, need,
                need3);
    /* `need` is the translator's peak use of the buffer (it edits classes in place), so the
     * pattern may be shorter than need - 1; it is never longer. */
    FUZZ_ASSERT(strlen(out) + 1 <= need, "translation has %zu bytes, need %zu", strlen(out),
                need);
    FUZZ_ASSERT(fuzz_utf8_valid(out, strlen(out)), "translation is not valid UTF-8: %s", out);

    /* 2. The harness's own compilations of the translation. */
    uint32_t opts = PCRE2_UTF;
    if (mode == AWSVAL__RE_FULL) opts |= PCRE2_ANCHORED | PCRE2_ENDANCHORED;
    int ec = 0;
    PCRE2_SIZE eo = 0;
    pcre2_code *ci = pcre2_compile((PCRE2_SPTR)out, PCRE2_ZERO_TERMINATED, opts, &ec, &eo, NULL);
    pcre2_code *cj = pcre2_compile((PCRE2_SPTR)out, PCRE2_ZERO_TERMINATED, opts, &ec, &eo, NULL);
    FUZZ_ASSERT((ci == NULL) == (cj == NULL), "two compilations disagree");
    FUZZ_ASSERT(ci != NULL || ec != PCRE2_ERROR_UTF8_ERR1, "UTF error %d", ec);

    /* 3. The library's own compilation agrees. */
    char eb[256];
    awsval__regex *re = awsval__regex_compile(pat, plen, mode, NULL, &erroff, eb, sizeof eb);
    FUZZ_ASSERT((re != NULL) == (ci != NULL), "awsval__regex_compile %s, PCRE2 %s (%s)",
                re ? "succeeds" : "fails", ci ? "compiles" : "rejects", re ? "" : eb);
    if (re) {
        const char *p2 = awsval__regex_pcre2_source(re);
        FUZZ_ASSERT(p2 && strcmp(p2, out) == 0, "pcre2_source differs from the translation");
    } else {
        FUZZ_ASSERT(eb[0] != '\0', "compile failed without a message");
    }

    if (ci) {
        int jit_ok = pcre2_jit_compile(cj, PCRE2_JIT_COMPLETE) == 0;
        pcre2_match_data *md = pcre2_match_data_create_from_pattern(ci, NULL);
        FUZZ_ASSERT(md != NULL, "match data");
        int ri = pcre2_match(ci, (PCRE2_SPTR)subj, slen, 0, 0, md, g_mctx);
        int vi = verdict(ri);
        int vj = vi, rj = ri;
        if (jit_ok) {
            rj = pcre2_match(cj, (PCRE2_SPTR)subj, slen, 0, 0, md, g_mctx);
            vj = verdict(rj);
        }
        FUZZ_ASSERT(vi != V_ERROR && vj != V_ERROR, "match error: interpreter %d, JIT %d", ri, rj);
        if (vi != V_LIMIT && vj != V_LIMIT)
            FUZZ_ASSERT(vi == vj, "interpreter %s, JIT %s: pattern /%s/ subject '%.*s'",
                        vname(vi), vname(vj), out, (int)slen, subj);
        int va = awsval__regex_match(re, subj, slen, g_scratch);
        FUZZ_ASSERT(va != AWSVAL__RE_ERROR, "awsval__regex_match error");
        int vav = va == AWSVAL__RE_MATCH ? V_MATCH : va == AWSVAL__RE_NOMATCH ? V_NOMATCH : V_LIMIT;
        int vref = jit_ok ? vj : vi;
        if (vav != V_LIMIT && vref != V_LIMIT)
            FUZZ_ASSERT(vav == vref, "awsval__regex_match %s, PCRE2 %s: /%s/ '%.*s'", vname(vav),
                        vname(vref), out, (int)slen, subj);
        int eng = awsval__regex_engine(re, NULL);
        if (eng == AWSVAL__RE_ENGINE_LINEAR || eng == AWSVAL__RE_ENGINE_NFA) {
            FUZZ_ASSERT(va != AWSVAL__RE_LIMIT, "the linear engine returned LIMIT");
            /* the NFA simulation alone, on the NFA of the same tree (which a pattern with a DFA
             * may not have: an NFA over the simulation's budget can still make a small DFA) */
            awsval__regex *rn = awsval__regex_compile_opts(pat, plen, mode, AWSVAL__RE_OPT_NFA, NULL, NULL, NULL, 0);
            FUZZ_ASSERT(rn != NULL, "compile with AWSVAL__RE_OPT_NFA");
            int rn_eng = awsval__regex_engine(rn, NULL);
            FUZZ_ASSERT(rn_eng == AWSVAL__RE_ENGINE_NFA || eng == AWSVAL__RE_ENGINE_LINEAR,
                        "no NFA for a pattern simulated by default");
            if (rn_eng == AWSVAL__RE_ENGINE_NFA) {
                int vn = awsval__regex_match_nfa(rn, subj, slen, g_scratch);
                FUZZ_ASSERT(vn == va, "NFA simulation %d, awsval__regex_match %d: /%s/ '%.*s'", vn, va, out,
                            (int)slen, subj);
            }
            awsval__regex_free(rn);
            const struct awsval__rx_tree *t = awsval__regex_tree(re);
            FUZZ_ASSERT(t != NULL, "linear engine without a tree");
            char tb[64];
            (void)awsval__rx_dump(t, tb, sizeof tb);
            int rb = pcre2_match(ci, (PCRE2_SPTR)subj, slen, 0, 0, md, g_mctx_big);
            int vb = verdict(rb);
            FUZZ_ASSERT(vb != V_ERROR, "match error: interpreter %d", rb);
            if (vb != V_LIMIT)
                FUZZ_ASSERT(vav == vb, "linear engine %s, PCRE2 interpreter %s: /%s/ '%.*s'", vname(vav),
                            vname(vb), out, (int)slen, subj);
        }
        pcre2_match_data_free(md);
    }
    awsval__regex_free(re);
    pcre2_code_free(ci);
    pcre2_code_free(cj);
    free(out);
    return 0;
}
