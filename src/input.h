/*
 * input.h - the bytes of one input (a file or standard input) and what is
 * known about them before any JSON is parsed: encoding problems, size,
 * secret spans to mask in snippets, and the line table for positions.
 *
 * Ownership: a dp_source owns its path copy, its bytes and its line
 * table; everything that points into a source (documents, model values,
 * findings) borrows it and must not outlive dp_source_free().
 */
#ifndef DP_INPUT_H
#define DP_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dp_arena; /* util.h */

/* A byte span in a source: [start, end), offsets into dp_source.data. */
struct dp_span {
	uint32_t start;
	uint32_t end;
};

/* Why a source cannot be parsed as JSON at all (reported as DP001). */
enum dp_encoding_problem {
	DP_ENC_OK = 0,
	DP_ENC_EMPTY,       /* zero bytes, or only a BOM / whitespace */
	DP_ENC_UTF16,       /* UTF-16 or UTF-32 byte order mark */
	DP_ENC_NUL,         /* a NUL byte: binary data */
	DP_ENC_BAD_UTF8,    /* bytes that are not UTF-8 */
};

struct dp_source {
	char *path;          /* as given; "<stdin>" for "-" */
	char *data;          /* the bytes, NUL-terminated (one extra byte) */
	size_t len;          /* bytes, without the terminator */
	uint32_t body;       /* offset where JSON starts (3 after a UTF-8 BOM) */
	enum dp_encoding_problem problem;
	uint32_t problem_offset; /* where the problem was seen */
	bool checked;        /* problem and body are set (dp_source_check()) */

	/* Spans whose bytes are never shown (passwords); sorted by start.
	 * secrets_marked: whoever marks them (a run) has done so. */
	struct dp_span *secrets;
	size_t n_secrets;
	size_t cap_secrets;
	bool secrets_marked;

	/* Line table, built on first use by srcmap. */
	uint32_t *line_starts;
	size_t n_lines;

	/* A run may free the bytes of a file it has adapted (data NULL,
	 * len kept) and read them again for a report: bytes_hash tells
	 * whether they are still the same.  See run.c. */
	bool released;
	bool hashed;          /* bytes_hash is set (dp_source_hash()) */
	uint64_t bytes_hash;
	size_t map_len;       /* data is mapped, this long (0: malloc'd) */
	size_t forgotten;     /* bytes before this offset are gone
				 (dp_source_forget_before()) */

	/* data is static bytes, not the source's (dp_source_read_expect()):
	 * never freed nor written. */
	bool borrowed;
	/* The source and its path live in the pool it was read into
	 * (dp_source_read_regular()), which outlives it: dp_source_free()
	 * frees the rest. */
	bool pooled;
};

/* The size limit when none is given (--max-file-size), and the ceiling
 * no option raises it past: offsets are uint32_t, and a file is held
 * whole while it is checked. */
#define DP_MAX_FILE_SIZE_DEFAULT ((size_t)64 << 20)  /* 64 MiB */
#define DP_MAX_FILE_SIZE_CEILING ((size_t)2 << 30) /* 2 GiB */

/*
 * Reads path ("-" = standard input) into a new source and checks its
 * encoding (the result lands in ->problem, not in the return value).
 * Returns 0, or -errno when the path cannot be read (-EISDIR for a
 * directory, -EFBIG when larger than max_size - which is at most
 * DP_MAX_FILE_SIZE_CEILING - or -ENOMEM).  *ret_source is
 * set only on success; free it with dp_source_free().
 */
int dp_source_read(const char *path, size_t max_size,
		   struct dp_source **ret_source);

/* Sets source->bytes_hash from its bytes, once. */
void dp_source_hash(struct dp_source *source);

/* Frees the bytes of a source read from a regular file (data NULL,
 * released true), remembering their hash, so that a run over many files
 * holds none of them; dp_source_reload() reads them again. */
void dp_source_release(struct dp_source *source);

/* Reads the bytes of a released source again: 0 (also when it was not
 * released), -ESTALE when the file is gone or no longer holds the same
 * bytes, or -ENOMEM. */
int dp_source_reload(struct dp_source *source, size_t max_size);

/*
 * Gives the memory of the bytes before offset back to the system, when
 * the source is a big file's mapping whose hash is taken: a 50 MB bundle
 * parsed one element at a time then does not hold the elements behind
 * it.  Those bytes read as zeros afterwards: the caller must read
 * nothing before offset again, and must dp_source_release() the source
 * once it is parsed.
 */
void dp_source_forget_before(struct dp_source *source, size_t offset);

/*
 * dp_source_read() of a file found by a directory walk, name relative
 * to dirfd (openat(), AT_FDCWD for none) and path its name in messages: opened without
 * blocking, and -EINVAL unless it is a regular file, since a FIFO that
 * nobody writes to would hang the walk forever.  Its encoding is not
 * checked yet: dp_source_check() does that, on whichever thread has the
 * time (prefetch.c).  With a pool, the source and its path are allocated
 * from it (the bytes are not): a walk's thousands of sources then cost
 * the reading thread a page fault per 2 MiB, not one per 4 KiB.  The
 * pool must outlive the source and be used by one thread at a time.
 */
int dp_source_read_regular(int dirfd, const char *name, const char *path,
			   size_t max_size, struct dp_arena *pool,
			   struct dp_source **ret_source);

/* Checks the encoding of a source read by dp_source_read_regular()
 * (->problem, ->body), once; any other source is checked already. */
void dp_source_check(struct dp_source *source);

/*
 * dp_source_read() of a file that may hold exactly the bytes known
 * (known_len of them, NUL-terminated, static), which passed every
 * encoding check before - the built-in copy of a catalog file
 * (catalog.h).  When the file's bytes are the same, the source borrows
 * known as its data (->borrowed) instead of a copy, the UTF-8 scan is
 * not done again, and *ret_same is true; else it is dp_source_read()
 * exactly, with *ret_same false.  known may be NULL.  ret_same is
 * written on success only, and may be NULL.
 */
int dp_source_read_expect(const char *path, size_t max_size,
			  const char *known, size_t known_len,
			  struct dp_source **ret_source, bool *ret_same);

/*
 * Wraps bytes that are already in memory (tests, fuzzers, the benchmark).
 * The bytes are copied.  Same encoding checks as dp_source_read().
 */
int dp_source_from_memory(const char *name, const char *bytes, size_t len,
			  struct dp_source **ret_source);

/* Records a span whose bytes must never be printed.  0 or -ENOMEM. */
int dp_source_add_secret(struct dp_source *source, struct dp_span span);

/* Whether the byte at offset lies in a secret span. */
bool dp_source_is_secret(const struct dp_source *source, uint32_t offset);

/* Human text for a problem ("file is empty", ...); never NULL. */
const char *dp_encoding_problem_text(enum dp_encoding_problem problem);

void dp_source_free(struct dp_source *source);

/*
 * Checks len bytes for NUL bytes and invalid UTF-8 (overlong forms,
 * surrogates, code points past U+10FFFF, truncated sequences).  Returns
 * DP_ENC_OK, or DP_ENC_NUL / DP_ENC_BAD_UTF8 with the offset of the first
 * bad byte (the start of the bad sequence) in *ret_offset.  The JSON
 * loader runs it over decoded embedded documents too.
 */
enum dp_encoding_problem dp_utf8_check(const char *bytes, size_t len,
				       size_t *ret_offset);

/* The length (1-4) of the valid UTF-8 sequence that starts at s, of which
 * avail bytes are readable, or 0 when none starts there. */
size_t dp_utf8_seq_len(const char *s, size_t avail);

#endif /* DP_INPUT_H */
