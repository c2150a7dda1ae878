/* awsval version macros. CMakeLists.txt's project(VERSION) must agree with them: the build
 * checks it and fails when they differ. */
#ifndef AWSVAL_VERSION_H
#define AWSVAL_VERSION_H

#define AWSVAL_VERSION_MAJOR 0
#define AWSVAL_VERSION_MINOR 2
#define AWSVAL_VERSION_PATCH 0
#define AWSVAL_VERSION_IS_RELEASE 0
#define AWSVAL_VERSION_SUFFIX "dev"

#define AWSVAL_VERSION_HEX \
    ((AWSVAL_VERSION_MAJOR << 16) | (AWSVAL_VERSION_MINOR << 8) | AWSVAL_VERSION_PATCH)

#define AWSVAL__STR2(x) #x
#define AWSVAL__STR(x) AWSVAL__STR2(x)
#define AWSVAL__VERSION_NUM                                                         \
    AWSVAL__STR(AWSVAL_VERSION_MAJOR) "." AWSVAL__STR(AWSVAL_VERSION_MINOR) "." \
        AWSVAL__STR(AWSVAL_VERSION_PATCH)
#if AWSVAL_VERSION_IS_RELEASE
#define AWSVAL_VERSION_STRING AWSVAL__VERSION_NUM
#else
#define AWSVAL_VERSION_STRING AWSVAL__VERSION_NUM "-" AWSVAL_VERSION_SUFFIX
#endif

#endif
