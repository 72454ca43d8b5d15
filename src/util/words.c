/*
 * Splits a command string into argv words, shell-like but without any expansion:
 * blanks separate words, single quotes are literal, double quotes allow the
 * escapes \" \\ \$ \` and a backslash outside quotes escapes the next character.
 * The words are built in one scratch buffer as long as the input, so a word can
 * never outgrow it.
 */
#include <config.h>

#include "util/words.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

struct splitter {
    const char *s; /* the input */
    size_t pos;    /* next byte to read */
    char *word;    /* scratch buffer for the current word */
    size_t wlen;   /* bytes in word */
    bool in_word;  /* a word has started, even if it is still empty ('') */
    char **argv;   /* the result so far */
    size_t argc;
};

static bool
is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* The 1-based column of byte `pos`, counting UTF-8 characters rather than bytes so
 * the number matches what the user sees. */
static size_t
column_of(const char *s, size_t pos)
{
    size_t col = 1;
    for (size_t i = 0; i < pos; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            col++;
    return col;
}

static void
end_word(struct splitter *sp)
{
    if (!sp->in_word)
        return;
    sp->argv = fs_xreallocarray(sp->argv, sp->argc + 2, sizeof *sp->argv);
    sp->argv[sp->argc++] = fs_xstrndup(sp->word, sp->wlen);
    sp->argv[sp->argc] = NULL;
    sp->wlen = 0;
    sp->in_word = false;
}

static void
put(struct splitter *sp, char c)
{
    sp->word[sp->wlen++] = c;
    sp->in_word = true;
}

/* Reads a single-quoted part; sp->pos is on the opening quote. */
static int
single_quoted(struct splitter *sp, char **err)
{
    size_t open = sp->pos++;
    sp->in_word = true;
    while (sp->s[sp->pos] != '\'') {
        if (sp->s[sp->pos] == '\0') {
            *err = fs_xasprintf("unterminated single quote at column %zu", column_of(sp->s, open));
            return -1;
        }
        put(sp, sp->s[sp->pos++]);
    }
    sp->pos++;
    return 0;
}

/* Reads a double-quoted part; sp->pos is on the opening quote. Only the four
 * characters that are special inside double quotes in sh can be escaped; any other
 * backslash is kept, as sh does. */
static int
double_quoted(struct splitter *sp, char **err)
{
    size_t open = sp->pos++;
    sp->in_word = true;
    for (;;) {
        char c = sp->s[sp->pos];
        if (c == '\0') {
            *err = fs_xasprintf("unterminated double quote at column %zu", column_of(sp->s, open));
            return -1;
        }
        sp->pos++;
        if (c == '"')
            return 0;
        char next = sp->s[sp->pos];
        if (c == '\\' && next != '\0' && strchr("\"\\$`", next) != NULL)
            c = sp->s[sp->pos++];
        put(sp, c);
    }
}

char **
fs_words_split(const char *s, char **err)
{
    struct splitter sp = {.s = s};
    sp.word = fs_xmalloc(strlen(s) + 1);
    sp.argv = fs_xcalloc(1, sizeof *sp.argv);

    while (s[sp.pos] != '\0') {
        char c = s[sp.pos];
        int rc = 0;
        if (is_blank(c)) {
            end_word(&sp);
            sp.pos++;
        } else if (c == '\'') {
            rc = single_quoted(&sp, err);
        } else if (c == '"') {
            rc = double_quoted(&sp, err);
        } else if (c == '\\' && s[sp.pos + 1] != '\0') {
            /* A trailing backslash has nothing to escape and is kept as it is. */
            put(&sp, s[sp.pos + 1]);
            sp.pos += 2;
        } else {
            put(&sp, c);
            sp.pos++;
        }
        if (rc < 0) {
            free(sp.word);
            fs_strv_free(sp.argv);
            return NULL;
        }
    }
    end_word(&sp);
    free(sp.word);
    return sp.argv;
}
