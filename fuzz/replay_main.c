/* A main() for the fuzz targets without libFuzzer: runs LLVMFuzzerTestOneInput once on every
 * file named on the command line, descending into directories (in sorted order). Used to
 * replay seeds and saved crashers as ordinary tests, with any compiler, under ASan+UBSan.
 *
 *   replay_fuzz_check fuzz/regressions/fuzz_check fuzz/seeds/fuzz_check
 *
 * Exit status: 0 when every input ran (a crash or a failed invariant aborts, which the
 * sanitizers report); 2 when a path cannot be read; 77 (ctest SKIP_RETURN_CODE) when no
 * input at all was found.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static size_t g_ran;
static int g_failed;

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        g_failed = 1;
        return;
    }
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            fprintf(stderr, "replay: out of memory\n");
            exit(2);
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (len < cap) break;
        cap *= 2;
        buf = realloc(buf, cap);
    }
    fclose(f);
    /* Exactly `len` bytes, as libFuzzer passes them, so ASan sees any over-read. */
    uint8_t *exact = malloc(len ? len : 1);
    if (!exact) exit(2);
    if (len) memcpy(exact, buf, len);
    free(buf);
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    g_ran++;
}

static void run_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: cannot stat %s\n", path);
        g_failed = 1;
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        run_file(path);
        return;
    }
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "replay: cannot open directory %s\n", path);
        g_failed = 1;
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue; /* ., .., and hidden files such as .gitkeep */
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof *names);
            if (!nn) exit(2);
            names = nn;
        }
        size_t l = strlen(path) + 1 + strlen(e->d_name) + 1;
        names[n] = malloc(l);
        if (!names[n]) exit(2);
        snprintf(names[n], l, "%s/%s", path, e->d_name);
        n++;
    }
    closedir(d);
    if (n) qsort(names, n, sizeof *names, cmp);
    for (size_t i = 0; i < n; i++) {
        run_path(names[i]);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-') continue; /* libFuzzer-style flags are ignored */
        run_path(argv[i]);
    }
    fprintf(stderr, "replay: %zu inputs ran\n", g_ran);
    if (g_failed) return 2;
    return g_ran ? 0 : 77;
}
