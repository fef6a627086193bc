/*
 * util.h - small building blocks shared by every module: an arena (bump
 * allocator), a growable byte buffer, and checked number parsing.
 *
 * Ownership: an arena owns everything allocated from it until
 * dp_arena_free(); a dp_buf owns its data until dp_buf_free() or until the
 * caller takes it with dp_buf_steal().  No function here prints or exits.
 */
#ifndef DP_UTIL_H
#define DP_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DP_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define DP_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define DP_PRINTF(fmt, args)
#endif

/* ---- arena ---------------------------------------------------------- */

struct dp_arena;

/* A new, empty arena; NULL on ENOMEM. */
struct dp_arena *dp_arena_new(void);

/* An arena for megabytes of small long-lived objects: its first chunk
 * is already a 2 MiB huge page (one page fault where 4 KiB pages took
 * one per 4 KiB), taken on the first allocation.  NULL on ENOMEM. */
struct dp_arena *dp_arena_new_big(void);

/* Frees the arena and everything allocated from it.  NULL is a no-op. */
void dp_arena_free(struct dp_arena *arena);

/* size bytes aligned for any type, zero-filled; NULL on ENOMEM. */
void *dp_arena_alloc(struct dp_arena *arena, size_t size);

/* A NUL-terminated copy of the len bytes at s; NULL on ENOMEM. */
char *dp_arena_strndup(struct dp_arena *arena, const char *s, size_t len);

/* A point in an arena's life: everything allocated after it can be
 * freed at once with dp_arena_reset(), the rest stays. */
struct dp_arena_mark {
	void *current;
	size_t used;
	void *full;
	size_t handed_out;
};

void dp_arena_mark(const struct dp_arena *arena, struct dp_arena_mark *ret);

/* Frees everything allocated since mark was taken (later marks become
 * invalid).  Not for arenas that share strings. */
void dp_arena_reset(struct dp_arena *arena, const struct dp_arena_mark *mark);

/*
 * Makes dp_arena_intern() keep one copy of each distinct string: a setup
 * holds the same JSON Pointers and the same short texts ("/Role/Arn",
 * "System", "Allow") for every file of a run.  0 or -ENOMEM.
 */
int dp_arena_share_strings(struct dp_arena *arena);

/* Frees the interning table (the strings stay): from now on
 * dp_arena_intern() makes plain copies.  For a setup whose documents are
 * all read. */
void dp_arena_stop_sharing(struct dp_arena *arena);

/* A NUL-terminated copy of the len bytes at s, shared with every equal
 * string interned before when the arena shares strings, a new copy else.
 * Never write to it.  NULL on ENOMEM. */
const char *dp_arena_intern(struct dp_arena *arena, const char *s,
			    size_t len);

/* A formatted string in the arena; NULL on ENOMEM. */
char *dp_arena_printf(struct dp_arena *arena, const char *fmt, ...)
	DP_PRINTF(2, 3);

/* Bytes handed out so far (for the benchmark and the tests). */
size_t dp_arena_used(const struct dp_arena *arena);

/* A transparent huge page (x86-64, arm64 with 4 KiB pages): the arena's
 * big chunks and big files' buffers are aligned to it and advised as one,
 * since on a virtual machine each 4 KiB page costs a fault of ~10 us. */
#define DP_HUGE_PAGE ((size_t) 2 << 20)

/* How many threads a run may use: asked, or when asked is 0 one per
 * online processor (at least 1).  The processors are counted only then:
 * glibc reads /sys for it, three system calls that a run needing no
 * thread (a pre-commit hook's one file) should not make. */
unsigned dp_thread_count(unsigned asked);

/* A 64-bit hash of len bytes (not cryptographic: for tables, and to
 * notice that a file's bytes changed). */
uint64_t dp_hash64(const void *bytes, size_t len);

/* ---- growable arrays and buffers ------------------------------------ */

/* Makes room in *array_ptr (a malloc'd array of elem_size items, *cap
 * of them, n in use) for one more, doubling it; 0 or -ENOMEM, when the
 * array is unchanged. */
int dp_grow(void *array_ptr, size_t n, size_t *cap, size_t elem_size);


/* Zero-initialise (struct dp_buf b = {0};) before use.  data is always
 * NUL-terminated once anything was appended. */
struct dp_buf {
	char *data;
	size_t len;
	size_t cap;
};

/* Each returns 0 or -ENOMEM; on failure the buffer is unchanged. */
int dp_buf_append(struct dp_buf *buf, const void *bytes, size_t len);
int dp_buf_puts(struct dp_buf *buf, const char *s);
int dp_buf_putc(struct dp_buf *buf, char c);
int dp_buf_printf(struct dp_buf *buf, const char *fmt, ...) DP_PRINTF(2, 3);
int dp_buf_vprintf(struct dp_buf *buf, const char *fmt, va_list ap)
	DP_PRINTF(2, 0);

/* Forget the contents but keep the memory. */
void dp_buf_reset(struct dp_buf *buf);

/* Hands the NUL-terminated data to the caller (free() it) and resets the
 * buffer; returns an empty allocated string when nothing was appended,
 * NULL on ENOMEM. */
char *dp_buf_steal(struct dp_buf *buf);

void dp_buf_free(struct dp_buf *buf);

/* ---- numbers and strings -------------------------------------------- */

/* Parses the whole of s as a decimal long in [min, max]; 0 or -EINVAL /
 * -ERANGE.  *ret is untouched on failure.  (Instead of atoi.) */
int dp_parse_long(const char *s, long min, long max, long *ret);

/* ASCII-only case-insensitive comparison of two byte strings. */
bool dp_ascii_ieq(const char *a, size_t alen, const char *b, size_t blen);

/* strdup that never returns NULL for a NULL input: returns NULL on ENOMEM
 * or when s is NULL. */
char *dp_strdup(const char *s);

/* A malloc'd formatted string; NULL on ENOMEM. */
char *dp_asprintf(const char *fmt, ...) DP_PRINTF(1, 2);

#endif /* DP_UTIL_H */
