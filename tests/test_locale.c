/* Numbers do not depend on the locale: under de_DE.UTF-8 (a decimal comma) every number case
 * gives the same verdicts, violations and words as under the C locale. The process-wide locale
 * is exactly what a host program (a Python interpreter, a gateway) may have set.
 *
 * scripts/test.sh generates de_DE.UTF-8 (package locales); without it this test fails, so that
 * it cannot pass without having run. */
#include <criterion/criterion.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsval.h"

static const char *const inputs[] = {
    "{\"name\":\"a\",\"ratio\":2.9}",        /* above max 2.5 */
    "{\"name\":\"a\",\"ratio\":2.5}",        /* at max */
    "{\"name\":\"a\",\"ratio\":0.25}",       /* below min 0.5 */
    "{\"name\":\"a\",\"ratio\":\"NaN\"}",    /* NaN compares false: accepted */
    "{\"name\":\"a\",\"ratio\":\"Infinity\"}",
    "{\"name\":\"a\",\"ratio\":1e0}",
    "{\"name\":\"a\",\"ratio\":2.50000000000000000000001}", /* reads as 2.5, as Java reads it */
    "{\"name\":\"a\",\"count\":1.5}",        /* not an integer */
    "{\"name\":\"a\",\"count\":1.0}",        /* an integer written with a fraction */
    "{\"name\":\"a\",\"count\":1e1}",
    "{\"name\":\"a\",\"count\":11}",
    "{\"name\":\"a\",\"plain\":2147483648}", /* past an Integer */
    "{\"name\":\"a\",\"when\":1700000000.5}",
};

/* Everything a caller can see of a result, as one string. */
static char *result_of(awsval_ctx *c, const awsval_model *m, const char *json)
{
    awsval_code rc = awsval_check(c, m, "Kinds", json, strlen(json));
    size_t need = 0;
    awsval_render(c, AWSVAL_REPORT_JSON, NULL, 0, &need);
    char *json_doc = malloc(need);
    awsval_render(c, AWSVAL_REPORT_JSON, json_doc, need, NULL);
    awsval_render(c, AWSVAL_REPORT_NATIVE, NULL, 0, &need);
    char *native = malloc(need ? need : 1);
    awsval_render(c, AWSVAL_REPORT_NATIVE, native, need ? need : 1, NULL);
    size_t n = strlen(json_doc) + strlen(native) + 64;
    char *all = malloc(n);
    snprintf(all, n, "%u|%s|%s", rc, json_doc, native);
    free(json_doc);
    free(native);
    return all;
}

Test(locale, numbers_do_not_depend_on_lc_numeric)
{
    awsval_model_err err = {.size = sizeof err};
    awsval_model *m = awsval_model_load_file(AWSVAL_TEST_DATA_DIR "/models/kinds.json", NULL, &err);
    cr_assert_not_null(m, "%s", err.message);
    awsval_ctx *c = awsval_ctx_create(NULL, NULL);
    size_t n = sizeof inputs / sizeof *inputs;
    char **in_c = calloc(n, sizeof *in_c);
    cr_assert_not_null(setlocale(LC_ALL, "C"));
    for (size_t i = 0; i < n; i++) in_c[i] = result_of(c, m, inputs[i]);
    /* The model's bound as the service prints it (a double: 2.5), and verdicts that a decimal
     * comma would have changed. */
    cr_assert(strstr(in_c[0], "less than or equal to 2.5"), "%s", in_c[0]);
    cr_assert(strncmp(in_c[0], "1|", 2) == 0 && strncmp(in_c[1], "0|", 2) == 0);
    cr_assert(strncmp(in_c[7], "1|", 2) == 0 && strncmp(in_c[8], "0|", 2) == 0);
    awsval_ctx_free(c);
    awsval_model_free(m);

    /* The same, with the model built and everything checked under a decimal comma. */
    cr_assert_not_null(setlocale(LC_ALL, "de_DE.UTF-8"),
                       "locale de_DE.UTF-8 is not installed (scripts/test.sh generates it)");
    char probe[16];
    snprintf(probe, sizeof probe, "%.1f", 2.5);
    cr_assert_str_eq(probe, "2,5", "the locale does not use a decimal comma: the test proves nothing");
    m = awsval_model_load_file(AWSVAL_TEST_DATA_DIR "/models/kinds.json", NULL, &err);
    cr_assert_not_null(m, "%s", err.message);
    c = awsval_ctx_create(NULL, NULL);
    for (size_t i = 0; i < n; i++) {
        char *de = result_of(c, m, inputs[i]);
        cr_assert_str_eq(de, in_c[i], "%s differs under de_DE.UTF-8", inputs[i]);
        free(de);
        free(in_c[i]);
    }
    free(in_c);
    setlocale(LC_ALL, "C");
    awsval_ctx_free(c);
    awsval_model_free(m);
}
