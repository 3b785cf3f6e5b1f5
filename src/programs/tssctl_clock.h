/* Monotonic time and sleeping for tssctl's wait loops (tssctl.c, tssctl_cluster.c). */
#ifndef TSS_PROGRAMS_TSSCTL_CLOCK_H
#define TSS_PROGRAMS_TSSCTL_CLOCK_H

/* Seconds on CLOCK_MONOTONIC. */
double tssctl_now_s(void);
/* Sleeps ms milliseconds (an interrupted sleep returns early). */
void tssctl_sleep_ms(int ms);

#endif
