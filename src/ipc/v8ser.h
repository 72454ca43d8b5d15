/*
 * A codec for V8's ValueSerializer format as Node's advanced IPC uses it
 * (doc/protocol.md, notes/node-ipc.md §2): a decoder from payload bytes to a
 * JSON display form, and an encoder from JSON values to the bytes Node's
 * v8.serialize() writes for the same value.
 *
 * Display form (what the decoder returns, a jansson value the caller owns):
 *   null, booleans, strings     as themselves (Latin-1/UTF-16/UTF-8 → UTF-8;
 *                               lone surrogates become U+FFFD)
 *   numbers                     integers, or reals; NaN/±Infinity as
 *                               {"$number":"NaN"}; integral doubles below 2^53
 *                               as integers, -0 as -0.0
 *   undefined                   {"$undefined":true}
 *   BigInt                      "123n" (a string; > 1024 digit bytes:
 *                               {"$bigint_bytes":N})
 *   objects                     objects (numeric keys as decimal strings)
 *   dense arrays                arrays, holes as {"$hole":true}; extra named
 *                               properties as {"$array":[...],"$props":{...}}
 *   sparse arrays               {"$sparse":length,"items":{"index":value,...}}
 *   Map / Set                   {"$map":[[k,v],...]} / {"$set":[v,...]}
 *   Date                        {"$date":"1970-01-01T00:00:00.000Z"}
 *   RegExp                      {"$regexp":"/a+/gi"}
 *   Error                       {"$error":{"name":..,"message":..,"stack":..,"cause":..}}
 *   back-reference              {"$ref":id}: never a shared or cyclic value,
 *                               so the form can always be printed in bounded size
 *   boxed primitive             {"$boxed":value}
 *   ArrayBufferView (host 0x5C) {"$type":"Uint8Array","length":N,"byteLength":B,
 *                                "head":"hex of the first 16 bytes"}
 *   ArrayBuffer                 {"$type":"ArrayBuffer","byteLength":B,"head":".."}
 *   other host objects          {"$host":value}
 * Anything else, truncated input or input nested deeper than FS_V8_MAX_DEPTH
 * is an error (NULL + struct fs_v8_error), never a read past the end. The form
 * is at most a small constant times the payload size.
 */
#ifndef FS_V8SER_H
#define FS_V8SER_H

#include <jansson.h>
#include <stddef.h>

#define FS_V8_MAX_DEPTH 1000
#define FS_V8_VERSION 15 /* the format version node 20 writes */

struct fs_v8_error {
    size_t offset; /* where decoding stopped */
    size_t size;   /* the payload's size */
    char msg[96];
};

/* Decodes one payload (0xFF, version, one value). Returns a new reference, or
 * NULL with *err filled (err may be NULL). Host objects are read in Node's IPC
 * flavour (0x5C, 0 = view | 1 = value, ...). */
json_t *fs_v8_decode(const void *data, size_t len, struct fs_v8_error *err);

/* Encodes a JSON value as Node would serialize JSON.parse() of its text:
 * 0xFF 0x0F + the value (see v8ser_enc.c for the number and key rules), the
 * display forms of a BigInt, Map, Set, Date and ArrayBufferView written as
 * those (doc/protocol.md). Returns a malloc'd buffer (caller frees) with its
 * size in *len, or NULL with *err set (caller frees) when the value is nested
 * too deep or a form is broken. */
unsigned char *fs_v8_encode(json_t *v, size_t *len, char **err);

#endif
