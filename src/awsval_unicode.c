/* UTF-8 validation and code point counting, and byte offset -> line/column. */
#include <string.h>
#include <utf8proc.h>

#include "awsval_internal.h"

static int hex4(const char *p, const char *end)
{
    if (end - p < 4) return -1;
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int h = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (h < 0) return -1;
        v = v * 16 + h;
    }
    return v;
}

size_t awsval__json_escape(const char *p, const char *end, char *dst, size_t *n, uint32_t *cp,
                           const char **msg)
{
    if (end - p < 2) {
        *msg = "unterminated string";
        return 0;
    }
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *hit = p[1] ? strchr(from, p[1]) : NULL;
    if (hit) {
        dst[(*n)++] = to[hit - from];
        *cp = (unsigned char)to[hit - from];
        return 2;
    }
    if (p[1] != 'u') {
        *msg = "invalid escape";
        return 0;
    }
    int u = hex4(p + 2, end);
    if (u < 0) {
        *msg = "invalid \\u escape";
        return 0;
    }
    uint32_t c = (uint32_t)u;
    size_t used = 6;
    if (c >= 0xD800 && c <= 0xDBFF) {
        int lo = (end - p >= 12 && p[6] == '\\' && p[7] == 'u') ? hex4(p + 8, end) : -1;
        if (lo < 0xDC00 || lo > 0xDFFF) {
            *msg = "lone surrogate in \\u escape";
            return 0;
        }
        c = 0x10000 + ((c - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
        used = 12;
    } else if (c >= 0xDC00 && c <= 0xDFFF) {
        *msg = "lone surrogate in \\u escape";
        return 0;
    }
    /* The unescaped form is never longer than the escape (6 or 12 bytes -> <= 4). */
    *n += awsval__utf8_put(dst + *n, c);
    *cp = c;
    return used;
}

int64_t awsval__utf8_count(const char *str, size_t n, size_t *bad)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    int64_t cps = 0;
    while (i < n) {
        /* ASCII runs dominate identifiers and tokens: take eight bytes at a time. */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ull) break;
            i += 8;
            cps += 8;
        }
        if (i >= n) break;
        if (s[i] < 0x80) {
            i++;
            cps++;
            continue;
        }
        size_t k = awsval__utf8_seq(s, i, n);
        if (!k) {
            if (bad) *bad = i;
            return -1;
        }
        i += k;
        cps++;
    }
    return cps;
}

size_t awsval__utf8_put(char *out, uint32_t cp)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) { o[0] = (unsigned char)cp; return 1; }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

awsval_code awsval_locate_pos(const char *input, size_t len, size_t pos, size_t *line, size_t *col)
{
    if (!input || pos > len) return AWSVAL_BADARG;
    size_t l = 1, c = 1;
    for (size_t i = 0; i < pos; i++) {
        unsigned char b = (unsigned char)input[i];
        if (b == '\n') {
            l++;
            c = 1;
        } else if ((b & 0xC0) != 0x80) {
            c++;
        }
    }
    if (line) *line = l;
    if (col) *col = c;
    return AWSVAL_OK;
}

/* ------------------------------------------------------------ character sets (Internal) */

uint32_t awsval__category_mask(const char *name)
{
    static const char *const names[] = {
        [UTF8PROC_CATEGORY_CN] = "Cn", [UTF8PROC_CATEGORY_LU] = "Lu", [UTF8PROC_CATEGORY_LL] = "Ll",
        [UTF8PROC_CATEGORY_LT] = "Lt", [UTF8PROC_CATEGORY_LM] = "Lm", [UTF8PROC_CATEGORY_LO] = "Lo",
        [UTF8PROC_CATEGORY_MN] = "Mn", [UTF8PROC_CATEGORY_MC] = "Mc", [UTF8PROC_CATEGORY_ME] = "Me",
        [UTF8PROC_CATEGORY_ND] = "Nd", [UTF8PROC_CATEGORY_NL] = "Nl", [UTF8PROC_CATEGORY_NO] = "No",
        [UTF8PROC_CATEGORY_PC] = "Pc", [UTF8PROC_CATEGORY_PD] = "Pd", [UTF8PROC_CATEGORY_PS] = "Ps",
        [UTF8PROC_CATEGORY_PE] = "Pe", [UTF8PROC_CATEGORY_PI] = "Pi", [UTF8PROC_CATEGORY_PF] = "Pf",
        [UTF8PROC_CATEGORY_PO] = "Po", [UTF8PROC_CATEGORY_SM] = "Sm", [UTF8PROC_CATEGORY_SC] = "Sc",
        [UTF8PROC_CATEGORY_SK] = "Sk", [UTF8PROC_CATEGORY_SO] = "So", [UTF8PROC_CATEGORY_ZS] = "Zs",
        [UTF8PROC_CATEGORY_ZL] = "Zl", [UTF8PROC_CATEGORY_ZP] = "Zp", [UTF8PROC_CATEGORY_CC] = "Cc",
        [UTF8PROC_CATEGORY_CF] = "Cf", [UTF8PROC_CATEGORY_CS] = "Cs", [UTF8PROC_CATEGORY_CO] = "Co",
    };
    uint32_t mask = 0;
    size_t n = strlen(name);
    for (uint32_t c = 0; c < sizeof names / sizeof *names; c++) {
        /* A one-letter name is the major class: every category that begins with it. */
        if ((n == 1 && names[c][0] == name[0]) || (n == 2 && strcmp(names[c], name) == 0))
            mask |= 1u << c;
    }
    return mask;
}

static bool in_categories(const awsval__charset *cs, int32_t cp)
{
    utf8proc_category_t cat = utf8proc_category(cp);
    if ((cs->categories >> cat) & 1) return true;
    return cs->space && (cp == 0x85 || cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
                         cat == UTF8PROC_CATEGORY_ZP);
}

void awsval__charset_finish(awsval__charset *cs, uint64_t *bmp, const char *also, size_t also_len)
{
    cs->ascii[0] = cs->ascii[1] = 0;
    for (int32_t c = 0; c < 128; c++) {
        bool in = in_categories(cs, c) || (cs->space && (c == ' ' || (c >= '\t' && c <= '\r')));
        if (in) cs->ascii[c >> 6] |= 1ull << (c & 63);
    }
    for (size_t i = 0; i < also_len; i++) {
        unsigned char c = (unsigned char)also[i];
        if (c < 128) cs->ascii[c >> 6] |= 1ull << (c & 63);
    }
    memset(bmp, 0, AV_BMP_WORDS * sizeof *bmp);
    bmp[0] = cs->ascii[0];
    bmp[1] = cs->ascii[1];
    for (int32_t c = 0x80; c < 0x10000; c++)
        if (in_categories(cs, c)) bmp[c >> 6] |= 1ull << (c & 63);
}

bool awsval__charset_all(const awsval__charset *cs, const uint64_t *bmp, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            if (!((cs->ascii[c >> 6] >> (c & 63)) & 1)) return false;
            i++;
            continue;
        }
        /* Valid UTF-8 (checked by the scanner): decode without checks. */
        int32_t cp;
        if (c < 0xE0) {
            cp = (int32_t)(((c & 0x1F) << 6) | (s[i + 1] & 0x3F));
            i += 2;
        } else if (c < 0xF0) {
            cp = (int32_t)(((c & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F));
            i += 3;
        } else {
            cp = (int32_t)(((c & 0x07) << 18) | ((s[i + 1] & 0x3F) << 12) | ((s[i + 2] & 0x3F) << 6) |
                           (s[i + 3] & 0x3F));
            i += 4;
        }
        bool in = cp < 0x10000 ? (bmp[cp >> 6] >> (cp & 63)) & 1 : in_categories(cs, cp);
        if (!in) return false;
    }
    return true;
}
