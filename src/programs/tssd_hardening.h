/* tssd's process hardening: no core dumps, memory kept out of swap (docs/operations.md, "Hardening"). */
#ifndef TSS_PROGRAMS_TSSD_HARDENING_H
#define TSS_PROGRAMS_TSSD_HARDENING_H

#include <stddef.h>

typedef enum tssd_memory_lock {
    TSSD_MEMORY_LOCK_TRY = 0,   /* lock; if the limits do not allow it, log why and run on */
    TSSD_MEMORY_LOCK_REQUIRED,  /* lock or refuse to start */
    TSSD_MEMORY_LOCK_OFF,       /* do not lock (logged) */
} tssd_memory_lock;

/* Parses "try", "required" or "off". 0, or -1 for anything else. */
int tssd_memory_lock_parse(const char *s, tssd_memory_lock *out);

/* Disables core dumps before any secret is loaded: RLIMIT_CORE 0 and not dumpable (which also keeps other
 * processes of the same user from attaching with ptrace or reading /proc/PID/mem). 0, or -1 with a message. */
int tssd_disable_core_dumps(char *err, size_t cap);

/* Locks the process's memory with mlockall(MCL_CURRENT | MCL_ONFAULT), and MCL_FUTURE too when RLIMIT_MEMLOCK
 * cannot stop later allocations (unlimited, or CAP_IPC_LOCK) — with a finite limit, locking future mappings
 * would make the node's allocations fail instead. Called once the node's memory is allocated (arenas up
 * front). Writes one log line into msg. Returns 0 (locked, or not locked in TRY/OFF mode) or -1 (REQUIRED and
 * not locked). */
int tssd_lock_memory(tssd_memory_lock mode, char *msg, size_t cap);

#endif
