/* Checks one valid and one invalid request through the installed library. */
#include <awsval.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    if (awsval_version() != AWSVAL_VERSION_HEX) {
        fprintf(stderr, "header %s, library %s\n", AWSVAL_VERSION_STRING, awsval_version_string());
        return 1;
    }
    awsval_model *m = awsval_model_load_builtin("apprunner", NULL, NULL);
    awsval_ctx *c = awsval_ctx_create(NULL, NULL);
    const char *ok = "{\"VpcIngressConnectionArn\":\"arn:aws:apprunner:us-east-1:123456789012:"
                     "vpcingressconnection/c/0123456789abcdef\"}";
    const char *bad = "{\"VpcIngressConnectionArn\":\"nope\"}";
    int rc = awsval_check(c, m, "DeleteVpcIngressConnection", ok, strlen(ok)) == AWSVAL_OK &&
                     awsval_check(c, m, "DeleteVpcIngressConnection", bad, strlen(bad)) == AWSVAL_INVALID
                 ? 0
                 : 1;
    puts(rc ? "consumer: FAILED" : "consumer: ok");
    awsval_ctx_free(c);
    awsval_model_free(m);
    return rc;
}
