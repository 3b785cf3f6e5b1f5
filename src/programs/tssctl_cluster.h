/* `tssctl cluster ...`: a local cluster of tssd processes on loopback, for demos, drills and tests.
 *
 *   tssctl cluster init   --dir DIR --nodes N [--base-port P] [config options]   write configs and keys only
 *   tssctl cluster up     --dir DIR [--nodes N ...] [--tssd PATH] [--wait SEC]    init (unless done) + start all
 *   tssctl cluster start  [K] --dir DIR                  (re)start node K (default: every node), same keys/store
 *   tssctl cluster kill   K --dir DIR                    SIGKILL node K
 *   tssctl cluster down   --dir DIR [--stop-timeout SEC] SIGTERM every node, SIGKILL after the timeout
 *   tssctl cluster status --dir DIR                      pid, process and /healthz of every node
 *
 * Layout of DIR (what `tssctl --cluster DIR` reads): nodeK.ini (configs/README.md), nodeK.key (identity, 0600),
 * nodeK.master.key (store master key, 0600), nodeK.token (API bearer token, 0600), data/nodeK/ (store),
 * nodeK.log (the daemon's stdout+stderr, appended), nodeK.pid (while it runs). */
#ifndef TSS_PROGRAMS_TSSCTL_CLUSTER_H
#define TSS_PROGRAMS_TSSCTL_CLUSTER_H

/* argv[0] is "cluster". Returns the process exit status: 0 ok, 1 operation failed, 2 usage. */
int tssctl_cluster_main(int argc, char **argv);

#endif
