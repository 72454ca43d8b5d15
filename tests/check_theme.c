/*
 * Unit tests of themes: the element names, the built-in themes, the theme files
 * of the source tree, every colour syntax, each parse error with its line, the
 * colour mappings on known values, and the search of a theme by name or path.
 */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/theme.h"
#include "util/xalloc.h"

static int
parse(struct fs_theme *t, const char *text, char **err)
{
    return fs_theme_parse(t, "t.theme", text, strlen(text), err);
}

static int
is_default(const struct fs_theme *t)
{
    struct fs_theme d;
    fs_theme_default(&d);
    return memcmp(t, &d, sizeof d) == 0;
}

static const char *
srcdir(void)
{
    const char *d = getenv("FS_SRCDIR");
    return d != NULL && *d != '\0' ? d : ".";
}

START_TEST(test_elem_names)
{
    for (int e = 0; e < FS_EL_COUNT; e++) {
        const char *name = fs_theme_elem_name((enum fs_theme_elem)e);
        ck_assert_ptr_nonnull(name);
        ck_assert_int_eq(fs_theme_elem_from_name(name), e);
    }
    ck_assert_str_eq(fs_theme_elem_name(FS_EL_TABLE_HEADER), "table.header");
    ck_assert_str_eq(fs_theme_elem_name(FS_EL_PANE_BORDER_SELECTED), "pane.border.selected");
    ck_assert_int_eq(fs_theme_elem_from_name("state.backoff"), FS_EL_STATE_BACKOFF);
    ck_assert_int_eq(fs_theme_elem_from_name("table"), -1);
    ck_assert_int_eq(fs_theme_elem_from_name("name"), -1);
    ck_assert_int_eq(fs_theme_elem_from_name(""), -1);
}
END_TEST

START_TEST(test_builtins)
{
    struct fs_theme t;
    fs_theme_default(&t);
    ck_assert_str_eq(t.name, "default");
    ck_assert_int_eq(t.styles[FS_EL_STATE_RUNNING].fg.kind, FS_COLOR_INDEX);
    ck_assert_uint_eq(t.styles[FS_EL_STATE_RUNNING].fg.value, 2);
    ck_assert_uint_eq(t.styles[FS_EL_STATE_FAILED].fg.value, 1);
    ck_assert(t.styles[FS_EL_TABLE_HEADER].attrs & FS_ATTR_BOLD);
    ck_assert_int_eq(t.styles[FS_EL_NORMAL].bg.kind, FS_COLOR_DEFAULT);
    fs_theme_mono(&t);
    ck_assert_str_eq(t.name, "mono");
    for (int e = 0; e < FS_EL_COUNT; e++) {
        ck_assert_int_eq(t.styles[e].fg.kind, FS_COLOR_DEFAULT);
        ck_assert_int_eq(t.styles[e].bg.kind, FS_COLOR_DEFAULT);
    }
    ck_assert(t.styles[FS_EL_TABLE_SELECTED].attrs & FS_ATTR_REVERSE);
    ck_assert(t.styles[FS_EL_STATE_FAILED].attrs & FS_ATTR_UNDERLINE);
}
END_TEST

static void
load_source_theme(const char *name, struct fs_theme *t)
{
    char *path = fs_xasprintf("%s/themes/%s.theme", srcdir(), name);
    char *err = NULL;
    int rc = fs_theme_load(t, path, &err);
    ck_assert_msg(rc == 0, "%s: %s", path, err != NULL ? err : "?");
    ck_assert_str_eq(t->name, name);
    free(path);
}

START_TEST(test_source_theme_files)
{
    struct fs_theme t, builtin;
    load_source_theme("default", &t);
    fs_theme_default(&builtin);
    ck_assert_msg(memcmp(&t, &builtin, sizeof t) == 0, "default.theme differs from the built-in");
    load_source_theme("mono", &t);
    fs_theme_mono(&builtin);
    ck_assert_msg(memcmp(&t, &builtin, sizeof t) == 0, "mono.theme differs from the built-in");
    load_source_theme("dark", &t);
    ck_assert_int_eq(t.styles[FS_EL_TABLE_SELECTED].bg.kind, FS_COLOR_RGB);
    load_source_theme("light", &t);
    ck_assert_int_eq(t.styles[FS_EL_STATE_RUNNING].fg.kind, FS_COLOR_RGB);
}
END_TEST

START_TEST(test_colour_syntax)
{
    static const struct {
        const char *word;
        enum fs_color_kind kind;
        uint32_t value;
    } cases[] = {
        {"default", FS_COLOR_DEFAULT, 0},    {"black", FS_COLOR_INDEX, 0},
        {"red", FS_COLOR_INDEX, 1},          {"Yellow", FS_COLOR_INDEX, 3},
        {"white", FS_COLOR_INDEX, 7},        {"bright-black", FS_COLOR_INDEX, 8},
        {"bright-cyan", FS_COLOR_INDEX, 14}, {"BRIGHT-WHITE", FS_COLOR_INDEX, 15},
        {"color0", FS_COLOR_INDEX, 0},       {"color42", FS_COLOR_INDEX, 42},
        {"color255", FS_COLOR_INDEX, 255},   {"colour208", FS_COLOR_INDEX, 208},
        {"#000000", FS_COLOR_RGB, 0},        {"#FFaa09", FS_COLOR_RGB, 0xffaa09},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fs_theme t;
        char *err;
        char *text = fs_xasprintf("stderr = %s on %s\n", cases[i].word, cases[i].word);
        ck_assert_msg(parse(&t, text, &err) == 0, "%s: %s", cases[i].word, err);
        const struct fs_style *st = &t.styles[FS_EL_STDERR];
        ck_assert_int_eq(st->fg.kind, cases[i].kind);
        ck_assert_uint_eq(st->fg.value, cases[i].value);
        ck_assert_int_eq(st->bg.kind, cases[i].kind);
        ck_assert_uint_eq(st->bg.value, cases[i].value);
        ck_assert_uint_eq(st->attrs, 0);
        free(text);
    }
}
END_TEST

START_TEST(test_style_words)
{
    struct fs_theme t;
    char *err;
    ck_assert_int_eq(parse(&t,
                           "error = bold dim underline reverse italic\n"
                           "status = bold red on blue\n"
                           "prompt = on #102030\n"
                           "help = BOLD\n",
                           &err),
                     0);
    ck_assert_uint_eq(t.styles[FS_EL_ERROR].attrs, FS_ATTR_BOLD | FS_ATTR_DIM | FS_ATTR_UNDERLINE |
                                                       FS_ATTR_REVERSE | FS_ATTR_ITALIC);
    ck_assert_int_eq(t.styles[FS_EL_ERROR].fg.kind, FS_COLOR_DEFAULT);
    ck_assert_uint_eq(t.styles[FS_EL_STATUS].fg.value, 1);
    ck_assert_uint_eq(t.styles[FS_EL_STATUS].bg.value, 4);
    ck_assert_uint_eq(t.styles[FS_EL_STATUS].attrs, FS_ATTR_BOLD);
    ck_assert_int_eq(t.styles[FS_EL_PROMPT].fg.kind, FS_COLOR_DEFAULT);
    ck_assert_uint_eq(t.styles[FS_EL_PROMPT].bg.value, 0x102030);
    ck_assert_uint_eq(t.styles[FS_EL_HELP].attrs, FS_ATTR_BOLD);
    /* Elements not named keep the default's style; the name comes from the file. */
    struct fs_theme d;
    fs_theme_default(&d);
    ck_assert_mem_eq(&t.styles[FS_EL_STATE_RUNNING], &d.styles[FS_EL_STATE_RUNNING],
                     sizeof d.styles[0]);
    ck_assert_str_eq(t.name, "t");
}
END_TEST

START_TEST(test_comments_blanks_and_names)
{
    struct fs_theme t;
    char *err;
    const char *text = "# a theme\r\n"
                       "\r\n"
                       "   # indented comment\n"
                       "name = my theme   # trailing comment\n"
                       "stderr = #ff0000 # red, by RGB\n"
                       "\t pane.title\t=\tgreen\t\r\n"
                       "sparkline = blue"; /* no final newline */
    ck_assert_msg(parse(&t, text, &err) == 0, "%s", err);
    ck_assert_str_eq(t.name, "my theme");
    ck_assert_int_eq(t.styles[FS_EL_STDERR].fg.kind, FS_COLOR_RGB);
    ck_assert_uint_eq(t.styles[FS_EL_STDERR].fg.value, 0xff0000);
    ck_assert_uint_eq(t.styles[FS_EL_PANE_TITLE].fg.value, 2);
    ck_assert_uint_eq(t.styles[FS_EL_SPARKLINE].fg.value, 4);
    ck_assert_int_eq(fs_theme_parse(&t, "dir.d/ocean.theme", "", 0, &err), 0);
    ck_assert_str_eq(t.name, "ocean");
    ck_assert_int_eq(fs_theme_parse(&t, NULL, "", 0, &err), 0);
    ck_assert_str_eq(t.name, "default");
}
END_TEST

/* Each bad text must fail with exactly this message, and leave the default. */
START_TEST(test_errors_name_their_line)
{
    static const struct {
        const char *text, *err;
    } cases[] = {
        {"# c\n\nfoo = red\n", "t.theme:3: unknown element 'foo'"},
        {"normal = red\n  Normal = red\n", "t.theme:2: unknown element 'Normal'"},
        {"\n\n\n\nstderr = x\n", "t.theme:5: unknown colour 'x'"},
        {"stderr = red on x\n", "t.theme:1: unknown colour 'x'"},
        {"stderr = blink\n", "t.theme:1: unknown colour 'blink'"},
        {"stderr = color256\n", "t.theme:1: unknown colour 'color256'"},
        {"stderr = color\n", "t.theme:1: unknown colour 'color'"},
        {"stderr = color-1\n", "t.theme:1: unknown colour 'color-1'"},
        {"stderr = #12345\n", "t.theme:1: unknown colour '#12345'"},
        {"stderr = #1234567\n", "t.theme:1: unknown colour '#1234567'"},
        {"stderr = #gg0000\n", "t.theme:1: unknown colour '#gg0000'"},
        {"stderr = bright-orange\n", "t.theme:1: unknown colour 'bright-orange'"},
        {"# one\nnormal red\n", "t.theme:2: expected ELEMENT = STYLE"},
        /* A line without '=' (here a whole 3-byte file): no pointer is made from the
         * missing '=' (clang's UBSan and tests/fuzz/fuzz_theme check that part). */
        {"abc", "t.theme:1: expected ELEMENT = STYLE"},
        {"normal = red\n= red\n", "t.theme:2: expected ELEMENT = STYLE"},
        {"\r\n\r\nnormal =   \r\n", "t.theme:3: expected ELEMENT = STYLE"},
        {"normal = # nothing\n", "t.theme:1: expected ELEMENT = STYLE"},
        {"normal = red on\n", "t.theme:1: expected a colour after 'on'"},
        {"normal = red blue\n", "t.theme:1: more than one foreground colour ('blue')"},
        {"normal = on red on blue\n", "t.theme:1: more than one background colour"},
        {"name = 0123456789012345678901234567890123456789012345678901234567890123\n",
         "t.theme:1: theme name longer than 63 bytes"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fs_theme t;
        char *err = NULL;
        ck_assert_int_eq(parse(&t, cases[i].text, &err), -1);
        ck_assert_ptr_nonnull(err);
        ck_assert_str_eq(err, cases[i].err);
        ck_assert_msg(is_default(&t), "case %zu: the theme is not the default", i);
        free(err);
    }
}
END_TEST

START_TEST(test_rgb_to_256)
{
    static const struct {
        uint32_t rgb;
        int index;
    } cases[] = {
        {0x000000, 16},  {0xffffff, 231}, {0xff0000, 196}, {0x00ff00, 46},  {0x0000ff, 21},
        {0x5f87af, 67},  {0xffaf00, 214}, {0x808080, 244}, {0x121212, 233}, {0xeeeeee, 255},
        {0x767676, 243}, {0xfe0101, 196}, {0x5a5a5a, 240}, {0x0a0a0a, 232}, {0x87d75f, 113},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(fs_color_to_256(cases[i].rgb) == cases[i].index, "#%06x: %d, want %d",
                      (unsigned)cases[i].rgb, fs_color_to_256(cases[i].rgb), cases[i].index);
}
END_TEST

START_TEST(test_256_to_8)
{
    static const struct {
        int index, basic;
    } cases[] = {
        {0, 0},   {3, 3},  {7, 7},   {8, 0},   {9, 1},   {15, 7},  {16, 0},   {196, 1}, {46, 2},
        {226, 3}, {21, 4}, {201, 5}, {51, 6},  {231, 7}, {208, 3}, {232, 0},  {240, 0}, {244, 7},
        {255, 7}, {59, 0}, {102, 7}, {250, 7}, {67, 6},  {-1, -1}, {256, -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(fs_color_to_8(cases[i].index) == cases[i].basic, "%d: %d, want %d",
                      cases[i].index, fs_color_to_8(cases[i].index), cases[i].basic);
}
END_TEST

/* A scratch directory with two theme directories in it. */
static char tmpdir[64], dir1[128], dir2[128];

static void
write_file(const char *dir, const char *name, const char *text)
{
    char *path = fs_xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    free(path);
}

static void
remove_file(const char *dir, const char *name)
{
    char *path = fs_xasprintf("%s/%s", dir, name);
    unlink(path);
    free(path);
}

static void
find_setup(void)
{
    strcpy(tmpdir, "/tmp/check_theme.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    snprintf(dir1, sizeof dir1, "%s/one", tmpdir);
    snprintf(dir2, sizeof dir2, "%s/two", tmpdir);
    ck_assert_int_eq(mkdir(dir1, 0700), 0);
    ck_assert_int_eq(mkdir(dir2, 0700), 0);
    write_file(dir1, "ocean.theme", "name = ocean one\n");
    write_file(dir2, "ocean.theme", "name = ocean two\n");
    write_file(dir2, "reef.theme", "stderr = bright-red\n");
    write_file(dir2, "bad.theme", "# bad\nstderr = mauve\n");
}

static void
find_teardown(void)
{
    remove_file(dir1, "ocean.theme");
    remove_file(dir2, "ocean.theme");
    remove_file(dir2, "reef.theme");
    remove_file(dir2, "bad.theme");
    rmdir(dir1);
    rmdir(dir2);
    rmdir(tmpdir);
}

START_TEST(test_find_by_name)
{
    struct fs_theme t;
    char *err;
    char *dirs = fs_xasprintf("%s::%s/", dir1, dir2);
    ck_assert_int_eq(fs_theme_find(&t, "ocean", dirs, &err), 0);
    ck_assert_str_eq(t.name, "ocean one"); /* the first directory wins */
    ck_assert_int_eq(fs_theme_find(&t, "reef", dirs, &err), 0);
    ck_assert_str_eq(t.name, "reef");
    ck_assert_uint_eq(t.styles[FS_EL_STDERR].fg.value, 9);
    ck_assert_int_eq(fs_theme_find(&t, "reef.theme", dirs, &err), 0);
    ck_assert_str_eq(t.name, "reef");
    ck_assert_int_eq(fs_theme_find(&t, "bad", dirs, &err), -1);
    char *want = fs_xasprintf("%s/bad.theme:2: unknown colour 'mauve'", dir2);
    ck_assert_str_eq(err, want);
    ck_assert(is_default(&t));
    free(want);
    free(err);
    free(dirs);
}
END_TEST

START_TEST(test_find_by_path)
{
    struct fs_theme t;
    char *err;
    char *path = fs_xasprintf("%s/reef.theme", dir2);
    ck_assert_int_eq(fs_theme_find(&t, path, NULL, &err), 0);
    ck_assert_uint_eq(t.styles[FS_EL_STDERR].fg.value, 9);
    free(path);
    path = fs_xasprintf("%s/nope.theme", dir2);
    ck_assert_int_eq(fs_theme_find(&t, path, dir2, &err), -1);
    char *want = fs_xasprintf("%s: No such file or directory", path);
    ck_assert_str_eq(err, want);
    free(want);
    free(err);
    free(path);
    ck_assert_int_eq(fs_theme_load(&t, dir1, &err), -1);
    ck_assert_ptr_nonnull(strstr(err, dir1));
    free(err);
    /* A NAME.theme in the current directory is a path too. */
    char *cwd = getcwd(NULL, 0);
    ck_assert_int_eq(chdir(dir2), 0);
    ck_assert_int_eq(fs_theme_find(&t, "reef.theme", "", &err), 0);
    ck_assert_uint_eq(t.styles[FS_EL_STDERR].fg.value, 9);
    ck_assert_int_eq(chdir(cwd), 0);
    free(cwd);
}
END_TEST

START_TEST(test_find_unknown_and_builtin)
{
    struct fs_theme t;
    char *err, *want;
    char *dirs = fs_xasprintf("%s:%s", dir1, dir2);
    ck_assert_int_eq(fs_theme_find(&t, "nope", dirs, &err), -1);
    want = fs_xasprintf("no theme named 'nope' (looked in %s)", dirs);
    ck_assert_str_eq(err, want);
    ck_assert(is_default(&t));
    free(want);
    free(err);
    ck_assert_int_eq(fs_theme_find(&t, "nope", NULL, &err), -1);
    ck_assert_str_eq(err, "no theme named 'nope' (looked in no directory)");
    free(err);
    /* The built-in themes need no file. */
    ck_assert_int_eq(fs_theme_find(&t, "mono", dirs, &err), 0);
    ck_assert_str_eq(t.name, "mono");
    ck_assert_int_eq(fs_theme_find(&t, "default", NULL, &err), 0);
    ck_assert(is_default(&t));
    free(dirs);
    /* The source tree's themes directory, as a run from the build uses it. */
    dirs = fs_xasprintf("%s:%s/themes", dir1, srcdir());
    ck_assert_int_eq(fs_theme_find(&t, "light", dirs, &err), 0);
    ck_assert_str_eq(t.name, "light");
    free(dirs);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("theme");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, test_elem_names);
    tcase_add_test(tc, test_builtins);
    tcase_add_test(tc, test_source_theme_files);
    tcase_add_test(tc, test_colour_syntax);
    tcase_add_test(tc, test_style_words);
    tcase_add_test(tc, test_comments_blanks_and_names);
    tcase_add_test(tc, test_errors_name_their_line);
    suite_add_tcase(s, tc);
    tc = tcase_create("colours");
    tcase_add_test(tc, test_rgb_to_256);
    tcase_add_test(tc, test_256_to_8);
    suite_add_tcase(s, tc);
    tc = tcase_create("find");
    tcase_add_checked_fixture(tc, find_setup, find_teardown);
    tcase_add_test(tc, test_find_by_name);
    tcase_add_test(tc, test_find_by_path);
    tcase_add_test(tc, test_find_unknown_and_builtin);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
