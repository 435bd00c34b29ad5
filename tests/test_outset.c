/* The output-file machinery below the CLI: SHA-256 against the FIPS 180-4
 * example digests, plain names, and an output set's life (stage, publish,
 * manifest, discard, lock, recovery). */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/files.h"
#include "util/outset.h"
#include "util/sha256.h"

static void digest_of(const char *text, size_t repeat, char hex[65])
{
    sha256_ctx c;
    sha256_init(&c);
    for (size_t i = 0; i < repeat; i++)
        sha256_update(&c, text, strlen(text));
    sha256_final_hex(&c, hex);
}

static void test_sha256_vectors(void **state)
{
    (void)state;
    char hex[65];
    digest_of("", 1, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    digest_of("abc", 1, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    digest_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1, hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    digest_of("a", 1000000, hex); /* crosses block boundaries in every way */
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_plain_names(void **state)
{
    (void)state;
    assert_true(files_name_is_plain("zarate2006"));
    assert_true(files_name_is_plain("my-trial_2.v1"));
    assert_false(files_name_is_plain(""));
    assert_false(files_name_is_plain(".hidden"));
    assert_false(files_name_is_plain("../x"));
    assert_false(files_name_is_plain("a/b"));
    assert_false(files_name_is_plain("a b"));
    assert_false(files_name_is_plain("caf\xc3\xa9"));
    char long_name[FILES_NAME_MAX + 2];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    assert_false(files_name_is_plain(long_name));
    long_name[FILES_NAME_MAX] = '\0';
    assert_true(files_name_is_plain(long_name));
}

static int manifest_text(FILE *fp, const outset_entry *files, size_t n, void *user, ketsim_error *err)
{
    (void)user, (void)err;
    for (size_t i = 0; i < n; i++)
        fprintf(fp, "%s %llu %s\n", files[i].name, files[i].bytes, files[i].sha256);
    return KETSIM_OK;
}

static size_t entries(const char *dir)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return n;
}

static void write_one(outset *s, const char *name, const char *text)
{
    FILE *fp;
    ketsim_error err = {0};
    assert_int_equal(outset_open_file(s, name, &fp, &err), KETSIM_OK);
    fputs(text, fp);
    assert_int_equal(outset_close_file(s, fp, name, &err), KETSIM_OK);
}

static void test_set_life(void **state)
{
    (void)state;
    char base[] = "/tmp/ketsim_outset_XXXXXX", dir[64], path[128];
    assert_non_null(mkdtemp(base));
    snprintf(dir, sizeof dir, "%s/out", base);
    ketsim_error err = {0};
    outset *s = NULL;

    /* discarded: nothing left, not even the directory the set created */
    assert_int_equal(outset_begin(dir, "--out-dir", "t", &s, &err), KETSIM_OK);
    write_one(s, "a.csv", "1\n");
    outset_discard(s);
    outset_free(s);
    struct stat st;
    assert_int_not_equal(stat(dir, &st), 0);

    /* published: the files and the manifest, nothing else */
    assert_int_equal(outset_begin(dir, "--out-dir", "t", &s, &err), KETSIM_OK);
    write_one(s, "a.csv", "abc");
    write_one(s, "b.json", "{}\n");
    /* a second writer is refused while the set is open */
    outset *other = NULL;
    assert_int_equal(outset_begin(dir, "--out-dir", "u", &other, &err), KETSIM_EIO);
    assert_non_null(strstr(err.msg, "another ketsim run"));
    FILE *bad;
    assert_int_equal(outset_open_file(s, "../escape.csv", &bad, &err), KETSIM_EINPUT);
    assert_int_equal(outset_publish(s, manifest_text, NULL, &err), KETSIM_OK);
    outset_free(s);
    assert_int_equal(entries(dir), 3);
    snprintf(path, sizeof path, "%s/t_manifest.json", dir);
    FILE *m = fopen(path, "r");
    assert_non_null(m);
    char line[256];
    assert_non_null(fgets(line, sizeof line, m));
    assert_string_equal(line, "a.csv 3 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n");
    fclose(m);

    /* a ready stage left by a killed run is published by the next run,
     * a partial one is removed */
    snprintf(path, sizeof path, "%s/.ketsim-ready.00", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/.ketsim-ready.00/a.csv", dir);
    FILE *f = fopen(path, "w");
    fputs("new", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/.ketsim-ready.00/t_manifest.json", dir);
    f = fopen(path, "w");
    fputs("new manifest\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/.ketsim-stage.11", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(outset_begin(dir, "--out-dir", "v", &s, &err), KETSIM_OK);
    outset_discard(s);
    outset_free(s);
    assert_int_equal(entries(dir), 3);
    snprintf(path, sizeof path, "%s/t_manifest.json", dir);
    m = fopen(path, "r");
    assert_non_null(fgets(line, sizeof line, m));
    assert_string_equal(line, "new manifest\n");
    fclose(m);

    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_vectors),
        cmocka_unit_test(test_plain_names),
        cmocka_unit_test(test_set_life),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
