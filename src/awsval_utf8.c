/* UTF-8: validation and counting, encoding, character boundaries; byte offset -> line/column. */
#include <string.h>

#include "awsval_internal.h"

int64_t awsval__utf8_count(const char *str, size_t n, size_t *bad)
{
    const unsigned char *s = (const unsigned char *)str;
    int64_t cps = 0;
    size_t i = 0;
    while (i < n) {
        /* ASCII eight bytes at a time */
        while (n - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ull) break;
            i += 8;
            cps += 8;
        }
        if (i >= n) break;
        if (s[i] < 0x80) {
            i++;
        } else {
            size_t k = awsval__utf8_seq(s, i, n);
            if (!k) {
                if (bad) *bad = i;
                return -1;
            }
            i += k;
        }
        cps++;
    }
    return cps;
}

size_t awsval__utf8_put(char *out, uint32_t cp)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
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

size_t awsval__utf8_floor(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t j = n;
    while (j > 0 && (s[j - 1] & 0xC0) == 0x80) j--;
    if (j == 0) return 0;
    unsigned lead = s[j - 1];
    size_t seq = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    return j - 1 + seq > n ? j - 1 : n;
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
