/*
 * Host shim: no init sections; core_initcall() leaves a pointer to the
 * function in core_initcall_fn, for main() to call first thing.  One
 * initcall per program.
 */
#ifndef SHIM_LINUX_INIT_H
#define SHIM_LINUX_INIT_H

#define __init
typedef int (*initcall_t)(void);
#define core_initcall(fn) initcall_t core_initcall_fn = (fn)

#endif
