/*
 * Unit tests of util/container.h: FS_CONTAINER_OF finds the struct around an
 * embedded member, whichever member it is and wherever it lies.
 */
#include <config.h>

#include <check.h>
#include <stdint.h>

#include "util/container.h"

struct inner {
    int x;
};

struct outer {
    char tag;
    uint64_t pad[3];
    struct inner hold;
    int last;
};

START_TEST(finds_the_struct_around_a_member)
{
    struct outer o = {.tag = 'o', .last = 7};
    struct inner *h = &o.hold;
    ck_assert_ptr_eq(FS_CONTAINER_OF(h, struct outer, hold), &o);
    ck_assert_int_eq(FS_CONTAINER_OF(h, struct outer, hold)->tag, 'o');
    ck_assert_ptr_eq(FS_CONTAINER_OF(&o.last, struct outer, last), &o);
    ck_assert_ptr_eq(FS_CONTAINER_OF(&o.tag, struct outer, tag), &o);
}
END_TEST

static Suite *
make_suite(void)
{
    Suite *s = suite_create("container");
    TCase *tc = tcase_create("container_of");
    tcase_add_test(tc, finds_the_struct_around_a_member);
    suite_add_tcase(s, tc);
    return s;
}

#include "check_main.h"
