/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry point, system call stub, clone trampoline and signal restorer
 * of the freestanding i386 guest runtime.
 */

	.text

/*
 * The kernel enters with %esp -> argc, argv[0..argc-1], NULL,
 * envp[...], NULL.  Align the stack for gcc (16 bytes at the call) and
 * hand the original stack pointer to rt_start_c(), which never returns.
 */
	.globl	_start
	.type	_start, @function
_start:
	xorl	%ebp, %ebp
	movl	%esp, %eax
	andl	$-16, %esp
	subl	$12, %esp
	pushl	%eax
	call	rt_start_c
	hlt
	.size	_start, . - _start

/*
 * long rt_syscall(long nr, long a1, long a2, long a3, long a4, long a5,
 *                 long a6)
 *
 * %eax = nr, arguments in %ebx %ecx %edx %esi %edi %ebp.  All four
 * callee-saved registers are saved and restored here, so that whatever
 * the kernel leaves in the argument registers (2.5-era syscalls may
 * modify their arguments, i.e. the saved user registers) cannot leak
 * into compiled code.  %ecx and %edx are call-clobbered anyway.
 */
	.globl	rt_syscall
	.type	rt_syscall, @function
rt_syscall:
	pushl	%ebp
	pushl	%edi
	pushl	%esi
	pushl	%ebx
	movl	20(%esp), %eax
	movl	24(%esp), %ebx
	movl	28(%esp), %ecx
	movl	32(%esp), %edx
	movl	36(%esp), %esi
	movl	40(%esp), %edi
	movl	44(%esp), %ebp
	int	$0x80
	popl	%ebx
	popl	%esi
	popl	%edi
	popl	%ebp
	ret
	.size	rt_syscall, . - rt_syscall

/*
 * void sys_exit(int code): exit this task only (not exit_group), which
 * is what a thread made by rt_clone() wants; for a single-task process
 * it is the same thing.
 */
	.globl	sys_exit
	.type	sys_exit, @function
sys_exit:
	movl	4(%esp), %ebx
	movl	$1, %eax
	int	$0x80
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
 * 2.5.38 sys_clone(): %ebx = flags, %ecx = new stack, %edx = user_tid
 * (CLONE_SETTID / CLONE_CLEARTID).  Later kernels take the parent tid
 * pointer in %edx, TLS in %esi and the child tid pointer in %edi; tidp
 * goes in both %edx and %edi, %esi is 0 (CLONE_SETTLS is never used).
 */
	.globl	rt_clone
	.type	rt_clone, @function
rt_clone:
	pushl	%ebp
	pushl	%edi
	pushl	%esi
	pushl	%ebx
	movl	24(%esp), %ecx		/* stack_top */
	andl	$-16, %ecx
	subl	$16, %ecx		/* child: (%esp) = arg, 4(%esp) = fn */
	movl	36(%esp), %eax
	movl	%eax, 0(%ecx)
	movl	32(%esp), %eax
	movl	%eax, 4(%ecx)
	movl	20(%esp), %ebx		/* flags */
	movl	28(%esp), %edx		/* tidp */
	movl	%edx, %edi
	xorl	%esi, %esi
	movl	$120, %eax		/* __NR_clone */
	int	$0x80
	testl	%eax, %eax
	jz	1f
	popl	%ebx			/* parent (or error) */
	popl	%esi
	popl	%edi
	popl	%ebp
	ret
1:	xorl	%ebp, %ebp		/* child, %esp == aligned stack_top - 16 */
	movl	4(%esp), %eax
	call	*%eax			/* fn(arg): arg is at 4(%esp) in fn */
	movl	%eax, %ebx
	movl	$1, %eax		/* __NR_exit */
	int	$0x80
	hlt
	.size	rt_clone, . - rt_clone

/*
 * Signal return trampoline, installed as sa_restorer with SA_RESTORER
 * (2.5.38 has no vsyscall page to provide one).
 */
	.globl	rt_sigreturn_tramp
	.type	rt_sigreturn_tramp, @function
rt_sigreturn_tramp:
	movl	$173, %eax		/* __NR_rt_sigreturn */
	int	$0x80
	hlt
	.size	rt_sigreturn_tramp, . - rt_sigreturn_tramp

	.section .note.GNU-stack, "", @progbits
