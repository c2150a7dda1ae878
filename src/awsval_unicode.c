/* Unicode character sets by general category: the only user of utf8proc. */
#include <string.h>
#include <utf8proc.h>

#include "awsval_internal.h"

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
    if (!bmp) return;
    memset(bmp, 0, AV_CHARSET_WORDS * sizeof *bmp);
    bmp[0] = cs->ascii[0];
    bmp[1] = cs->ascii[1];
    for (int32_t c = 0x80; c < AV_CHARSET_LIMIT; c++)
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
        size_t k;
        int32_t cp = (int32_t)awsval__utf8_decode(s + i, &k);
        i += k;
        bool in = cp < AV_CHARSET_LIMIT ? (bmp[cp >> 6] >> (cp & 63)) & 1 : in_categories(cs, cp);
        if (!in) return false;
    }
    return true;
}
