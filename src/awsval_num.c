/* Numbers without the locale: JSON-number text read exactly, converted to doubles as Java reads
 * them, and doubles printed as Java prints them, whatever LC_NUMERIC the process has set.
 *
 * Most numbers take an exact path (Clinger's: at most 15 significant digits and a power of ten
 * that a double holds exactly). The rest go through strtod_l/strtof_l with the C locale
 * object, which glibc returns from newlocale("C") without allocating. Printing asks for the
 * fewest digits that read back to the same double (as Java's Double.toString does) and finds
 * the digits in printf's output without trusting its decimal point. */
#define _GNU_SOURCE
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "awsval_internal.h"

/* ------------------------------------------------------------------ exact reading (Private) */

void awsval__dec_read(const char *text, size_t len, awsval__dec *d)
{
    const char *p = text, *e = text + len;
    d->neg = p < e && *p == '-';
    if (d->neg) p++;
    /* Mantissa: digits with at most one '.', up to an exponent. */
    const char *mant = p;
    while (p < e && ((*p >= '0' && *p <= '9') || *p == '.')) p++;
    const char *mant_end = p;
    int64_t exp = 0;
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        bool eneg = p < e && *p == '-';
        if (p < e && (*p == '-' || *p == '+')) p++;
        for (; p < e; p++) {
            if (exp < 1000000000) exp = exp * 10 + (*p - '0');
        }
        if (eneg) exp = -exp;
    }
    /* Digits after the point lower the exponent; leading and trailing zeros are dropped. */
    int64_t frac = 0;
    bool after = false;
    const char *first = NULL, *last = NULL;
    uint32_t n = 0, zeros = 0;
    for (const char *q = mant; q < mant_end; q++) {
        if (*q == '.') {
            after = true;
            continue;
        }
        if (after) frac++;
        if (*q == '0' && !first) continue;
        if (!first) first = q;
        if (*q == '0') {
            zeros++;
        } else {
            n += zeros + 1;
            zeros = 0;
            last = q;
        }
    }
    d->digits = first ? first : mant_end;
    d->ndigits = n;
    /* The exponent of the last significant digit: the trailing zeros after it (and before the
     * end of the mantissa) raise it. */
    d->exp = n ? exp - frac + (int64_t)zeros : 0;
    (void)last;
}

bool awsval__num_valid(const char *t, size_t n)
{
    size_t i = 0;
    if (i < n && t[i] == '-') i++;
    if (i >= n || t[i] < '0' || t[i] > '9') return false;
    if (t[i] == '0') i++;
    else while (i < n && t[i] >= '0' && t[i] <= '9') i++;
    if (i < n && t[i] == '.') {
        size_t k = ++i;
        while (i < n && t[i] >= '0' && t[i] <= '9') i++;
        if (i == k) return false;
    }
    if (i < n && (t[i] == 'e' || t[i] == 'E')) {
        i++;
        if (i < n && (t[i] == '+' || t[i] == '-')) i++;
        size_t k = i;
        while (i < n && t[i] >= '0' && t[i] <= '9') i++;
        if (i == k) return false;
    }
    return i == n;
}

/* The i-th significant digit (0-based) of d. */
static int dec_digit(const awsval__dec *d, uint32_t i)
{
    const char *q = d->digits;
    for (uint32_t k = 0;; q++) {
        if (*q == '.') continue;
        if (k++ == i) return *q - '0';
    }
}

bool awsval__dec_int(const awsval__dec *d, int64_t *out)
{
    if (d->ndigits == 0) {
        *out = 0;
        return true;
    }
    if (d->exp < 0 || d->ndigits + d->exp > 19) return false;
    uint64_t acc = 0;
    const char *q = d->digits;
    for (uint32_t k = 0; k < d->ndigits; q++) {
        if (*q == '.') continue;
        acc = acc * 10 + (uint64_t)(*q - '0');
        k++;
    }
    for (int64_t z = 0; z < d->exp; z++) {
        if (acc > UINT64_MAX / 10) return false;
        acc *= 10;
    }
    if (d->neg ? acc > (uint64_t)INT64_MAX + 1 : acc > (uint64_t)INT64_MAX) return false;
    *out = d->neg ? (int64_t)(0 - acc) : (int64_t)acc;
    return true;
}

/* ----------------------------------------------------------------- to double (Private) */

static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Significant digits kept for the slow path: enough to decide the rounding of any double or
 * float; a nonzero tail beyond them is kept as one more digit, so halfway cases round right. */
#define SLOW_DIGITS 800

double awsval__num_double(const char *text, size_t len, bool as_float)
{
    awsval__dec d;
    awsval__dec_read(text, len, &d);
    if (d.ndigits == 0) return d.neg ? -0.0 : 0.0;
    /* Exact: the mantissa and the power of ten are both exact, so one rounding. */
    uint32_t maxd = as_float ? 7 : 15;
    int64_t maxe = as_float ? 10 : 22;
    if (d.ndigits <= maxd && d.exp >= -maxe && d.exp <= maxe) {
        uint64_t m = 0;
        for (uint32_t i = 0; i < d.ndigits; i++) m = m * 10 + (uint64_t)dec_digit(&d, i);
        if (as_float) {
            float f = (float)m, p = (float)pow10_exact[d.exp < 0 ? -d.exp : d.exp];
            f = d.exp < 0 ? f / p : f * p;
            return d.neg ? -(double)f : (double)f;
        }
        double v = (double)m, p = pow10_exact[d.exp < 0 ? -d.exp : d.exp];
        v = d.exp < 0 ? v / p : v * p;
        return d.neg ? -v : v;
    }
    if (d.exp > 100000) return d.neg ? -HUGE_VAL : HUGE_VAL;
    if (d.exp < -100000) return d.neg ? -0.0 : 0.0;
    /* "-D.DDD...e+X" in the C locale. */
    char buf[SLOW_DIGITS + 40];
    size_t o = 0;
    if (d.neg) buf[o++] = '-';
    uint32_t keep = d.ndigits < SLOW_DIGITS ? d.ndigits : SLOW_DIGITS;
    for (uint32_t i = 0; i < keep; i++) {
        buf[o++] = (char)('0' + dec_digit(&d, i));
        if (i == 0) buf[o++] = '.';
    }
    if (keep < d.ndigits) buf[o++] = '1'; /* the nonzero tail (the last digit is nonzero) */
    int64_t e = d.exp + (int64_t)d.ndigits - 1;
    o += (size_t)snprintf(buf + o, sizeof buf - o, "e%lld", (long long)e);
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    double v;
    if (as_float) v = c ? (double)strtof_l(buf, NULL, c) : (double)strtof(buf, NULL);
    else v = c ? strtod_l(buf, NULL, c) : strtod(buf, NULL);
    if (c) freelocale(c);
    return v;
}

/* ------------------------------------------------------------- Java's toString (Private) */

/* The shortest digits that read back to d (or to the float d): digits[0..n), the decimal
 * exponent of the first. printf's radix character is skipped, whatever it is. */
static int shortest(double d, bool as_float, char *digits, int *exp10)
{
    char tmp[64], c_form[64];
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    int n = 0;
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec - 1, d);
        /* The digits and the exponent, whatever printf used as its radix character; then read
         * back in the C form. */
        const char *p = tmp;
        n = 0;
        for (; *p && *p != 'e'; p++)
            if (*p >= '0' && *p <= '9') digits[n++] = *p;
        *exp10 = atoi(p + 1);
        int k = 0;
        for (int i = 0; i < n; i++) {
            c_form[k++] = digits[i];
            if (i == 0) c_form[k++] = '.';
        }
        snprintf(c_form + k, sizeof c_form - (size_t)k, "e%d", *exp10);
        double back = as_float ? (double)(c ? strtof_l(c_form, NULL, c) : strtof(c_form, NULL))
                               : (c ? strtod_l(c_form, NULL, c) : strtod(c_form, NULL));
        if (back == d) break;
    }
    if (c) freelocale(c);
    while (n > 1 && digits[n - 1] == '0') n--;
    return n;
}

void awsval__out_java_double(awsval__out *o, double d, bool as_float)
{
    if (isnan(d)) {
        awsval__out_str(o, "NaN");
        return;
    }
    if (isinf(d)) {
        awsval__out_str(o, d < 0 ? "-Infinity" : "Infinity");
        return;
    }
    if (d == 0) {
        awsval__out_str(o, signbit(d) ? "-0.0" : "0.0");
        return;
    }
    if (d < 0) {
        awsval__out_chr(o, '-');
        d = -d;
    }
    char dg[24];
    int e;
    int n = shortest(d, as_float, dg, &e);
    if (d >= 1e-3 && d < 1e7) {
        /* Plain: 123.45, 0.001, 2.0 */
        if (e < 0) {
            awsval__out_str(o, "0.");
            for (int z = -1; z > e; z--) awsval__out_chr(o, '0');
            awsval__out_mem(o, dg, (size_t)n);
            return;
        }
        for (int i = 0; i <= e; i++) awsval__out_chr(o, i < n ? dg[i] : '0');
        awsval__out_chr(o, '.');
        if (n > e + 1) awsval__out_mem(o, dg + e + 1, (size_t)(n - e - 1));
        else awsval__out_chr(o, '0');
        return;
    }
    /* Computerized scientific notation: 1.0E7, 1.234E-5 */
    awsval__out_chr(o, dg[0]);
    awsval__out_chr(o, '.');
    if (n > 1) awsval__out_mem(o, dg + 1, (size_t)(n - 1));
    else awsval__out_chr(o, '0');
    awsval__out_chr(o, 'E');
    awsval__out_i64(o, e);
}

/* ------------------------------------------------------------ dates and base64 (Internal) */

static bool digits(const char *p, int n)
{
    for (int i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9') return false;
    return true;
}

bool awsval__rfc3339(const char *p, size_t n)
{
    if (n < 20 || !digits(p, 4) || p[4] != '-' || !digits(p + 5, 2) || p[7] != '-' ||
        !digits(p + 8, 2) || (p[10] != 'T' && p[10] != 't') || !digits(p + 11, 2) ||
        p[13] != ':' || !digits(p + 14, 2) || p[16] != ':' || !digits(p + 17, 2))
        return false;
    int mo = (p[5] - '0') * 10 + (p[6] - '0'), d = (p[8] - '0') * 10 + (p[9] - '0');
    int h = (p[11] - '0') * 10 + (p[12] - '0'), mi = (p[14] - '0') * 10 + (p[15] - '0');
    int sec = (p[17] - '0') * 10 + (p[18] - '0');
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return false;
    size_t i = 19;
    if (i < n && p[i] == '.') {
        i++;
        size_t k = i;
        while (i < n && p[i] >= '0' && p[i] <= '9') i++;
        if (i == k) return false;
    }
    if (i < n && (p[i] == 'Z' || p[i] == 'z')) return i + 1 == n;
    return i + 6 == n && (p[i] == '+' || p[i] == '-') && digits(p + i + 1, 2) && p[i + 3] == ':' &&
           digits(p + i + 4, 2);
}

bool awsval__http_date(const char *p, size_t n)
{
    static const char days[] = "MonTueWedThuFriSatSun", months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    if (n != 29 || p[3] != ',' || p[4] != ' ' || p[7] != ' ' || p[11] != ' ' || p[16] != ' ' ||
        p[19] != ':' || p[22] != ':' || p[25] != ' ' || memcmp(p + 26, "GMT", 3) != 0)
        return false;
    bool day = false, month = false;
    for (int i = 0; i < 7; i++) day |= memcmp(p, days + 3 * i, 3) == 0;
    for (int i = 0; i < 12; i++) month |= memcmp(p + 8, months + 3 * i, 3) == 0;
    return day && month && digits(p + 5, 2) && digits(p + 12, 4) && digits(p + 17, 2) &&
           digits(p + 20, 2) && digits(p + 23, 2);
}

int64_t awsval__base64_len(const char *p, size_t n)
{
    size_t pad = 0;
    while (n > 0 && p[n - 1] == '=' && pad < 2) {
        n--;
        pad++;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)p[i];
        bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                  ch == '+' || ch == '/';
        if (!ok) return -1;
    }
    if (n % 4 == 1 || (pad && (n + pad) % 4 != 0)) return -1;
    return (int64_t)(n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0));
}
