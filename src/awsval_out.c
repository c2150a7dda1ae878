/* The bounded writer: text into a caller's buffer with the snprintf contract (write what fits,
 * count what is needed), always valid UTF-8, cut only on character boundaries. */
#include "awsval_internal.h"

static void out_raw(awsval__out *o, const void *p, size_t n)
{
    if (o->len < o->cap) {
        size_t room = o->cap - o->len;
        memcpy(o->buf + o->len, p, n < room ? n : room);
    }
    o->len += n;
}

/* Writes s with every invalid UTF-8 sequence replaced by U+FFFD (what reaches here is valid
 * but for HTTP header bytes; the guarantee holds whatever the caller passes). */
static void out_utf8(awsval__out *o, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t run = 0, i = 0;
    while (i < n) {
        if (s[i] < 0x80) {
            i++;
            while (n - i >= 8) { /* ASCII eight bytes at a time */
                uint64_t w;
                memcpy(&w, s + i, 8);
                if (w & 0x8080808080808080ull) break;
                i += 8;
            }
            continue;
        }
        size_t k = awsval__utf8_seq(s, i, n);
        if (k) {
            i += k;
            continue;
        }
        out_raw(o, s + run, i - run);
        out_raw(o, "\xEF\xBF\xBD", 3);
        run = ++i;
    }
    out_raw(o, s + run, n - run);
}

void awsval__out_json_esc(awsval__out *o, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        while (n - i >= 8) { /* eight bytes at a time while none needs an escape */
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (awsval__json_special8(w) & ~w) break; /* non-ASCII bytes need none */
            i += 8;
        }
        if (i >= n) break;
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out_utf8(o, s + run, i - run);
        run = i + 1;
        char e[6] = {'\\', 0, 0, 0, 0, 0};
        size_t el = 2;
        switch (c) {
        case '"': e[1] = '"'; break;
        case '\\': e[1] = '\\'; break;
        case '\n': e[1] = 'n'; break;
        case '\r': e[1] = 'r'; break;
        case '\t': e[1] = 't'; break;
        case '\b': e[1] = 'b'; break;
        case '\f': e[1] = 'f'; break;
        default:
            e[1] = 'u'; e[2] = '0'; e[3] = '0'; e[4] = hex[c >> 4]; e[5] = hex[c & 15];
            el = 6;
        }
        out_raw(o, e, el);
    }
    out_utf8(o, s + run, n - run);
}

/* XML character data: &, <, > and " escaped; CR as a reference (a parser would turn a raw one
 * into LF). The characters XML 1.0 cannot hold at all, even as references (C0 controls other
 * than tab, LF and CR; U+FFFE and U+FFFF), are written as U+FFFD so that the document parses:
 * what the services write there is not known (README, Fidelity). */
static void out_xml(awsval__out *o, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *rep = c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;"
                        : c == '"' ? "&quot;" : c == '\r' ? "&#xD;" : NULL;
        size_t skip = 1;
        if (!rep && c < 0x20 && c != '\t' && c != '\n') rep = "\xEF\xBF\xBD";
        if (!rep && c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBF &&
            ((unsigned char)s[i + 2] == 0xBE || (unsigned char)s[i + 2] == 0xBF)) {
            rep = "\xEF\xBF\xBD";
            skip = 3;
        }
        if (!rep) continue;
        out_utf8(o, s + run, i - run);
        out_raw(o, rep, strlen(rep));
        run = i + skip;
        i += skip - 1;
    }
    out_utf8(o, s + run, n - run);
}

void awsval__out_mem(awsval__out *o, const void *p, size_t n)
{
    if (o->escape == AWSVAL__ESC_JSON) awsval__out_json_esc(o, p, n);
    else if (o->escape == AWSVAL__ESC_XML) out_xml(o, p, n);
    else out_utf8(o, p, n);
}

void awsval__out_text(awsval__out *o, const char *s, size_t n)
{
    if (o->escape == AWSVAL__ESC_JSON) {
        awsval__out_json_esc(o, s, n);
        return;
    }
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\0') continue;
        awsval__out_mem(o, s + run, i - run);
        out_raw(o, "\\u0000", 6);
        run = i + 1;
    }
    awsval__out_mem(o, s + run, n - run);
}

void awsval__out_str(awsval__out *o, const char *s) { awsval__out_mem(o, s, strlen(s)); }
void awsval__out_chr(awsval__out *o, char c) { awsval__out_mem(o, &c, 1); }

void awsval__out_u64(awsval__out *o, uint64_t v)
{
    char tmp[24];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    out_raw(o, tmp + i, sizeof tmp - i);
}

void awsval__out_i64(awsval__out *o, int64_t v)
{
    if (v < 0) {
        out_raw(o, "-", 1);
        awsval__out_u64(o, (uint64_t)0 - (uint64_t)v);
    } else {
        awsval__out_u64(o, (uint64_t)v);
    }
}

void awsval__out_json_str(awsval__out *o, const char *s, size_t n)
{
    out_raw(o, "\"", 1);
    awsval__out_json_esc(o, s, n);
    out_raw(o, "\"", 1);
}

void awsval__out_str_open(awsval__out *o)
{
    out_raw(o, "\"", 1);
    o->escape = AWSVAL__ESC_JSON;
}

void awsval__out_str_close(awsval__out *o)
{
    o->escape = AWSVAL__ESC_NONE;
    out_raw(o, "\"", 1);
}

awsval_code awsval__out_finish(awsval__out *o, size_t *need)
{
    if (need) *need = o->len + 1;
    if (o->cap == 0) return AWSVAL_TOOSMALL;
    if (o->len < o->cap) {
        o->buf[o->len] = '\0';
        return AWSVAL_OK;
    }
    /* Cut on a character boundary: the kept bytes stay valid UTF-8. */
    o->buf[awsval__utf8_floor(o->buf, o->cap - 1)] = '\0';
    return AWSVAL_TOOSMALL;
}
