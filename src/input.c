/*
 * input.c - reads one input (a file, a pipe or standard input) into memory
 * under a size limit and checks its encoding (empty, UTF-16/32, NUL bytes,
 * invalid UTF-8) before anyone tries to parse it; keeps the secret spans.
 * It knows nothing about JSON; the line table is built by srcmap.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input.h"
#include "util.h"

/* First buffer for inputs of unknown size (pipes, FIFOs, stdin). */
#define READ_CHUNK ((size_t) 64 << 10)
#define SAME_BYTES_MAX ((size_t) 256 << 10)

/* Offsets are uint32_t: no input may come near 4 GiB whatever the limit. */
#define HARD_MAX_SIZE DP_MAX_FILE_SIZE_CEILING

/* ---- UTF-8 ---------------------------------------------------------- */

size_t
dp_utf8_seq_len(const char *s, size_t avail)
{
	const unsigned char *u = (const unsigned char *) s;
	unsigned char c, lo = 0x80, hi = 0xBF;
	size_t n, i;

	if (avail == 0)
		return 0;
	c = u[0];
	if (c < 0x80)
		return 1;
	if (c < 0xC2)
		return 0; /* continuation byte or overlong 2-byte lead */
	if (c < 0xE0) {
		n = 2;
	} else if (c < 0xF0) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0; /* overlong */
		else if (c == 0xED)
			hi = 0x9F; /* UTF-16 surrogates */
	} else if (c < 0xF5) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90; /* overlong */
		else if (c == 0xF4)
			hi = 0x8F; /* past U+10FFFF */
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	if (u[1] < lo || u[1] > hi)
		return 0;
	for (i = 2; i < n; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return 0;
	}
	return n;
}

/* Whether any of the 8 bytes in v has its high bit set or is zero. */
static inline uint64_t
not_plain_ascii(uint64_t v)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t highs = 0x8080808080808080ULL;

	return (v | ((v - ones) & ~v)) & highs;
}

/* The byte-by-byte check: finds the first bad byte exactly.  Only runs
 * on text the automaton below has refused. */
static enum dp_encoding_problem
find_problem(const char *bytes, size_t len, size_t *ret_offset)
{
	const unsigned char *u = (const unsigned char *) bytes;
	size_t i = 0, n;

	while (i < len) {
		if (u[i] == 0) {
			*ret_offset = i;
			return DP_ENC_NUL;
		}
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		n = dp_utf8_seq_len(bytes + i, len - i);
		if (n == 0) {
			*ret_offset = i;
			return DP_ENC_BAD_UTF8;
		}
		i += n;
	}
	return DP_ENC_OK;
}

/*
 * UTF-8 as an automaton over byte classes (after Bjoern Hoehrmann's
 * decoder), so that text dense in Chinese costs three table reads a byte
 * and no branch.  Classes: 0 ASCII but NUL; 1 80..8F; 2 90..9F;
 * 3 A0..BF; 4 C2..DF; 5 E0; 6 E1..EC, EE, EF; 7 ED; 8 F0; 9 F1..F3;
 * 10 F4; 11 C0, C1, F5..FF; 12 NUL.  States are premultiplied by 16:
 * 0 between sequences; 16 one continuation byte to go; 32 two; 48 two,
 * the first A0..BF (after E0); 64 two, the first 80..9F (after ED);
 * 80 three; 96 three, the first 90..BF (F0); 112 three, the first
 * 80..8F (F4); 128 refused, and it stays refused.
 */
#define U8_REFUSED 128u

static const unsigned char u8_class[256] = {
	12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 00 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 80 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 90 */
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* A0 */
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	11, 11, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, /* C0 */
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 7, 6, 6, /* E0 */
	8, 9, 9, 9, 10, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11,
};

#define R U8_REFUSED
static const unsigned char u8_next[9 * 16] = {
	/*       0   1   2   3   4   5   6   7   8   9  10  11  12 */
	/*  0 */ 0,  R,  R,  R, 16, 48, 32, 64, 96, 80, 112, R, R, R, R, R,
	/* 16 */ R,  0,  0,  0,  R,  R,  R,  R,  R,  R,  R,  R, R, R, R, R,
	/* 32 */ R, 16, 16, 16,  R,  R,  R,  R,  R,  R,  R,  R, R, R, R, R,
	/* 48 */ R,  R,  R, 16,  R,  R,  R,  R,  R,  R,  R,  R, R, R, R, R,
	/* 64 */ R, 16, 16,  R,  R,  R,  R,  R,  R,  R,  R,  R, R, R, R, R,
	/* 80 */ R, 32, 32, 32,  R,  R,  R,  R,  R,  R,  R,  R, R, R, R, R,
	/* 96 */ R,  R, 32, 32,  R,  R,  R,  R,  R,  R,  R,  R, R, R, R, R,
	/*112 */ R, 32,  R,  R,  R,  R,  R,  R,  R,  R,  R,  R, R, R, R, R,
	/*128 */ R,  R,  R,  R,  R,  R,  R,  R,  R,  R,  R,  R, R, R, R, R,
};
#undef R

enum dp_encoding_problem
dp_utf8_check(const char *bytes, size_t len, size_t *ret_offset)
{
	const unsigned char *u = (const unsigned char *) bytes;
	unsigned state = 0;
	size_t i = 0;

	/* Most JSON is ASCII: 16 bytes at a time while it is; a block with
	 * anything else goes through the automaton whole. */
	for (; len - i >= 16; i += 16) {
		uint64_t a, b;

		memcpy(&a, u + i, sizeof(a));
		memcpy(&b, u + i + 8, sizeof(b));
		if (state == 0 && !(not_plain_ascii(a) | not_plain_ascii(b)))
			continue;
		for (const unsigned char *p = u + i; p < u + i + 16; p += 4) {
			state = u8_next[state + u8_class[p[0]]];
			state = u8_next[state + u8_class[p[1]]];
			state = u8_next[state + u8_class[p[2]]];
			state = u8_next[state + u8_class[p[3]]];
		}
		if (state == U8_REFUSED)
			return find_problem(bytes, len, ret_offset);
	}
	for (; i < len; i++)
		state = u8_next[state + u8_class[u[i]]];
	if (state != 0)
		return find_problem(bytes, len, ret_offset);
	return DP_ENC_OK;
}

/* ---- sources -------------------------------------------------------- */

static bool
is_json_space(unsigned char c)
{
	/* yajl also skips \v and \f between tokens. */
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static void
check_encoding(struct dp_source *source)
{
	const unsigned char *d = (const unsigned char *) source->data;
	size_t len = source->len, off = 0, i;
	enum dp_encoding_problem problem;

	source->body = 0;
	source->problem = DP_ENC_OK;
	source->problem_offset = 0;

	if (len == 0) {
		source->problem = DP_ENC_EMPTY;
		return;
	}
	if ((len >= 2 && ((d[0] == 0xFF && d[1] == 0xFE) ||
			  (d[0] == 0xFE && d[1] == 0xFF))) ||
	    (len >= 4 && d[0] == 0 && d[1] == 0 && d[2] == 0xFE &&
	     d[3] == 0xFF)) {
		source->problem = DP_ENC_UTF16;
		return;
	}
	if (len >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF)
		source->body = 3;

	problem = dp_utf8_check(source->data, len, &off);
	if (problem != DP_ENC_OK) {
		source->problem = problem;
		source->problem_offset = (uint32_t) off;
		return;
	}

	for (i = source->body; i < len && is_json_space(d[i]); i++)
		;
	if (i == len)
		source->problem = DP_ENC_EMPTY;
}

/* A source and a copy of its name, from pool or (NULL) malloc'd.  NULL
 * on ENOMEM. */
static struct dp_source *
source_alloc(const char *name, struct dp_arena *pool)
{
	struct dp_source *source;

	if (pool) {
		source = dp_arena_alloc(pool, sizeof(*source));
		if (!source)
			return NULL;
		source->path = dp_arena_strndup(pool, name, strlen(name));
		source->pooled = true;
		return source->path ? source : NULL;
	}
	source = calloc(1, sizeof(*source));
	if (!source)
		return NULL;
	source->path = dp_strdup(name);
	if (!source->path) {
		free(source);
		return NULL;
	}
	return source;
}

/* A source holding data (taken over, unless known: then data is static
 * bytes that passed check_encoding() before, never freed nor written);
 * check: check the encoding now (else dp_source_check() does). */
static int
source_new_known(const char *name, char *data, size_t len, bool known,
		 bool check, struct dp_arena *pool,
		 struct dp_source **ret_source)
{
	struct dp_source *source = source_alloc(name, pool);

	if (!source)
		return -ENOMEM;
	source->data = data;
	source->len = len;
	source->borrowed = known;
	if (known) {
		/* The same bytes passed every check of check_encoding()
		 * when they were built in: only the BOM is left to see. */
		const unsigned char *d = (const unsigned char *) data;

		source->body = len >= 3 && d[0] == 0xEF && d[1] == 0xBB &&
					       d[2] == 0xBF ? 3 : 0;
		source->checked = true;
	} else if (check) {
		dp_source_check(source);
	}
	*ret_source = source;
	return 0;
}

static int
source_new(const char *name, char *data, size_t len,
	   struct dp_source **ret_source)
{
	return source_new_known(name, data, len, false, true, NULL, ret_source);
}

void
dp_source_check(struct dp_source *source)
{
	if (source->checked)
		return;
	check_encoding(source);
	source->checked = true;
}

/*
 * Whether the rest of fd (a regular file) is exactly the len bytes at
 * known, read through a buffer of at most SAME_BYTES_MAX, since the
 * common answer "yes" needs no copy of the file.  0 or -errno.
 */
static int
same_bytes(int fd, const char *known, size_t len, bool *ret_same)
{
	/* Room for the whole file and one byte more, up to a limit: a
	 * short read of a regular file is its end, so one read() usually
	 * answers, where 16 KiB chunks and the read that returns 0 took
	 * fifteen more system calls to load the catalog. */
	size_t cap = len < SAME_BYTES_MAX ? len + 1 : SAME_BYTES_MAX;
	char *chunk = malloc(cap);
	size_t at = 0;
	int r = 0;

	if (!chunk)
		return -ENOMEM;
	*ret_same = false;
	for (;;) {
		ssize_t n = read(fd, chunk, cap);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		if ((size_t) n > len - at ||
		    memcmp(chunk, known + at, (size_t) n) != 0)
			break;
		at += (size_t) n;
		if ((size_t) n < cap) { /* the end */
			*ret_same = at == len;
			break;
		}
	}
	free(chunk);
	return r;
}

/*
 * The bytes of a big file are mapped rather than malloc'd, advised as
 * huge pages: a page fault costs some 10 us on a virtual machine, and 50
 * MB in 4 KiB pages is 12,000 of them, more time than parsing takes.  A
 * run may also give back the part of a mapping it has parsed
 * (dp_source_forget_before()).
 */
#define MAP_FROM DP_HUGE_PAGE

/* cap bytes, malloc'd or (*ret_map_len set) mapped; NULL when out of
 * memory. */
static char *
bytes_alloc(size_t cap, size_t *ret_map_len)
{
	size_t map_len = (cap + DP_HUGE_PAGE - 1) & ~(DP_HUGE_PAGE - 1);
	void *map;

	*ret_map_len = 0;
	if (cap < MAP_FROM)
		return malloc(cap);
	map = mmap(NULL, map_len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	(void) madvise(map, map_len, MADV_HUGEPAGE); /* only a hint */
#endif
	*ret_map_len = map_len;
	return map;
}

static void
bytes_free(char *data, size_t map_len)
{
	if (!data)
		return; /* handed over: munmap(NULL, n) would unmap page 0 on */
	if (map_len)
		(void) munmap(data, map_len);
	else
		free(data);
}

/* Moves the len bytes at *data (of map_len) into a buffer of want
 * bytes.  0 or -ENOMEM, when *data is unchanged. */
static int
bytes_grow(char **data, size_t *map_len, size_t len, size_t want)
{
	size_t new_map_len;
	char *bigger;

	if (!*map_len && want < MAP_FROM) {
		bigger = realloc(*data, want);
	} else {
		bigger = bytes_alloc(want, &new_map_len);
		if (bigger) {
			memcpy(bigger, *data, len);
			bytes_free(*data, *map_len);
			*map_len = new_map_len;
		}
	}
	if (!bigger)
		return -ENOMEM;
	*data = bigger;
	return 0;
}

/*
 * Reads fd to EOF into one malloc'd, NUL-terminated buffer.  size_hint is
 * the size fstat saw of a regular file (0 when unknown); the file may
 * still grow or shrink while it is read, and pipes have no size at all.
 * A regular file is read with one read() of one byte more than its size:
 * a short read of a regular file is its end (POSIX), so the read that
 * would return 0 is not needed, which halves the reads of a walk over
 * many small files.  Anything else ends only at read() returning 0.
 */
static int
read_all(int fd, size_t size_hint, size_t max_size, char **ret_data,
	 size_t *ret_len, size_t *ret_map_len)
{
	size_t cap, len = 0, map_len;
	char *data;
	int r;

	cap = (size_hint ? size_hint + 1 : READ_CHUNK) + 1;
	if (cap > max_size + 1)
		cap = max_size + 1;
	data = bytes_alloc(cap, &map_len);
	if (!data)
		return -ENOMEM;

	for (;;) {
		ssize_t n;
		size_t want;

		if (len + 1 == cap) {
			char probe;

			/* Full: find out whether there is more before
			 * growing, so that a regular file of the size
			 * fstat said is read into exactly one buffer. */
			n = read(fd, &probe, 1);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				r = -errno;
				goto out;
			}
			if (n == 0)
				break;
			if (len >= max_size) {
				r = -EFBIG;
				goto out;
			}
			want = cap > SIZE_MAX / 2 ? max_size + 1 : cap * 2;
			if (want > max_size + 1)
				want = max_size + 1;
			if ((r = bytes_grow(&data, &map_len, len, want)) < 0)
				goto out;
			cap = want;
			data[len++] = probe;
			continue;
		}

		want = cap - 1 - len;
		n = read(fd, data + len, want);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t) n;
		if (size_hint && (size_t) n < want)
			break;
	}

	data[len] = '\0';
	*ret_data = data;
	*ret_len = len;
	*ret_map_len = map_len;
	return 0;
out:
	bytes_free(data, map_len);
	return r;
}

/*
 * A file the walk listed as regular, read without asking its size: one
 * read() of up to READ_CHUNK bytes into the stack, then copied into a
 * buffer of its size.  A short read of a regular file is its end, so
 * three system calls a file where open, fstat, read and close were four
 * (fstat was a fifth of a walk over 10,000 small files).  Not read into
 * a malloc'd READ_CHUNK cut to fit: on the reader thread every such
 * buffer grew and trimmed its malloc arena again (3,000 mprotect calls
 * over those files).  1 with the whole file in *ret_data; 0 when fstat
 * must decide after all, from the start of the file: it fills the
 * chunk (it is big, or no longer a regular file), goes past max_size,
 * or cannot be read; -ENOMEM.
 */
static int
read_found(int fd, size_t max_size, char **ret_data, size_t *ret_len)
{
	char chunk[READ_CHUNK];
	ssize_t n;
	char *data;

	do
		n = read(fd, chunk, sizeof(chunk));
	while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t) n == sizeof(chunk) || (size_t) n > max_size)
		return 0;
	data = malloc((size_t) n + 1);
	if (!data)
		return -ENOMEM;
	memcpy(data, chunk, (size_t) n);
	data[n] = '\0';
	*ret_data = data;
	*ret_len = (size_t) n;
	return 1;
}

/* What read_path() opens: name relative to dirfd, found by a walk; the
 * pool its source is allocated from, or NULL. */
struct opening {
	int dirfd;
	const char *name;
	bool found;
	struct dp_arena *pool;
};

static int read_path(const struct opening *at, const char *path,
		     size_t max_size, const char *known, size_t known_len,
		     struct dp_source **ret_source, bool *ret_same);

int
dp_source_read(const char *path, size_t max_size, struct dp_source **ret_source)
{
	return dp_source_read_expect(path, max_size, NULL, 0, ret_source,
				     NULL);
}

int
dp_source_read_regular(int dirfd, const char *name, const char *path,
		       size_t max_size, struct dp_arena *pool,
		       struct dp_source **ret_source)
{
	const struct opening at = {dirfd, name, true, pool};

	return read_path(&at, path, max_size, NULL, 0, ret_source, NULL);
}

int
dp_source_read_expect(const char *path, size_t max_size, const char *known,
		      size_t known_len, struct dp_source **ret_source,
		      bool *ret_same)
{
	const struct opening at = {AT_FDCWD, path, false, NULL};

	return read_path(&at, path, max_size, known, known_len, ret_source,
			 ret_same);
}

/* found (by a walk): open without blocking (a FIFO swapped in after the
 * walk saw a file must not hang the run), refuse anything but a regular
 * file with -EINVAL, and leave the encoding check to dp_source_check(). */
static int
read_path(const struct opening *at, const char *path, size_t max_size,
	  const char *known, size_t known_len, struct dp_source **ret_source,
	  bool *ret_same)
{
	bool found = at->found;
	bool is_stdin, same = false;
	struct stat st;
	size_t hint = 0, len = 0, map_len = 0;
	char *data = NULL;
	int fd = -1, r;

	if (!path || !ret_source)
		return -EINVAL;
	if (max_size > HARD_MAX_SIZE)
		max_size = HARD_MAX_SIZE;

	is_stdin = strcmp(path, "-") == 0;
	if (is_stdin) {
		fd = STDIN_FILENO;
	} else {
		fd = openat(at->dirfd, at->name, O_RDONLY | O_CLOEXEC |
			    O_NOCTTY | (found ? O_NONBLOCK : 0));
		if (fd < 0)
			return -errno;
	}

	if (found) {
		r = read_found(fd, max_size, &data, &len);
		if (r < 0)
			goto out;
		if (r > 0)
			goto have_bytes;
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		r = -EISDIR;
		goto out;
	}
	if (found && !S_ISREG(st.st_mode)) {
		r = -EINVAL;
		goto out;
	}
	if (S_ISREG(st.st_mode) && st.st_size > 0) {
		if ((unsigned long long) st.st_size > max_size) {
			r = -EFBIG;
			goto out;
		}
		hint = (size_t) st.st_size;
	}

	/* A regular file of the known size: compared first, read whole
	 * only when it differs (from its start again). */
	if (known && !is_stdin && S_ISREG(st.st_mode) &&
	    (unsigned long long) st.st_size == known_len) {
		r = same_bytes(fd, known, known_len, &same);
		if (r < 0)
			goto out;
		if (same) {
			r = source_new_known(path, (char *) known, known_len,
					     true, true, NULL, ret_source);
			goto out;
		}
		if (lseek(fd, 0, SEEK_SET) < 0) {
			r = -errno;
			goto out;
		}
	}

	/* What read_found() read is read again, whole. */
	if (found && lseek(fd, 0, SEEK_SET) < 0) {
		r = -errno;
		goto out;
	}
	r = read_all(fd, hint, max_size, &data, &len, &map_len);
	if (r < 0)
		goto out;
have_bytes:
	r = source_new_known(is_stdin ? "<stdin>" : path, data, len, false,
			     !found, at->pool, ret_source);
	if (r < 0)
		goto out;
	(*ret_source)->map_len = map_len;
	data = NULL;
out:
	if (r == 0 && ret_same)
		*ret_same = same;
	bytes_free(data, map_len);
	if (fd >= 0 && !is_stdin)
		(void) close(fd);
	return r;
}

void
dp_source_hash(struct dp_source *source)
{
	if (source->hashed || !source->data)
		return;
	source->bytes_hash = dp_hash64(source->data, source->len);
	source->hashed = true;
}

void
dp_source_release(struct dp_source *source)
{
	if (source->released || source->borrowed)
		return;
	dp_source_hash(source);
	bytes_free(source->data, source->map_len);
	source->data = NULL;
	source->map_len = 0;
	source->released = true;
}

int
dp_source_reload(struct dp_source *source, size_t max_size)
{
	struct dp_source *now = NULL;
	int r;

	if (!source->released)
		return 0;
	r = dp_source_read(source->path, max_size, &now);
	if (r == -ENOMEM)
		return r;
	if (r < 0 || now->len != source->len ||
	    dp_hash64(now->data, now->len) != source->bytes_hash) {
		dp_source_free(now);
		return -ESTALE;
	}
	source->data = now->data;
	source->map_len = now->map_len;
	source->released = false;
	now->data = NULL;
	dp_source_free(now);
	return 0;
}

void
dp_source_forget_before(struct dp_source *source, size_t offset)
{
	size_t upto = offset & ~(DP_HUGE_PAGE - 1);

	if (!source->map_len || !source->hashed || upto <= source->forgotten)
		return;
	(void) madvise(source->data + source->forgotten,
		       upto - source->forgotten, MADV_DONTNEED);
	source->forgotten = upto;
}

int
dp_source_from_memory(const char *name, const char *bytes, size_t len,
		      struct dp_source **ret_source)
{
	char *data;
	int r;

	if ((!bytes && len) || !ret_source)
		return -EINVAL;
	if (len > HARD_MAX_SIZE)
		return -EFBIG;
	data = malloc(len + 1);
	if (!data)
		return -ENOMEM;
	if (len)
		memcpy(data, bytes, len);
	data[len] = '\0';
	r = source_new(name ? name : "<memory>", data, len, ret_source);
	if (r < 0)
		free(data);
	return r;
}

/* ---- secrets -------------------------------------------------------- */

/*
 * The spans are kept sorted by start and merged when they overlap or
 * touch, so that one binary search answers dp_source_is_secret().
 */
int
dp_source_add_secret(struct dp_source *source, struct dp_span span)
{
	struct dp_span *spans = source->secrets;
	size_t n = source->n_secrets, lo, hi, at, next;

	if (span.start >= span.end)
		return 0;

	/* The common case: callers add spans in source order. */
	if (n > 0 && spans[n - 1].start <= span.start) {
		if (span.start <= spans[n - 1].end) {
			if (span.end > spans[n - 1].end)
				spans[n - 1].end = span.end;
			return 0;
		}
		at = n;
	} else {
		/* First span with start > span.start. */
		lo = 0;
		hi = n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (spans[mid].start <= span.start)
				lo = mid + 1;
			else
				hi = mid;
		}
		at = lo;
		/* Already masked (the Terraform adapter marks again what the
		 * run marked): nothing to insert, nothing to shift. */
		if (at > 0 && spans[at - 1].end >= span.end)
			return 0;
	}

	if (n == source->cap_secrets) {
		size_t cap = n ? n * 2 : 8;
		struct dp_span *bigger;

		bigger = realloc(spans, cap * sizeof(*spans));
		if (!bigger)
			return -ENOMEM;
		spans = bigger;
		source->secrets = spans;
		source->cap_secrets = cap;
	}
	memmove(spans + at + 1, spans + at, (n - at) * sizeof(*spans));
	spans[at] = span;
	n++;

	/* Merge with the previous span, then swallow following ones. */
	if (at > 0 && spans[at].start <= spans[at - 1].end) {
		if (spans[at].end > spans[at - 1].end)
			spans[at - 1].end = spans[at].end;
		memmove(spans + at, spans + at + 1,
			(n - at - 1) * sizeof(*spans));
		n--;
		at--;
	}
	next = at + 1;
	while (next < n && spans[next].start <= spans[at].end) {
		if (spans[next].end > spans[at].end)
			spans[at].end = spans[next].end;
		next++;
	}
	if (next > at + 1) {
		memmove(spans + at + 1, spans + next,
			(n - next) * sizeof(*spans));
		n -= next - (at + 1);
	}
	source->n_secrets = n;
	return 0;
}

bool
dp_source_is_secret(const struct dp_source *source, uint32_t offset)
{
	size_t lo = 0, hi = source->n_secrets;

	/* Last span with start <= offset. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (source->secrets[mid].start <= offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && offset < source->secrets[lo - 1].end;
}

const char *
dp_encoding_problem_text(enum dp_encoding_problem problem)
{
	switch (problem) {
	case DP_ENC_OK:
		return "no encoding problem";
	case DP_ENC_EMPTY:
		return "file is empty";
	case DP_ENC_UTF16:
		return "file starts with a UTF-16 or UTF-32 byte order mark: "
		       "save it as UTF-8";
	case DP_ENC_NUL:
		return "file holds a NUL byte: binary data, not JSON";
	case DP_ENC_BAD_UTF8:
		return "invalid UTF-8 byte sequence";
	}
	return "unknown encoding problem";
}

void
dp_source_free(struct dp_source *source)
{
	if (!source)
		return;
	if (!source->borrowed)
		bytes_free(source->data, source->map_len);
	free(source->secrets);
	free(source->line_starts);
	if (source->pooled)
		return;
	free(source->path);
	free(source);
}
