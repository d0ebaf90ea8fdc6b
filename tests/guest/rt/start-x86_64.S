/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry point, system call stub, clone trampoline and signal restorer
 * of the freestanding x86_64 guest runtime (start-i386.S is the i386
 * one).  System call numbers: 2.5.42 include/asm-x86_64/unistd.h.
 */

	.text

/*
 * The kernel enters with %rsp -> argc, argv[0..argc-1], NULL,
 * envp[...], NULL.  Align the stack for gcc (16 bytes at the call) and
 * hand the original stack pointer to rt_start_c(), which never returns.
 */
	.globl	_start
	.type	_start, @function
_start:
	xorl	%ebp, %ebp
	movq	%rsp, %rdi
	andq	$-16, %rsp
	call	rt_start_c
	hlt
	.size	_start, . - _start

/*
 * long rt_syscall(long nr, long a1, long a2, long a3, long a4, long a5,
 *                 long a6)
 *
 * "syscall" wants %rax = nr and the arguments in %rdi %rsi %rdx %r10
 * %r8 %r9; it overwrites %rcx (the return address) and %r11 (the
 * flags).  All of these are call-clobbered in the C ABI, and the kernel
 * keeps %rbx, %rbp and %r12-%r15, so nothing needs saving here.  a6 is
 * the seventh argument: on the stack, above the return address.
 */
	.globl	rt_syscall
	.type	rt_syscall, @function
rt_syscall:
	movq	%rdi, %rax
	movq	%rsi, %rdi
	movq	%rdx, %rsi
	movq	%rcx, %rdx
	movq	%r8, %r10
	movq	%r9, %r8
	movq	8(%rsp), %r9
	syscall
	ret
	.size	rt_syscall, . - rt_syscall

/*
 * void sys_exit(int code): exit this task only (the kernel's table has
 * no exit_group), which is what a thread made by rt_clone() wants; for
 * a single-task process it is the same thing.
 */
	.globl	sys_exit
	.type	sys_exit, @function
sys_exit:
	movl	$60, %eax		/* __NR_exit; code already in %edi */
	syscall
	hlt
	.size	sys_exit, . - sys_exit

/*
 * long rt_clone(unsigned long flags, void *stack_top, int *tidp,
 *               int (*fn)(void *), void *arg)
 *
 * The child starts on stack_top with fn and arg already stored there,
 * so it never touches (or returns through) the parent's stack frame:
 * it calls fn(arg) and then exit(fn's return value).
 *
 * 2.5.42 x86_64 sys_clone(): %rdi = flags, %rsi = new stack, %rdx =
 * user_tid (2.5.38 do_fork(): CLONE_SETTID / CLONE_CLEARTID).  Later
 * kernels take the parent tid pointer in %rdx, the child tid pointer in
 * %r10 and TLS in %r8; tidp goes in both %rdx and %r10, %r8 is 0
 * (CLONE_SETTLS is never used).  flags and tidp are already where the
 * kernel wants them.
 */
	.globl	rt_clone
	.type	rt_clone, @function
rt_clone:
	andq	$-16, %rsi		/* stack_top */
	subq	$16, %rsi		/* child: (%rsp) = fn, 8(%rsp) = arg */
	movq	%rcx, 0(%rsi)
	movq	%r8, 8(%rsi)
	movq	%rdx, %r10
	xorl	%r8d, %r8d
	movl	$56, %eax		/* __NR_clone */
	syscall
	testq	%rax, %rax
	jz	1f
	ret				/* parent (or error) */
1:	xorl	%ebp, %ebp		/* child, %rsp == aligned stack_top - 16 */
	popq	%rax			/* fn */
	popq	%rdi			/* arg; %rsp is 16-byte aligned again */
	call	*%rax
	movl	%eax, %edi
	movl	$60, %eax		/* __NR_exit */
	syscall
	hlt
	.size	rt_clone, . - rt_clone

/*
 * Signal return trampoline, installed as sa_restorer with SA_RESTORER:
 * x86_64 has no other sigreturn, and 2.5.42's setup_rt_frame() refuses
 * a handler without a restorer (SIGSEGV).  The handler's "ret" lands
 * here with %rsp just above the frame's return address, where
 * sys_rt_sigreturn() looks for the frame.
 */
	.globl	rt_sigreturn_tramp
	.type	rt_sigreturn_tramp, @function
rt_sigreturn_tramp:
	movl	$15, %eax		/* __NR_rt_sigreturn */
	syscall
	hlt
	.size	rt_sigreturn_tramp, . - rt_sigreturn_tramp

	.section .note.GNU-stack, "", @progbits
