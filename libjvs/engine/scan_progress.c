#include "scan_progress.h"

#include <pthread.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static jvs_scan_progress_fn cb;
static void *cb_arg;
static uint64_t walked;
static int on; /* read without the lock: a tick costs one load when off */

void jvs_scan_progress_set(jvs_scan_progress_fn fn, void *arg)
{
	pthread_mutex_lock(&lock);
	cb = fn;
	cb_arg = arg;
	__atomic_store_n(&walked, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&on, fn != NULL, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&lock);
}

void jvs_scan_progress_tick(void)
{
	uint64_t n;
	if (!__atomic_load_n(&on, __ATOMIC_ACQUIRE))
		return;
	n = __atomic_add_fetch(&walked, 1, __ATOMIC_RELAXED);
	if (n % JVS_SCAN_PROGRESS_EVERY)
		return;
	pthread_mutex_lock(&lock);
	if (cb)
		cb(cb_arg, n);
	pthread_mutex_unlock(&lock);
}
