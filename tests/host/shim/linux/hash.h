/*
 * Host shim: hash_long() the way 2.5 computes it: multiply by a prime
 * close to the golden ratio of 2^BITS_PER_LONG, keep the top @bits.
 * (2.5 uses 0x9e370001 on 32-bit; on 64-bit it does the same with
 * shifts and adds for 0x9e37fffffffc0001.)
 *
 * If the test defines SHIM_HASH_COLLIDE and it is true, the hash is
 * just the parity of the page number: the registrations of every mm
 * share two buckets, and the pages of an mm alternate between them.
 */
#ifndef SHIM_LINUX_HASH_H
#define SHIM_LINUX_HASH_H

#include <linux/sched.h>	/* BITS_PER_LONG, PAGE_SHIFT */

#if BITS_PER_LONG == 32
#define GOLDEN_RATIO_PRIME 0x9e370001UL
#elif BITS_PER_LONG == 64
#define GOLDEN_RATIO_PRIME 0x9e37fffffffc0001UL
#else
#error "BITS_PER_LONG"
#endif

static inline unsigned long hash_long(unsigned long val, unsigned int bits)
{
#ifdef SHIM_HASH_COLLIDE
	if (SHIM_HASH_COLLIDE)
		return (val >> PAGE_SHIFT) & 1;
#endif
	return (val * GOLDEN_RATIO_PRIME) >> (BITS_PER_LONG - bits);
}

#endif
