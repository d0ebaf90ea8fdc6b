/*
 * Host shim: nr_free_buffer_pages(), the low memory page_change_init()
 * sizes its hash by.  The test program defines it.
 */
#ifndef SHIM_LINUX_SWAP_H
#define SHIM_LINUX_SWAP_H

extern unsigned int nr_free_buffer_pages(void);

#endif
