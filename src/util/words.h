/*
 * Splits a command string into argv words the way a user expects of a `cmd:`
 * task: blanks separate words; single quotes keep everything literally; double
 * quotes keep blanks and allow \" \\ \$ \` escapes; a backslash outside quotes
 * escapes the next character. Nothing is expanded: no variables, globs or `~`.
 */
#ifndef FS_WORDS_H
#define FS_WORDS_H

/* Returns a NULL-terminated vector (free with fs_strv_free), or NULL with *err set
 * to an allocated message such as "unterminated single quote at column 7". An
 * empty or blank string gives an empty vector (argv[0] == NULL). */
char **fs_words_split(const char *s, char **err);

#endif
