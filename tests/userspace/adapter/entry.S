/* SPDX-License-Identifier: GPL-2.0 */
/*
 * entry.S: the system call side of the ABI adapter between musl 1.2.3
 * and Linux 2.5.38.  What it bridges, and why: abi-2.5.38.h.
 *
 *   __sysinfo          musl's system call entry pointer -> adapter_syscall
 *   adapter_syscall    "int $0x80; ret", with the futex and
 *                      set_tid_address arguments adapted (ADAPT), and
 *                      futex_time64 made a futex
 *   __syscall_cp_asm   musl's cancellable system call, the same
 *   __clone            2.5.38's one tid pointer
 *
 * Every register but %eax is preserved, as musl's inline asm expects.
 */
#include "abi-2.5.38.h"

/*
 * ADAPT: %eax = number, %ebx, %ecx, %edx, %esi, %edi, %ebp = arguments.
 * May change %eax, %ecx, %edx and %esi (the callers restore them).
 * One pass, no loop, no retry: see abi-2.5.38.h, items 1 to 4.
 */
.macro ADAPT
	cmpl	$NR_set_tid_address, %eax
	jne	91f
	movl	$NR_gettid, %eax		/* 4: set_tid_address */
	jmp	99f
91:	cmpl	$NR_futex, %eax
	jne	99f
	andl	$~FUTEX_PRIVATE_FLAG_, %ecx	/* 1: no private futexes */
	cmpl	$FUTEX_WAKE_OP_, %ecx
	je	98f
	cmpl	$FUTEX_FD_OP, %ecx
	je	98f
	cmpl	$FUTEX_REQUEUE_OP, %ecx
	je	97f
	cmpl	$FUTEX_CMP_REQUEUE_OP, %ecx
	jne	99f
97:	movl	$FUTEX_WAKE_OP_, %ecx		/* 3: requeue -> wake */
	addl	%esi, %edx			/* nr_wake + nr_requeue */
	jno	98f
	movl	$0x7fffffff, %edx
98:	xorl	%esi, %esi			/* 2: no timeout to copy */
99:
.endm

	.text
	.globl	adapter_syscall
	.type	adapter_syscall, @function
adapter_syscall:
	cmpl	$NR_futex, %eax
	je	1f
	cmpl	$NR_set_tid_address, %eax
	je	1f
	cmpl	$NR_futex_time64, %eax
	je	2f
	int	$0x80
	ret
1:	pushl	%ecx
	pushl	%edx
	pushl	%esi
	ADAPT
	int	$0x80
	popl	%esi
	popl	%edx
	popl	%ecx
	ret

	/* 6: futex_time64 -> futex, FUTEX_WAIT's timeout made 32-bit */
2:	pushl	%ecx
	pushl	%edx
	pushl	%esi
	subl	$8, %esp			/* the 32-bit struct timespec; */
						/* 8(%esp) esi, 12 edx, 16 ecx */
	movl	%ecx, %eax
	andl	$~FUTEX_PRIVATE_FLAG_, %eax
	cmpl	$FUTEX_WAIT_OP, %eax		/* the one op with a timeout */
	jne	3f
	testl	%esi, %esi
	jz	3f
	movl	8(%esi), %eax			/* tv_nsec */
	movl	%eax, 4(%esp)
	movl	(%esi), %eax			/* tv_sec, low half */
	movl	%eax, %edx			/* (val is reloaded below) */
	sarl	$31, %edx
	cmpl	4(%esi), %edx			/* the high half: fits? */
	je	4f
	movl	$0x7fffffff, %eax		/* no: clamped, as musl does */
	cmpl	$0, 4(%esi)
	jge	4f
	movl	$0x80000000, %eax
4:	movl	%eax, (%esp)
	movl	%esp, %esi
	movl	12(%esp), %edx			/* val, as saved */
3:	movl	$NR_futex, %eax
	ADAPT
	int	$0x80
	addl	$8, %esp
	popl	%esi
	popl	%edx
	popl	%ecx
	ret
	.size	adapter_syscall, .-adapter_syscall

/*
 * long __syscall_cp_asm(volatile int *cancel, nr, u, v, w, x, y, z):
 * musl's (src/thread/i386/syscall_cp.s) with ADAPT before the int.
 * Nothing is pushed between __cp_begin and __cp_end: a cancellation
 * there jumps to __cp_cancel, which pops the four saved registers.
 */
	.globl	__syscall_cp_asm, __cp_begin, __cp_end, __cp_cancel
	.hidden	__syscall_cp_asm, __cp_begin, __cp_end, __cp_cancel
	.weak	__cancel	/* only with pthread_cancel linked in */
	.type	__syscall_cp_asm, @function
__syscall_cp_asm:
	movl	4(%esp), %ecx
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	pushl	%ebp
__cp_begin:
	movl	(%ecx), %eax
	testl	%eax, %eax
	jnz	__cp_cancel
	movl	24(%esp), %eax
	movl	28(%esp), %ebx
	movl	32(%esp), %ecx
	movl	36(%esp), %edx
	movl	40(%esp), %esi
	movl	44(%esp), %edi
	movl	48(%esp), %ebp
	ADAPT
	int	$0x80
__cp_end:
	popl	%ebp
	popl	%edi
	popl	%esi
	popl	%ebx
	ret
__cp_cancel:
	popl	%ebp
	popl	%edi
	popl	%esi
	popl	%ebx
	jmp	__cancel
	.size	__syscall_cp_asm, .-__syscall_cp_asm

/*
 * int __clone(int (*fn)(void *), void *stack, int flags, void *arg,
 *             pid_t *ptid, void *tls, pid_t *ctid)
 * musl's (src/thread/i386/clone.s) with 2.5.38's tid pointer: item 5.
 * The child's stack gets arg (its function's argument), fn, ptid,
 * flags and ctid.
 */
	.globl	__clone
	.hidden	__clone
	.type	__clone, @function
__clone:
	pushl	%ebp
	movl	%esp, %ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi

	/* struct user_desc for CLONE_SETTLS, as musl builds it */
	xorl	%eax, %eax
	pushl	$0x51
	movw	%gs, %ax
	pushl	$0xfffff
	shrl	$3, %eax
	pushl	28(%ebp)			/* tls */
	pushl	%eax				/* entry_number */

	movl	12(%ebp), %ecx			/* stack */
	andl	$-16, %ecx
	subl	$32, %ecx
	movl	20(%ebp), %eax
	movl	%eax, (%ecx)			/* arg */
	movl	8(%ebp), %eax
	movl	%eax, 4(%ecx)			/* fn */
	movl	24(%ebp), %eax
	movl	%eax, 8(%ecx)			/* ptid */
	movl	16(%ebp), %ebx
	movl	%ebx, 12(%ecx)			/* flags */
	movl	32(%ebp), %eax
	movl	%eax, 16(%ecx)			/* ctid */

	/* 2.5.38's one pointer: the clear-tid one if asked for */
	movl	24(%ebp), %edx
	testl	$CLONE_CHILD_CLEARTID_, %ebx
	jz	1f
	movl	32(%ebp), %edx
	andl	$~(CLONE_PARENT_SETTID_|CLONE_CHILD_SETTID_), %ebx
1:	movl	%esp, %esi			/* user_desc */
	movl	32(%ebp), %edi			/* ctid, for later kernels */
	movl	$NR_clone, %eax
	int	$0x80
	testl	%eax, %eax
	jnz	2f

	/* the child, on its stack: store its tid where asked, run fn */
	testl	$CLONE_PARENT_SETTID_, 12(%esp)
	jz	3f
	movl	$NR_gettid, %eax
	int	$0x80
	movl	8(%esp), %ecx
	movl	%eax, (%ecx)
3:	testl	$CLONE_CHILD_SETTID_, 12(%esp)
	jz	4f
	movl	$NR_gettid, %eax
	int	$0x80
	movl	16(%esp), %ecx
	movl	%eax, (%ecx)
4:	movl	4(%esp), %eax
	xorl	%ebp, %ebp
	call	*%eax
	movl	%eax, %ebx
	movl	$NR_exit, %eax
	int	$0x80
	hlt

	/* the parent: the tid too (the same value as the child's) */
2:	jl	5f				/* clone failed */
	testl	$CLONE_PARENT_SETTID_, 16(%ebp)
	jz	5f
	movl	24(%ebp), %ecx
	movl	%eax, (%ecx)
5:	addl	$16, %esp
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret
	.size	__clone, .-__clone

/* musl's system call entry: the adapter instead of "int $0x80; ret" */
	.data
	.align	4
	.globl	__sysinfo
	.hidden	__sysinfo
	.type	__sysinfo, @object
__sysinfo:
	.long	adapter_syscall
	.size	__sysinfo, 4

	.section .note.GNU-stack, "", @progbits
