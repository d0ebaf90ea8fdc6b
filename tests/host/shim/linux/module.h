/*
 * Host shim: for compiling a kernel's lib/rbtree.c at test time
 * (Makefile: KERNEL_TREE), EXPORT_SYMBOL() is nothing.
 */
#ifndef SHIM_LINUX_MODULE_H
#define SHIM_LINUX_MODULE_H

#define EXPORT_SYMBOL(sym)

#endif
