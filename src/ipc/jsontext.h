/*
 * JSON text that may be printed as it is. A json-mode message from a Node
 * child is JSON.stringify's output: compact, integers without a fraction,
 * strings with few escapes. For such text, parsing it into jansson values and
 * dumping them again gives back the same bytes, and headless mode can splice
 * the text into its event instead (doc/headless.md says why). jansson still
 * checks that the text is valid.
 */
#ifndef FS_JSONTEXT_H
#define FS_JSONTEXT_H

#include <stdbool.h>
#include <stddef.h>

/* True when `text` is one valid JSON value without duplicate keys that
 * jansson's compact dump of its parsed value (JSON_COMPACT | JSON_ENCODE_ANY,
 * any real precision) reproduces byte for byte. That is the case when it has no
 * whitespace, no number with a fraction or an exponent, no integer of more than
 * 18 digits, no -0, and no escape in its strings but \" \\ \b \f \n \r \t.
 * False says only that this cannot tell: the text may be valid all the same. */
bool fs_jsontext_verbatim(const char *text, size_t len);
/* The same for text known to be valid JSON without duplicate keys (jansson's
 * own output): only its spelling is looked at. */
bool fs_jsontext_spelled_verbatim(const char *text, size_t len);

#endif
