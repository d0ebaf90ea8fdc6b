/*
 * futex_cow.pml: a Promela model of the futex / copy-on-write protocol of
 * the futex-cow series (patches/page-change-facility.patch,
 * patches/page-change-cow-hook.patch, patches/futex-follow-cow.patch),
 * checked with spin.  See README in this directory; run by spin.t.
 *
 * The model is at the level of the locks and the shared state: the pte
 * of the futex page in the waiters' mm, the futex word in each physical
 * page, the page reference counts, the page_change registration, the
 * futex hash chain and struct futex_q of each waiter, the sleep/wakeup
 * handshake, page_table_lock, futex_lock and mmap_sem of each mm.  Every
 * statement names the C function (and usually the C statement) it
 * stands for.  Memory is sequentially consistent (README says why that
 * is enough).
 *
 * Two scenarios.  The default one: a private page, one mm (the
 * "parent") whose threads are, all started at once by init:
 *
 *   Waiter(0)     FUTEX_WAIT(uaddr, 0): futex_wait() as of
 *                 futex-follow-cow.patch: lookup and first read
 *                 under page_table_lock; add_wait_queue(),
 *                 set_current_state(TASK_INTERRUPTIBLE), pin, register
 *                 and queue under the same hold, and for a shared key
 *                 (-DSHARED) read again; unlock; sleep if still queued
 *   FdWaiter(1)   FUTEX_FD on uaddr, then "if (*uaddr == 0) poll(fd)",
 *                 then close(fd) (-DSECOND_WAIT: a second Waiter
 *                 instead; -DNW=1: no second waiter)
 *   Writer        stores to another word of the futex page: breaks COW
 *                 if the page is COW-shared at that moment (NWRITES
 *                 stores, default 1)
 *   Waker         "*uaddr = 1" (which breaks COW too if needed), then
 *                 FUTEX_WAKE(uaddr, INT_MAX): futex_wake(), as the
 *                 patch has it: lookup, pin and snapshot of
 *                 futex_moves under page_table_lock; unlock; hash walk
 *                 under futex_lock, after checking that futex_moves
 *                 did not change (else unpin and look up again)
 *   Fork          fork(), NFORK times (default 1), at any moment: the
 *                 page becomes COW-shared with a child.  -DPREFORKED:
 *                 the first fork happened before everything else.
 *   Child         each child may write to the page once in its own mm
 *                 (dropping its reference), or not
 *                 (-DNO_CHILD_WRITES: never)
 *
 * -DSHARED: a MAP_SHARED page (keyed without mm, never registered, never
 * copied on write), mapped by two processes.  The waiters are in mm A
 * (the "parent" above), the Waker in another mm B: its FUTEX_WAKE takes
 * B's page_table_lock, not A's.  No Writer, Fork or Child: stores to a
 * shared mapping never fault, fork() does not write-protect it.
 * -DSECOND_IN_B (with -DSHARED): the second waiter is a FUTEX_WAIT in
 * mm B, the waker's.
 *
 * Properties, in all interleavings:
 *   - no lost wakeup: every thread returns; a waiter asleep forever
 *     leaves init blocked on "_nr_pr == 1", which spin reports as an
 *     invalid end state.  There is no timeout and no signal: the only
 *     way out of the sleep is the waker.
 *   - page references (get_page()/put_page()): never taken on a free
 *     page, never dropped below zero, a page is never freed while the
 *     pte maps it, a child maps it, or a waiter's key pins it; at the
 *     end every count is exactly what the mappings account for.
 *   - whenever a page_table_lock is released, a registered waiter is
 *     keyed on the page mm A's pte maps; whenever futex_lock is free, a
 *     queued waiter is on the chain of its key.
 *   - futex_wake() finds on the chain it walks only waiters keyed on the
 *     page it resolved.
 *   - lock order: futex_wake() never takes page_table_lock while it
 *     holds futex_lock (a ghost; the other holders of futex_lock take
 *     no other lock inside it).
 *
 * Deliberately broken variants (must be rejected):
 *   -DBROKEN_REGISTER_AFTER_LOOKUP  (a) futex_wait() drops
 *        page_table_lock after the lookup (and first read) and pins,
 *        registers and queues under a second hold, without looking the
 *        page up again (then reads the word again, through that page,
 *        for a private key too); pin_futex() (FUTEX_FD) likewise
 *        registers under a second hold
 *   -DBROKEN_WAKE_UNLOCKED_WALK     (b) futex_wake() drops
 *        page_table_lock between futex_lookup() and the hash walk
 *        WITHOUT the futex_moves check (the patch drops it and checks)
 *   -DBROKEN_WAKE_LATE_SNAPSHOT     (f) futex_wake() snapshots
 *        futex_moves after dropping page_table_lock, not under it: a
 *        re-key between the unlock and the snapshot goes unnoticed
 *   -DBROKEN_WAKE_LOCK_ORDER        (g) futex_wake(), on a changed
 *        futex_moves, looks up again without dropping futex_lock:
 *        page_table_lock inside futex_lock, the inverse of the
 *        callbacks' order (lock-order assertion; with pan -A, the
 *        deadlock with a COW calling back, or a waiter queueing, under
 *        page_table_lock)
 *   -DBROKEN_CALLBACK_NO_REF        (c) futex_cow_callback() re-keys the
 *        waiter but does not move the page reference
 *   -DBROKEN_NO_RECHECK             (d) futex_wait() does not read
 *        the word again after queue_me() for a shared key either
 *        (rejected with -DSHARED; for a private key that is what the
 *        patch does, so in the default scenario this changes nothing)
 *   -DBROKEN_NO_QUEUED_CHECK        (e) futex_wait() does
 *        add_wait_queue() and set_current_state() only after the unlock,
 *        and sleeps without testing "if (!list_empty(&q.list))": a
 *        waker that dequeues and wakes it before add_wait_queue() or
 *        set_current_state() is lost (rejected in both scenarios)
 *
 * Variants that must be accepted:
 *   -DLATE_SLEEP_SETUP   add_wait_queue() and set_current_state() after
 *        the unlock, with the still-queued test: the test alone closes
 *        the window
 *   -DNO_QUEUED_CHECK    the shipped order without the test: a waker
 *        that finds the waiter queued always finds it on q.waiters and
 *        TASK_INTERRUPTIBLE, so schedule_timeout() returns at once; the
 *        test only saves that call
 *
 * Atomic steps.  A critical section whose body touches only variables
 * that other threads touch only under the same lock (or the atomic page
 * counts, whose increments and decrements commute), and at most one
 * variable that some other thread accesses without the lock, is written
 * as one step (d_step { lock free -> body }: lock taken and released):
 * Lipton's reduction, acquire a right mover, release a left mover.  The
 * sections the protocol is about (futex_wake(), the COW's second hold of
 * page_table_lock with its callbacks, futex_wait() from queue_me() to
 * the unlock, the sleep handshake) are kept statement by statement.
 */

/*
 * (e) is the late order without the test; -DLATE_SLEEP_SETUP alone is
 * the late order with it; -DNO_QUEUED_CHECK alone is the shipped order
 * without it (the test is then only a shortcut).
 */
#ifdef BROKEN_NO_QUEUED_CHECK
#define LATE_SLEEP_SETUP
#define NO_QUEUED_CHECK
#endif

#ifndef NW
#define NW 2			/* waiters: 1 or 2 */
#endif
#ifndef NFORK
#define NFORK 1			/* fork() calls: 1 or 2 (so up to 2 COWs) */
#endif
#ifndef NWRITES
#define NWRITES 1		/* stores of the Writer thread */
#endif
#define NPAGES	(NFORK + 1)
#define P0	0		/* the page before any COW; COWs install P1, P2 */
#define NOPAGE	7

#define MM_A	0		/* the waiters' mm (and the waker's, by default) */
#define MM_B	1		/* -DSHARED: the waker's mm */
#ifdef SHARED
#define WMM	MM_B		/* the mm the Waker runs in */
#define PRIVATE	false		/* q->key.mm == NULL: no insert_pin_page() */
#else
#define WMM	MM_A
#define PRIVATE	true		/* q->key.mm == current->mm: registered */
#ifdef SECOND_IN_B
#error "-DSECOND_IN_B needs -DSHARED"
#endif
#endif

/*
 * Reachability witnesses, to show that the model is not vacuous: with
 * -DREACH=n, spin must find REACHED(n, cond) "violated", i.e. a run in
 * which cond holds at that point.  Without REACH they are no-ops, inside
 * d_steps: they add no states.
 */
#ifndef REACH
#define REACH 0
#endif
#define REACHED(n, cond)	assert(!(REACH == n && (cond)))

/* ---- mm A and the pages --------------------------------------------- */

byte pte = P0;		/* page mapped at uaddr in mm A (with -DSHARED, */
			/* mm B maps the same page P0, forever) */
bool wprot;		/* that pte is write-protected (COW-shared) */
byte next_page = 1;	/* the page the next COW allocates */
byte child[NPAGES];	/* how many children map the page */
byte value[NPAGES];	/* the futex word in each page: 0 */
short refcount[NPAGES];	/* page_count() of each page */

/* ---- locks ---------------------------------------------------------- */

bit ptl[2];		/* mm->page_table_lock of mm A, mm B */
bit futex_lock;		/* futex_lock in kernel/futex.c */
bool wk_fl;		/* ghost: the Waker holds futex_lock */
byte futex_moves;	/* kernel/futex.c: bumped under futex_lock by a */
			/* callback that moves a waiter off its chain (the */
			/* model's waiters share one chain's counter) */
byte mm_readers[2];	/* mm->mmap_sem, held for reading (fork() holds it
			   for writing in one step: it waits for no readers) */

/* ---- struct futex_q of each waiter ---------------------------------- */

byte key[NW];		/* q->key.page */
byte chain[NW];		/* the chain q->list was put on: hash_futex() of
			   this page (pages never collide in the model) */
bool queued[NW];	/* !list_empty(&q->list) */
bool registered[NW];	/* q->pin is in the page_change hash */
bool pinned[NW];	/* q holds its reference on page key[] */
bool on_wq[NW];		/* the task is on q->waiters */
bool running[NW];	/* task state TASK_RUNNING, else TASK_INTERRUPTIBLE */
byte tlb[NW];		/* page of the translation an in-flight user load
			   of the waiter's CPU uses, or NOPAGE */
bool moved[NW];		/* ghost, set only for the witnesses (-DREACH):
			   moved by a callback while queued */
bool skipped[NW];	/* ghost, set only for witness 15: a FUTEX_WAIT on
			   a private key dropped page_table_lock, to sleep,
			   with the word already changed (no second read) */

/* ---- primitives ----------------------------------------------------- */

/* spin_lock(): test-and-set; a CPU that finds it taken spins (blocks) */
inline spin_lock(l)
{
	atomic { l == 0 -> l = 1 }	/* spin_lock() */
}

/* what mm A's page_table_lock guards: checked whenever it is released */
inline check_ptl()
{
	assert(!registered[0] || key[0] == pte);
#if NW > 1
	assert(!registered[1] || key[1] == pte);
#endif
}

/* spin_unlock(&mm->page_table_lock) */
inline ptl_unlock(m)
{
	d_step { check_ptl(); ptl[m] = 0 }	/* spin_unlock(&mm->page_table_lock) */
}

/* what futex_lock guards: checked whenever it is released */
inline check_fl()
{
	assert(!queued[0] || chain[0] == key[0]);
#if NW > 1
	assert(!queued[1] || chain[1] == key[1]);
#endif
}

/* spin_unlock(&futex_lock) */
inline futex_unlock()
{
	d_step { check_fl(); futex_lock = 0 }	/* spin_unlock(&futex_lock) */
}

/* get_page(): only on a page somebody holds */
inline get_page(p)
{
	assert(refcount[p] > 0);
	refcount[p]++
}

/*
 * put_page(): never below zero; at zero the page is freed, and must not
 * be mapped, or be the key of a waiter that pins it.
 */
inline put_page(p)
{
	assert(refcount[p] > 0);
	refcount[p]--;
	if
	:: refcount[p] == 0 ->
		assert(pte != p);
		assert(child[p] == 0);
		assert(!(pinned[0] && key[0] == p));
#if NW > 1
		assert(!(pinned[1] && key[1] == p));
#endif
	:: else -> skip
	fi
}

/* ---- kernel/futex.c ------------------------------------------------- */

/*
 * futex_cow_callback(pin, new), under page_table_lock (and the bucket
 * lock) from __page_change_map().  cb_old is a local of the caller.
 * From get_page(key.page) to spin_unlock(&futex_lock) it is one step:
 * key and chain are only used under futex_lock (or page_table_lock,
 * which is held); list_del() leaves q->list.next NULL, never &q->list,
 * so to futex_wait()'s unlocked list_empty() before it sleeps the
 * waiter stays queued throughout the move.
 */
inline futex_cow_callback(i, new)
{
	if
	:: key[i] != new ->		/* make_key(); !match_futex() */
		d_step {
			futex_lock == 0;	/* spin_lock(&futex_lock) */
#ifndef BROKEN_CALLBACK_NO_REF
			get_page(new);		/* get_page(key.page) */
#endif
			cb_old = key[i];	/* old = q->key.page */
			key[i] = new;		/* q->key = key */
			REACHED(1, queued[i] && !running[i]);
			REACHED(6, chain[i] == NOPAGE);
			REACHED(9, cb_old != P0);
			if
			:: queued[i] ->		/* if (!list_empty(&q->list)) */
				futex_moves++;	/* futex_moves[futex_hash(&q->key)]++ */
				chain[i] = new;	/* list_del(); list_add_tail(, hash_futex(&key)) */
				moved[i] = (REACH != 0)
			:: else -> skip
			fi;
			check_fl()		/* spin_unlock(&futex_lock) */
		};
#ifndef BROKEN_CALLBACK_NO_REF
		d_step {
			put_page(cb_old);	/* if (old) put_page(old) */
			cb_old = 0
		}
#else
		cb_old = 0
#endif
	:: else -> skip			/* same key: return */
	fi
}

/* one registration of the bucket walk in __page_change_map() */
inline cow_one(i, new)
{
	if
	:: registered[i] -> futex_cow_callback(i, new)	/* data->callback() */
	:: else -> skip
	fi
}

/*
 * page_change_map(mm, address, new), from break_cow() with
 * page_table_lock held: the fast path (!mm->page_change_count)
 * and __page_change_map()'s walk of the bucket, in registration order;
 * the model tries both orders.  Registrations cannot come or go during
 * the walk: that takes page_table_lock, which we hold.
 */
inline page_change_map(new)
{
#if NW > 1
	if
	:: true -> cow_one(0, new); cow_one(1, new)
	:: true -> cow_one(1, new); cow_one(0, new)
	fi
#else
	cow_one(0, new)
#endif
}

/*
 * pin_futex(q, uaddr), for FUTEX_FD: down_read(&mm->mmap_sem);
 * futex_lookup() takes page_table_lock and follow_page()s;
 * __pin_futex(): get_page(q->key.page), insert_pin_page(&q->pin) if
 * q->key.mm; spin_unlock(&mm->page_table_lock); up_read().  One step
 * (the page is mapped, so nobody frees it in between).
 * INIT_LIST_HEAD(&q->list): queued[i] is false already.
 */
inline pin_futex(i)
{
#ifndef BROKEN_REGISTER_AFTER_LOOKUP
	d_step {
		ptl[MM_A] == 0;		/* futex_lookup(): spin_lock(&mm->page_table_lock) */
		key[i] = pte;		/* futex_lookup(): follow_page(); make_key() */
		get_page(key[i]);	/* __pin_futex(): get_page(q->key.page) */
		pinned[i] = true;
		registered[i] = PRIVATE;	/* __pin_futex(): if (q->key.mm) insert_pin_page(&q->pin) */
		check_ptl()		/* pin_futex(): spin_unlock(&mm->page_table_lock) */
	}
#else
	/* BROKEN: look up, drop the lock, register without checking again */
	mm_readers[MM_A]++;		/* down_read(&mm->mmap_sem) */
	d_step {
		ptl[MM_A] == 0;		/* spin_lock(&mm->page_table_lock) */
		key[i] = pte;		/* follow_page(); make_key() */
		get_page(key[i]);	/* get_page(q->key.page) */
		pinned[i] = true;
		check_ptl()		/* spin_unlock(&mm->page_table_lock) */
	};
	d_step {
		ptl[MM_A] == 0;		/* spin_lock(&mm->page_table_lock) */
		registered[i] = PRIVATE;	/* insert_pin_page(&q->pin), stale */
		check_ptl()		/* spin_unlock(&mm->page_table_lock) */
	};
	mm_readers[MM_A]--		/* up_read(&mm->mmap_sem) */
#endif
}

/* unpin_futex(q), in mm m */
inline unpin_futex(i, m)
{
	d_step {
		ptl[m] == 0;		/* remove_pin_page(): spin_lock(&mm->page_table_lock) */
		registered[i] = false;	/* remove_pin_page(): detach() */
		check_ptl()		/* remove_pin_page(): spin_unlock() */
	};
	d_step {
		pinned[i] = false;	/* unpin_futex(): put_page(q->key.page) */
		put_page(key[i])
	}
}

/* queue_me(q, fd, filp), for FUTEX_FD: one step, all under futex_lock */
inline queue_me(i)
{
	d_step {
		futex_lock == 0;	/* spin_lock(&futex_lock) */
		chain[i] = key[i];	/* list_add_tail(&q->list, hash_futex(&q->key)) */
		queued[i] = true;
		check_fl()		/* spin_unlock(&futex_lock) */
	}
}

/* unqueue_me(q): one step, all under futex_lock */
inline unqueue_me(i)
{
	d_step {
		futex_lock == 0;	/* unqueue_me(): spin_lock(&futex_lock) */
		queued[i] = false;	/* if (!list_empty(&q->list)) list_del_init(&q->list) */
		check_fl()		/* unqueue_me(): spin_unlock(&futex_lock) */
	}
}

/* tell_waiter(q): wake_up_all(&q->waiters), under q->waiters.lock */
inline tell_waiter(i)
{
	d_step {
		if
		:: on_wq[i] ->
			REACHED(7, i == 0 && !running[i]);
			REACHED(11, i == 1 && !running[i]);
			running[i] = true	/* try_to_wake_up(): TASK_INTERRUPTIBLE -> TASK_RUNNING */
		:: else -> skip		/* wake_up_all(): nobody on q->waiters yet */
		fi
	}
}

/* one entry of futex_wake()'s list_for_each_safe() over hash_futex(&key) */
inline wake_one(i)
{
	if
	:: queued[i] && chain[i] == k ->	/* on the chain we walk */
		d_step {
			assert(key[i] == k);	/* match_futex(&this->key, &key) */
			REACHED(2, moved[i]);
			REACHED(8, k == P0);
			REACHED(13, WMM != MM_A && i == 0 && ptl[MM_A]);
			REACHED(15, skipped[i]);
			queued[i] = false	/* list_del_init(i) */
		};
		tell_waiter(i)			/* tell_waiter(this) */
	:: else -> skip			/* not on this chain, or no match */
	fi
}

/* ---- mm/memory.c ---------------------------------------------------- */

/*
 * A write fault on the futex page in mm A: do_page_fault() ->
 * handle_mm_fault() -> handle_pte_fault() -> do_wp_page() ->
 * break_cow().  Uses the caller's locals old, new, newval, cb_old.
 */
inline write_fault()
{
	mm_readers[MM_A]++;		/* do_page_fault(): down_read(&mm->mmap_sem) */
	if
	:: d_step {
		ptl[MM_A] == 0 && !wprot	/* handle_mm_fault(): spin_lock(); handle_pte_fault(): */
	   }				/* writable already (a racing fault broke COW): spin_unlock() */
	:: d_step {
		ptl[MM_A] == 0 && wprot && refcount[pte] == 1;
		/* do_wp_page(): TestSetPageLocked(); can_share_swap_page(): */
		/* we are the page's only user: reuse it, establish_pte() */
		/* writable.  No new translation: no callback. */
		REACHED(10, true);
		wprot = false;
		check_ptl()		/* spin_unlock(&mm->page_table_lock) */
	   }
	:: d_step {
		ptl[MM_A] == 0 && wprot;
		/* do_wp_page(): the page is shared (or its lock was busy, */
		/* and TestSetPageLocked() failed): copy it. */
		old = pte;		/* old_page = pte_page(pte) */
		get_page(old);		/* page_cache_get(old_page) */
		check_ptl()		/* spin_unlock(&mm->page_table_lock) */
	   };
		newval = value[old];	/* alloc_page(); copy_cow_page(old_page, new_page) */
		spin_lock(ptl[MM_A]);	/* spin_lock(&mm->page_table_lock) */
		if
		:: wprot && pte == old ->	/* pte_same(*page_table, pte) */
			/* break_cow(): establish_pte() of the new page, */
			/* writable; the allocation's reference becomes the */
			/* pte's.  One COW wins per fork: P1, then P2. */
			d_step {
				new = next_page;
				next_page++;
				assert(new < NPAGES && refcount[new] == 0);
				refcount[new] = 1;
				value[new] = newval;
				pte = new;	/* establish_pte(): set_pte() */
				wprot = false
			};
			/* establish_pte(): flush_tlb_page() waits until no */
			/* CPU uses the old translation: no user load */
			/* through it is in flight when the callbacks run. */
			tlb[0] != old;
#if NW > 1
			tlb[1] != old;
#endif
			page_change_map(new);	/* break_cow(): page_change_map() */
			ptl_unlock(MM_A);	/* spin_unlock(&mm->page_table_lock) */
			d_step {
				put_page(old);	/* page_cache_release(new_page): new_page = old_page, the old pte's reference */
				put_page(old);	/* page_cache_release(old_page): ours */
				old = 0; new = 0; newval = 0
			}
		:: else ->			/* lost the race to another fault */
			REACHED(5, true);
			ptl_unlock(MM_A);	/* spin_unlock(&mm->page_table_lock) */
			d_step {
				put_page(old);	/* page_cache_release(new_page) (our copy, not modelled); page_cache_release(old_page) */
				old = 0; newval = 0
			}
		fi
	fi;
	mm_readers[MM_A]--		/* do_page_fault(): up_read(&mm->mmap_sem) */
}

/*
 * A store from user space to the futex page, of v to the futex word if
 * word, else to another word of that page: the MMU lets it through if
 * the pte is writable, else it faults, and the store is retried.  With
 * -DSHARED the page is never write-protected, and both mms map P0.
 */
inline user_store(v, word)
{
	do
	:: d_step {
		!wprot;
		if
		:: word -> value[pte] = v	/* the store, to the page the pte maps */
		:: else -> skip			/* the store, to another word */
		fi
	   };
	   break
	:: wprot -> write_fault()	/* write-protected: fault, then retry */
	od
}

/*
 * A load of the futex word from user space: the CPU translates uaddr
 * (pte, or a TLB entry), then loads through that translation.  A COW
 * may switch the pte in between; its TLB flush then waits for the load
 * to finish (see write_fault()).  (futex_wait()'s reads are under
 * page_table_lock: no COW can come between, they are single steps.)
 */
inline user_load(i, v)
{
	tlb[i] = pte;			/* the translation */
	d_step {
		REACHED(4, value[tlb[i]] != value[pte]);
		v = value[tlb[i]];	/* the load itself */
		tlb[i] = NOPAGE
	}
}

/* ---- the threads ---------------------------------------------------- */

/*
 * FUTEX_WAIT(uaddr, val = 0): sys_futex() -> futex_wait(), as of
 * futex-follow-cow.patch.  The reads of the word are
 * futex_value_locked(): under page_table_lock, through the kernel
 * mapping (kmap_atomic()) of q->key.page, the page futex_lookup() found;
 * they cannot fault, and no COW can switch the pte under the lock, so
 * each is one load of value[key[i]] (== value[pte]: check_ptl()).
 */
proctype Waiter(byte i; byte m)
{
	byte curval;

	d_step {
		ptl[m] == 0;		/* futex_wait(): down_read(&mm->mmap_sem); futex_lookup(): spin_lock(&mm->page_table_lock) */
		mm_readers[m]++;
		ptl[m] = 1;
		key[i] = pte;		/* futex_lookup(): follow_page(); make_key() */
		curval = value[key[i]]	/* futex_wait(): futex_value_locked(vma, &q.key, uaddr), the first read */
	};
	if
	:: curval != 0 ->		/* != val: the fast path */
		d_step {
			REACHED(3, true);
			check_ptl();
			ptl[m] = 0;		/* futex_wait(): spin_unlock(&mm->page_table_lock) */
			mm_readers[m]--	/* futex_wait(): up_read(&mm->mmap_sem); return -EWOULDBLOCK */
		}
	:: else ->
#ifndef LATE_SLEEP_SETUP
		/* get ready to be woken before we can be found: under */
		/* page_table_lock, nothing sleeps from here to */
		/* schedule_timeout() */
		on_wq[i] = true;	/* futex_wait(): add_wait_queue(&q.waiters, &wait) */
		running[i] = false;	/* futex_wait(): set_current_state(TASK_INTERRUPTIBLE) */
#endif
#ifdef BROKEN_REGISTER_AFTER_LOOKUP
		/* BROKEN: drop the lock after the lookup and the read; */
		/* pin, register and queue under a second hold, on the */
		/* page found under the first */
		ptl_unlock(m);	/* BROKEN: spin_unlock(&mm->page_table_lock) */
		spin_lock(ptl[m]);	/* BROKEN: spin_lock(&mm->page_table_lock), no new lookup */
#endif
		/* __pin_futex() (INIT_LIST_HEAD(), get_page(), */
		/* insert_pin_page()) and queue_me(): one step, */
		/* page_table_lock held throughout */
		d_step {
			futex_lock == 0;	/* queue_me(): spin_lock(&futex_lock) */
			get_page(key[i]);	/* __pin_futex(): get_page(q->key.page) */
			pinned[i] = true;
			registered[i] = PRIVATE;	/* __pin_futex(): if (q->key.mm) insert_pin_page(&q->pin) */
			chain[i] = key[i];	/* queue_me(): list_add_tail(&q->list, hash_futex(&q->key)) */
			queued[i] = true;
			check_fl()		/* queue_me(): spin_unlock(&futex_lock) */
		};
#if (defined(SHARED) && !defined(BROKEN_NO_RECHECK)) || defined(BROKEN_REGISTER_AFTER_LOOKUP)
		/* a shared key (q.key.mm == NULL): read the word again, */
		/* through q.key.page.  (a) reads again for any key, to */
		/* cover the window it opens: what it then misses is only */
		/* a COW in that window, which leaves the key stale. */
		curval = value[key[i]];	/* futex_wait(): if (!q.key.mm && futex_value_locked() != val) ret = -EWOULDBLOCK, the second read */
#endif
		/* a private key: no second read (every waker is in this */
		/* mm, and takes this page_table_lock) */
		if
		:: curval != 0 ->	/* the second read: != val */
			d_step {
				REACHED(12, true);
				check_ptl();
				ptl[m] = 0;	/* futex_wait(): spin_unlock(&mm->page_table_lock) */
				mm_readers[m]--	/* futex_wait(): up_read(&mm->mmap_sem) */
			};
			running[i] = true	/* set_current_state(TASK_RUNNING); if (ret) goto out */
		:: else ->
			d_step {
				/* ghost, for witness 15: a second read would */
				/* see the word changed, but there is none */
				skipped[i] = (REACH == 15 && PRIVATE && value[key[i]] != 0);
				check_ptl();
				ptl[m] = 0;	/* futex_wait(): spin_unlock(&mm->page_table_lock) */
				mm_readers[m]--	/* futex_wait(): up_read(&mm->mmap_sem) */
			};
#ifdef LATE_SLEEP_SETUP
			/* -DLATE_SLEEP_SETUP: only now */
			on_wq[i] = true;	/* add_wait_queue(&q.waiters, &wait) */
			running[i] = false;	/* set_current_state(TASK_INTERRUPTIBLE) */
#endif
#ifndef NO_QUEUED_CHECK
			if
			:: queued[i] ->	/* if (!list_empty(&q.list)), no lock */
				running[i]	/* schedule_timeout(time): asleep until woken */
			:: else ->
				REACHED(14, true)	/* dequeued (and woken) already: do not sleep */
			fi;
#else
			running[i];	/* schedule_timeout(time) without the test: asleep until woken */
#endif
			running[i] = true	/* set_current_state(TASK_RUNNING) */
		fi;
		unqueue_me(i);		/* out: if (!unqueue_me(&q)) ret = 0 */
		unpin_futex(i, m);		/* futex_wait(): unpin_futex(&q) */
		on_wq[i] = false	/* return: q.waiters and wait, on our stack, go */
	fi
}

/*
 * FUTEX_FD(uaddr): sys_futex() -> pin_futex() -> futex_fd(); then user
 * space does "if (*uaddr == 0) poll(fd)", and close(fd).  Queued while
 * not asleep in the kernel: it learns of the wakeup by futex_poll().
 */
proctype FdWaiter(byte i)
{
	byte curval;
	bool polled;

	pin_futex(i);			/* sys_futex(FUTEX_FD): pin_futex(q, uaddr) */
	/* futex_fd(): get_unused_fd(), get_empty_filp(), mm_count++, init_waitqueue_head() */
	queue_me(i);			/* futex_fd(): queue_me(q, fd, filp); fd_install() */
	user_load(i, curval);		/* user space: if (*uaddr == 0) */
	if
	:: curval != 0 -> skip
	:: else ->
		do			/* poll(fd): do_poll() */
		:: running[i] = false;	/* do_poll(): set_current_state(TASK_INTERRUPTIBLE) */
			on_wq[i] = true;	/* futex_poll(): poll_wait(filp, &q->waiters) */
			d_step {
				futex_lock == 0;	/* futex_poll(): spin_lock(&futex_lock) */
				polled = !queued[i];	/* if (list_empty(&q->list)) ret = POLLIN */
				check_fl()		/* futex_poll(): spin_unlock(&futex_lock) */
			};
			if
			:: polled -> break
			:: else ->
				running[i]	/* do_poll(): schedule_timeout(): asleep until woken */
			fi
		od;
		running[i] = true;	/* do_poll(): __set_current_state(TASK_RUNNING) */
		on_wq[i] = false	/* poll_freewait() */
	fi;
	d_step {			/* close(fd): futex_close(): */
		futex_lock == 0;	/* spin_lock(&futex_lock) */
		if
		:: queued[i] ->		/* if (!list_empty(&q->list)) */
			queued[i] = false;	/* list_del_init(&q->list) */
			assert(!on_wq[i])	/* BUG_ON(waitqueue_active(&q->waiters)) */
		:: else -> skip
		fi;
		check_fl()		/* spin_unlock(&futex_lock) */
	};
	unpin_futex(i, MM_A)		/* futex_close(): unpin_futex(q); mmdrop() */
}

#ifndef SHARED
/* another thread writes another word of the futex page */
proctype Writer()
{
	byte old, new, newval, cb_old;
	byte n;

	do
	:: n < NWRITES ->
		user_store(0, false);
		n++
	:: else -> break
	od
}
#endif

/*
 * "*uaddr = 1", then FUTEX_WAKE(uaddr, INT_MAX): futex_wake(), in mm
 * WMM: the waiters' mm A, or with -DSHARED another mm B mapping the same
 * page (its own mmap_sem and page_table_lock; its lookup finds P0).
 */
proctype Waker()
{
	byte old, new, newval, cb_old;
	byte k, rekeys;

	user_store(1, true);		/* *uaddr = 1 (may break COW) */
	mm_readers[WMM]++;		/* futex_wake(): down_read(&mm->mmap_sem) */
	do				/* again: */
	:: /*
	    * futex_lookup() and the pin, under page_table_lock: one step.
	    * Its body reads pte (which user stores read without the lock),
	    * futex_moves (written only by callbacks, under mm A's
	    * page_table_lock, which is this one in the private scenario;
	    * in the shared one nothing is registered) and a page count.
	    * (g) asserts the lock order first.
	    */
	   assert(!wk_fl);		/* lock order: no page_table_lock inside futex_lock */
	   d_step {
		ptl[WMM] == 0;		/* futex_lookup(): spin_lock(&mm->page_table_lock) */
		k = pte;		/* futex_lookup(): follow_page(); make_key() */
#ifndef BROKEN_WAKE_LATE_SNAPSHOT
		rekeys = futex_moves;	/* futex_wake(): rekeys = futex_moves */
#endif
		get_page(k);		/* futex_wake(): get_futex_page(key.page) */
		check_ptl()		/* futex_wake(): spin_unlock(&mm->page_table_lock) */
	   };
#ifdef BROKEN_WAKE_LATE_SNAPSHOT
	   rekeys = futex_moves;	/* BROKEN: the snapshot after the unlock */
#endif
	   if
	   :: wk_fl -> skip		/* (g): still held from the first try */
	   :: else ->
		atomic {
			futex_lock == 0 -> futex_lock = 1;	/* futex_wake(): spin_lock(&futex_lock) */
			wk_fl = true
		}
	   fi;
	   if
#ifndef BROKEN_WAKE_UNLOCKED_WALK
	   :: rekeys != futex_moves ->	/* if (unlikely(rekeys != futex_moves)) */
		REACHED(16, true);
#ifndef BROKEN_WAKE_LOCK_ORDER
		d_step {
			check_fl();
			futex_lock = 0;	/* spin_unlock(&futex_lock) */
			wk_fl = false
		};
#endif
		d_step {
			put_page(k);	/* if (key.page) put_page(key.page) */
			k = 0
		}			/* goto again */
	   :: else -> break
#else
	   :: true -> break		/* BROKEN: no futex_moves check */
#endif
	   fi
	od;
	wake_one(0);			/* list_for_each_safe(i, next, head) ... */
#if NW > 1
	wake_one(1);
#endif
	d_step {
		check_fl();
		futex_lock = 0;		/* futex_wake(): spin_unlock(&futex_lock) */
		wk_fl = false
	};
	d_step {
		put_page(k);		/* if (key.page) put_page(key.page) */
		k = 0;
		rekeys = 0
	};
	mm_readers[WMM]--		/* futex_wake(): up_read(&mm->mmap_sem) */
}

#if !defined(NO_CHILD_WRITES) && !defined(SHARED)
/*
 * The child of fork() writes to the page, once, in its own mm, under
 * its own page_table_lock: do_wp_page() there.  Either it reuses the
 * page (can_share_swap_page(): it is the only user), which changes
 * nothing the parent can see, or it copies: page_cache_get(old_page),
 * copy, break_cow() in its mm, and two page_cache_release(); net, its
 * pte's reference goes.  One step here: the temporary reference would
 * only make the parent's do_wp_page() copy rather than reuse, which it
 * may do anyway (page lock busy), and never frees anything.
 */
proctype Child(byte p)
{
	if
	:: skip				/* reuse, or no write: nothing changes for us */
	:: d_step {
		child[p]--;		/* break_cow() in the child's mm */
		put_page(p)		/* page_cache_release(): its old pte's reference */
	   }
	fi
}
#define run_child(p)	run Child(p)
#else
#define run_child(p)	skip
#endif

#ifndef SHARED
/*
 * fork(): copy_mm() -> dup_mmap(): down_write(&oldmm->mmap_sem);
 * copy_page_range(): spin_lock(&src->page_table_lock), the parent's
 * private pte is write-protected and the child maps the same page,
 * spin_unlock(); flush_tlb_mm(); up_write().  One step: it excludes
 * every other user of mmap_sem and page_table_lock; the MMU, which reads
 * the pte without them, sees one change.
 */
proctype Fork()
{
#ifdef PREFORKED
	byte n = 1, cp;		/* the first fork was before init */
#else
	byte n, cp;
#endif

	do
	:: n < NFORK ->
		d_step {
			mm_readers[MM_A] == 0 && ptl[MM_A] == 0;	/* down_write(); spin_lock(&src->page_table_lock) */
			wprot = true;		/* ptep_set_wrprotect(src_pte) */
			child[pte]++;		/* the child's pte: */
			refcount[pte]++;	/* get_page(page) */
			cp = pte;
			check_ptl()		/* spin_unlock(); up_write() */
		};
		run_child(cp);			/* the child runs */
		n++
	:: else -> break
	od
}
#endif

init {
	byte p;

	atomic {
		key[0] = NOPAGE;
		chain[0] = NOPAGE;
		running[0] = true;
		tlb[0] = NOPAGE;
#if NW > 1
		key[1] = NOPAGE;
		chain[1] = NOPAGE;
		running[1] = true;
		tlb[1] = NOPAGE;
#endif
		refcount[P0] = 1;	/* the reference of mm A's pte */
#ifdef SHARED
		/* a MAP_SHARED page: never COWed, nobody forks, no Writer */
#elif defined(PREFORKED)
		/* the parent forked before anything else: P0 is COW-shared */
		wprot = true;
		child[P0] = 1;
		refcount[P0] = 2;
		run_child(P0);
#if NFORK > 1
		run Fork();		/* the other forks */
#endif
#else
		run Fork();
#endif
		run Waiter(0, MM_A);
#if NW > 1
#ifdef SECOND_IN_B
		run Waiter(1, MM_B);	/* in the waker's mm */
#elif defined(SECOND_WAIT)
		run Waiter(1, MM_A);
#else
		run FdWaiter(1);
#endif
#endif
#ifndef SHARED
		run Writer();
#endif
		run Waker()
	}

	/* every thread has returned: a waiter that never does is a lost
	   wakeup, and leaves us here, an invalid end state */
	_nr_pr == 1;

	d_step {
		/* the waker's store is what the parent sees */
		assert(value[pte] == 1);
		/* the references are exactly those of the mappings: no pin
		   leaked, none dropped twice or on the wrong page */
		p = 0;
		do
		:: p < NPAGES ->
			assert(refcount[p] == (pte == p) + child[p]);
			p++
		:: else -> break
		od;
		/* nothing left behind */
		assert(!registered[0] && !queued[0] && !pinned[0] && !on_wq[0]);
#if NW > 1
		assert(!registered[1] && !queued[1] && !pinned[1] && !on_wq[1]);
#endif
		assert(ptl[MM_A] == 0 && ptl[MM_B] == 0 && futex_lock == 0);
		assert(mm_readers[MM_A] == 0 && mm_readers[MM_B] == 0)
	}
}
