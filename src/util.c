/*
 * util.c - the arena (bump allocator over malloc'd chunks), the growable
 * byte buffer and checked number parsing shared by every module.  Nothing
 * here knows about JSON, rules or output.
 */
#include "config.h"

#include <errno.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"

/* ---- arena ---------------------------------------------------------- */

/*
 * Chunks are malloc'd, not calloc'd: zeroing what is handed out is
 * cheaper than zeroing (and touching) the whole chunk up front.  The
 * first chunk is small and each next one twice the last, up to 2 MiB:
 * a small document's arena stays a few KiB (10,000 of them each holding
 * a big chunk once cost more in page faults than parsing), the setup's
 * grows to huge pages.
 */
#define ARENA_FIRST_CHUNK ((size_t) 4 << 10)
#define ARENA_CHUNK_SIZE ((size_t) 2 << 20)
/*
 * A chunk this big is aligned to it and offered to the kernel as a
 * transparent huge page: a setup over 10,000 files fills 13 MB, and on
 * a virtual machine each 4 KiB page touched costs a fault of ~10 us
 * (50 ms in all) where a 2 MiB page costs one.  Smaller arenas never
 * grow this far.
 */
#define ARENA_HUGE_CHUNK DP_HUGE_PAGE
#define ARENA_ALIGN	 alignof(max_align_t)

struct chunk {
	struct chunk *next;
	size_t size; /* usable bytes after the header */
	size_t used;
	/* Keeps the payload aligned for any type. */
	alignas(max_align_t) unsigned char data[];
};

/* The most slots the interning table grows to (2 MiB).  What repeats
 * (pointers and texts of every file's exports) is met early; a 50 MB
 * bundle of exports has a million strings that never repeat, and a table
 * of them all cost more in cache misses than it saved.  When full, new
 * strings are plain copies and lookups still find the shared ones. */
#define SHARED_MAX ((size_t)1 << 17)

/* One interned string: the copy lives in the arena. */
struct shared_string {
	const char *s;
	uint32_t len;
	uint32_t hash;
};

struct dp_arena {
	size_t first_chunk;    /* size of the first chunk */
	struct chunk *current; /* bump allocations come from here */
	struct chunk *full;    /* retired and oversized chunks */
	size_t handed_out;
	/* dp_arena_intern()'s open-addressing table (malloc'd, a power
	 * of two, at most half full); NULL when strings are not shared. */
	struct shared_string *shared;
	size_t n_shared, cap_shared;
};

static struct dp_arena *
arena_new(size_t first_chunk)
{
	struct dp_arena *arena = calloc(1, sizeof(struct dp_arena));

	if (arena)
		arena->first_chunk = first_chunk;
	return arena;
}

struct dp_arena *
dp_arena_new(void)
{
	return arena_new(ARENA_FIRST_CHUNK);
}

struct dp_arena *
dp_arena_new_big(void)
{
	/* Less the chunk's header: chunk_new() rounds up to the page. */
	return arena_new(ARENA_CHUNK_SIZE - sizeof(struct chunk));
}

static void
free_chunks(struct chunk *c)
{
	while (c) {
		struct chunk *next = c->next;

		free(c);
		c = next;
	}
}

void
dp_arena_free(struct dp_arena *arena)
{
	if (!arena)
		return;
	free_chunks(arena->current);
	free_chunks(arena->full);
	free(arena->shared);
	free(arena);
}

/* size bytes (a multiple of DP_HUGE_PAGE) aligned to a huge page and
 * offered to the kernel as such; free() frees them.  NULL on ENOMEM. */
static void *
huge_alloc(size_t size)
{
	void *p = NULL;

	if (posix_memalign(&p, DP_HUGE_PAGE, size) != 0)
		return NULL;
#ifdef MADV_HUGEPAGE
	(void) madvise(p, size, MADV_HUGEPAGE); /* only a hint */
#endif
	return p;
}

static struct chunk *
chunk_new(size_t size)
{
	struct chunk *c;

	if (size > SIZE_MAX - sizeof(*c) - ARENA_HUGE_CHUNK)
		return NULL;
	if (sizeof(*c) + size >= ARENA_HUGE_CHUNK) {
		size_t total = (sizeof(*c) + size + ARENA_HUGE_CHUNK - 1) &
			       ~(ARENA_HUGE_CHUNK - 1);

		c = huge_alloc(total);
		if (!c)
			return NULL;
		size = total - sizeof(*c);
	} else {
		c = malloc(sizeof(*c) + size);
		if (!c)
			return NULL;
	}
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

/* size bytes aligned to align (a power of two), not zeroed. */
static void *
arena_take(struct dp_arena *arena, size_t size, size_t align)
{
	struct chunk *c = arena->current;
	size_t at, want;

	if (size == 0)
		size = 1;
	if (c) {
		at = (c->used + align - 1) & ~(align - 1);
		if (at <= c->size && c->size - at >= size) {
			c->used = at + size;
			arena->handed_out += size;
			return c->data + at;
		}
	}

	/* Requests above a quarter chunk get a chunk of their own so that
	 * they never waste the rest of the current one. */
	if (size > ARENA_CHUNK_SIZE / 4) {
		c = chunk_new(size);
		if (!c)
			return NULL;
		c->used = size;
		c->next = arena->full;
		arena->full = c;
		arena->handed_out += size;
		return c->data;
	}

	want = arena->first_chunk;
	if (arena->current)
		want = arena->current->size < ARENA_CHUNK_SIZE
			       ? arena->current->size * 2
			       : ARENA_CHUNK_SIZE;
	while (want < size)
		want *= 2;
	c = chunk_new(want);
	if (!c)
		return NULL;
	if (arena->current) {
		arena->current->next = arena->full;
		arena->full = arena->current;
	}
	arena->current = c;
	c->used = size;
	arena->handed_out += size;
	return c->data;
}

void *
dp_arena_alloc(struct dp_arena *arena, size_t size)
{
	void *p = arena_take(arena, size, ARENA_ALIGN);

	if (p)
		memset(p, 0, size);
	return p;
}

char *
dp_arena_strndup(struct dp_arena *arena, const char *s, size_t len)
{
	char *copy;

	if (len == SIZE_MAX)
		return NULL;
	/* Strings need no alignment: keep them packed. */
	copy = arena_take(arena, len + 1, 1);
	if (!copy)
		return NULL;
	if (len)
		memcpy(copy, s, len);
	copy[len] = '\0';
	return copy;
}

void
dp_arena_mark(const struct dp_arena *arena, struct dp_arena_mark *ret)
{
	ret->current = arena->current;
	ret->used = arena->current ? arena->current->used : 0;
	ret->full = arena->full;
	ret->handed_out = arena->handed_out;
}

void
dp_arena_reset(struct dp_arena *arena, const struct dp_arena_mark *mark)
{
	struct chunk *c = arena->full;

	/* Chunks retired since the mark sit on top of the full list; the
	 * one that was current then is among them when it filled up. */
	while (c && c != mark->full) {
		struct chunk *next = c->next;

		if (c != mark->current)
			free(c);
		c = next;
	}
	if (arena->current != mark->current)
		free(arena->current);
	arena->full = mark->full;
	arena->current = mark->current;
	if (arena->current) {
		arena->current->used = mark->used;
		arena->current->next = NULL;
	}
	arena->handed_out = mark->handed_out;
}

int
dp_arena_share_strings(struct dp_arena *arena)
{
	if (arena->shared)
		return 0;
	arena->shared = calloc(256, sizeof(*arena->shared));
	if (!arena->shared)
		return -ENOMEM;
	arena->cap_shared = 256;
	return 0;
}

void
dp_arena_stop_sharing(struct dp_arena *arena)
{
	free(arena->shared);
	arena->shared = NULL;
	arena->n_shared = arena->cap_shared = 0;
}

unsigned
dp_thread_count(unsigned asked)
{
	long online;

	if (asked)
		return asked;
	online = sysconf(_SC_NPROCESSORS_ONLN);
	return online > 1 ? (unsigned) (online < 1024 ? online : 1024) : 1;
}

/* Eight bytes a step: pointers and texts are short, and this runs once
 * per value an adapter reads. */
uint64_t
dp_hash64(const void *bytes, size_t len)
{
	const unsigned char *s = bytes;
	uint64_t h = 0x9e3779b97f4a7c15u ^ len, w;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
		h ^= h >> 32;
	}
	if (len) {
		w = 0;
		memcpy(&w, s, len);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
		h ^= h >> 32;
	}
	h *= 0xc4ceb9fe1a85ec53u;
	return h ^ (h >> 29);
}

static uint32_t
hash_bytes(const char *s, size_t len)
{
	return (uint32_t)(dp_hash64(s, len) >> 32);
}

/*
 * A table of JUMP_FROM bytes or more grows at once to SHARED_MAX slots
 * (2 MiB), in one huge page: lookups touch it all over, and on a virtual
 * machine the 4 KiB pages of the tables grown on the way there cost some
 * 470 page faults over 10,000 files (~11 us each).
 */
#define JUMP_FROM ((size_t)256 << 10)

static struct shared_string *
shared_alloc(size_t cap)
{
	size_t size = cap * sizeof(struct shared_string);
	struct shared_string *table;

	if (size < DP_HUGE_PAGE)
		return calloc(cap, sizeof(*table));
	table = huge_alloc(size);
	if (table)
		memset(table, 0, size);
	return table;
}

static int
grow_shared(struct dp_arena *arena)
{
	size_t cap = arena->cap_shared * 2, mask;
	struct shared_string *table;

	if (cap * sizeof(*table) >= JUMP_FROM)
		cap = SHARED_MAX;
	mask = cap - 1;
	table = shared_alloc(cap);
	if (!table)
		return -ENOMEM;
	for (size_t i = 0; i < arena->cap_shared; i++) {
		const struct shared_string *e = &arena->shared[i];
		size_t at = e->hash & mask;

		if (!e->s)
			continue;
		while (table[at].s)
			at = (at + 1) & mask;
		table[at] = *e;
	}
	free(arena->shared);
	arena->shared = table;
	arena->cap_shared = cap;
	return 0;
}

const char *
dp_arena_intern(struct dp_arena *arena, const char *s, size_t len)
{
	struct shared_string *e;
	uint32_t hash;
	size_t at, mask;
	char *copy;

	if (!arena->shared || len > UINT32_MAX)
		return dp_arena_strndup(arena, s, len);
	hash = hash_bytes(s, len);
	mask = arena->cap_shared - 1;
	for (at = hash & mask; arena->shared[at].s; at = (at + 1) & mask) {
		e = &arena->shared[at];
		if (e->hash == hash && e->len == len &&
		    memcmp(e->s, s, len) == 0)
			return e->s;
	}
	copy = dp_arena_strndup(arena, s, len);
	if (!copy || arena->n_shared * 2 >= SHARED_MAX)
		return copy; /* full: a plain copy */
	arena->shared[at] = (struct shared_string){copy, (uint32_t)len, hash};
	/* Grown after the insert: a failed grow loses nothing. */
	if (++arena->n_shared * 2 > arena->cap_shared &&
	    arena->cap_shared < SHARED_MAX && grow_shared(arena) < 0)
		return NULL;
	return copy;
}

char *
dp_arena_printf(struct dp_arena *arena, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	char *copy;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	if ((size_t) n < sizeof(small))
		return dp_arena_strndup(arena, small, (size_t) n);

	copy = arena_take(arena, (size_t) n + 1, 1);
	if (!copy)
		return NULL;
	va_start(ap, fmt);
	n = vsnprintf(copy, (size_t) n + 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	return copy;
}

size_t
dp_arena_used(const struct dp_arena *arena)
{
	return arena ? arena->handed_out : 0;
}

/* ---- growable buffer ------------------------------------------------ */

/* Room for len more bytes plus the terminator. */
static int
buf_reserve(struct dp_buf *buf, size_t len)
{
	size_t need, cap;
	char *data;

	if (len > SIZE_MAX - buf->len - 1)
		return -ENOMEM;
	need = buf->len + len + 1;
	if (need <= buf->cap)
		return 0;
	cap = buf->cap ? buf->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	data = realloc(buf->data, cap);
	if (!data)
		return -ENOMEM;
	buf->data = data;
	buf->cap = cap;
	return 0;
}

int
dp_buf_append(struct dp_buf *buf, const void *bytes, size_t len)
{
	int r = buf_reserve(buf, len);

	if (r < 0)
		return r;
	if (len)
		memcpy(buf->data + buf->len, bytes, len);
	buf->len += len;
	buf->data[buf->len] = '\0';
	return 0;
}

int
dp_buf_puts(struct dp_buf *buf, const char *s)
{
	return dp_buf_append(buf, s, strlen(s));
}

int
dp_buf_putc(struct dp_buf *buf, char c)
{
	return dp_buf_append(buf, &c, 1);
}

int
dp_buf_vprintf(struct dp_buf *buf, const char *fmt, va_list ap)
{
	va_list again;
	size_t room;
	int n, r;

	/* Make sure data exists so that the first attempt can write. */
	r = buf_reserve(buf, 0);
	if (r < 0)
		return r;
	room = buf->cap - buf->len;
	va_copy(again, ap);
	n = vsnprintf(buf->data + buf->len, room, fmt, ap);
	if (n < 0) {
		buf->data[buf->len] = '\0';
		r = -EINVAL;
		goto out;
	}
	if ((size_t) n >= room) {
		r = buf_reserve(buf, (size_t) n);
		if (r < 0) {
			buf->data[buf->len] = '\0';
			goto out;
		}
		n = vsnprintf(buf->data + buf->len, (size_t) n + 1, fmt, again);
		if (n < 0) {
			buf->data[buf->len] = '\0';
			r = -EINVAL;
			goto out;
		}
	}
	buf->len += (size_t) n;
	r = 0;
out:
	va_end(again);
	return r;
}

int
dp_buf_printf(struct dp_buf *buf, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = dp_buf_vprintf(buf, fmt, ap);
	va_end(ap);
	return r;
}

void
dp_buf_reset(struct dp_buf *buf)
{
	buf->len = 0;
	if (buf->data)
		buf->data[0] = '\0';
}

char *
dp_buf_steal(struct dp_buf *buf)
{
	char *data = buf->data;

	if (!data)
		return calloc(1, 1);
	buf->data = NULL;
	buf->len = 0;
	buf->cap = 0;
	return data;
}

int
dp_grow(void *array_ptr, size_t n, size_t *cap, size_t elem_size)
{
	void **array = array_ptr;
	size_t new_cap;
	void *p;

	if (n < *cap)
		return 0;
	new_cap = *cap ? *cap * 2 : 16;
	if (new_cap > SIZE_MAX / elem_size)
		return -ENOMEM;
	p = realloc(*array, new_cap * elem_size);
	if (!p)
		return -ENOMEM;
	*array = p;
	*cap = new_cap;
	return 0;
}

void
dp_buf_free(struct dp_buf *buf)
{
	if (!buf)
		return;
	free(buf->data);
	buf->data = NULL;
	buf->len = 0;
	buf->cap = 0;
}

/* ---- numbers and strings -------------------------------------------- */

int
dp_parse_long(const char *s, long min, long max, long *ret)
{
	char *end = NULL;
	long value;

	if (!s)
		return -EINVAL;
	/* strtol accepts leading whitespace and a '+'; a config value or
	 * an option argument with either is a typo, not a number. */
	if (!(*s == '-' || (*s >= '0' && *s <= '9')))
		return -EINVAL;
	errno = 0;
	value = strtol(s, &end, 10);
	if (end == s || *end != '\0')
		return -EINVAL;
	if (errno == ERANGE || value < min || value > max)
		return -ERANGE;
	if (errno != 0)
		return -EINVAL;
	*ret = value;
	return 0;
}

static inline unsigned char
ascii_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char) (c + ('a' - 'A')) : c;
}

bool
dp_ascii_ieq(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i;

	if (alen != blen)
		return false;
	for (i = 0; i < alen; i++) {
		if (ascii_lower((unsigned char) a[i]) !=
		    ascii_lower((unsigned char) b[i]))
			return false;
	}
	return true;
}

char *
dp_strdup(const char *s)
{
	size_t len;
	char *copy;

	if (!s)
		return NULL;
	len = strlen(s);
	copy = malloc(len + 1);
	if (!copy)
		return NULL;
	memcpy(copy, s, len + 1);
	return copy;
}

char *
dp_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	s = malloc((size_t) n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	n = vsnprintf(s, (size_t) n + 1, fmt, ap);
	va_end(ap);
	if (n < 0) {
		free(s);
		return NULL;
	}
	return s;
}
