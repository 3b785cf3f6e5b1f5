/* tssd's process hardening (tssd_hardening.h). */
#include "src/programs/tssd_hardening.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#ifndef MCL_ONFAULT
#define MCL_ONFAULT 4
#endif

int tssd_memory_lock_parse(const char *s, tssd_memory_lock *out)
{
    static const char *const names[] = {"try", "required", "off"};
    for (int i = 0; i < 3; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (tssd_memory_lock)i;
            return 0;
        }
    }
    return -1;
}

int tssd_disable_core_dumps(char *err, size_t cap)
{
    struct rlimit none = {0, 0};
    if (setrlimit(RLIMIT_CORE, &none) != 0) {
        snprintf(err, cap, "cannot disable core dumps: setrlimit(RLIMIT_CORE): %s", strerror(errno));
        return -1;
    }
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
        snprintf(err, cap, "cannot disable core dumps: prctl(PR_SET_DUMPABLE): %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* A "Vm...: N kB" field of /proc/self/status in bytes (VmSize: mapped, VmLck: locked), 0 if unknown. */
static unsigned long long status_bytes(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256], fmt[32];
    unsigned long long kb = 0;
    snprintf(fmt, sizeof fmt, "%s: %%llu kB", field);
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, fmt, &kb) == 1)
            break;
    if (f != NULL)
        fclose(f);
    return kb * 1024;
}

static void format_bytes(unsigned long long b, char *out, size_t cap)
{
    if (b >= (1ull << 30))
        snprintf(out, cap, "%.1f GiB", (double)b / (double)(1ull << 30));
    else
        snprintf(out, cap, "%.1f MiB", (double)b / (double)(1ull << 20));
}

int tssd_lock_memory(tssd_memory_lock mode, char *msg, size_t cap)
{
    if (mode == TSSD_MEMORY_LOCK_OFF) {
        snprintf(msg, cap, "memory: not locked (--memory-lock=off); core dumps off");
        return 0;
    }
    struct rlimit lim;
    getrlimit(RLIMIT_MEMLOCK, &lim);
    unsigned long long mapped = status_bytes("VmSize");
    int rc = mlockall(MCL_CURRENT | MCL_ONFAULT);
    if (rc == 0 && status_bytes("VmLck") == 0) {
        rc = -1; /* sanitizer runtimes intercept mlockall and only pretend */
        errno = ENOSYS;
    }
    if (rc != 0) {
        int e = errno;
        char l[32] = "unlimited", m[32];
        if (lim.rlim_cur != RLIM_INFINITY)
            format_bytes((unsigned long long)lim.rlim_cur, l, sizeof l);
        format_bytes(mapped, m, sizeof m);
        snprintf(msg, cap,
                 "memory: NOT locked: mlockall: %s (RLIMIT_MEMLOCK %s, %s mapped); secrets could reach swap: raise "
                 "the limit (LimitMEMLOCK=infinity, as the tssd@.service unit does)%s",
                 e == ENOSYS ? "succeeded but nothing is locked (a sanitizer build?)" : strerror(e), l, m,
                 mode == TSSD_MEMORY_LOCK_REQUIRED ? "; refusing to start (--memory-lock=required)"
                                                   : " or accept it with --memory-lock=off");
        return mode == TSSD_MEMORY_LOCK_REQUIRED ? -1 : 0;
    }
    /* Locked more than the limit allows: unlimited or privileged, so later mappings can be locked too. */
    bool future = lim.rlim_cur == RLIM_INFINITY || (mapped > 0 && mapped > (unsigned long long)lim.rlim_cur);
    if (future && mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) != 0)
        future = false;
    snprintf(msg, cap, "memory: locked (mlockall%s, pages locked as they are touched); core dumps off",
             future ? ", current and future mappings" : " of the current mappings; RLIMIT_MEMLOCK is finite, so "
                                                        "later allocations are not locked");
    return 0;
}
