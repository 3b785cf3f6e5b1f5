/* tssctl: the operator CLI (tssctl --help, docs/operations.md). Plays the chain's role against a cluster of tssd
 * nodes over their HTTP APIs (docs/api.md): sends each request to every participant, follows the sessions with
 * a progress line, checks that the nodes agree and verifies every signature itself with libsodium; runs a local
 * cluster of tssd processes (tssctl cluster). The parts are listed in tssctl.h. */
#include "src/programs/tssctl.h"

#include "src/config.h"
#include "tss/common.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static int run_cluster(tssctl_args *a)
{
    char dir[TSS_CONFIG_PATH_MAX];
    a->cl.dir_is_default = a->cluster_dir == NULL;
    a->cl.dir = a->cluster_dir != NULL ? a->cluster_dir : tssctl_default_cluster_dir(dir, sizeof dir);
    return tssctl_cluster_run(a->cluster_cmd, &a->cl);
}

static int run_command(tssctl_args *a)
{
    const char *cmd = a->command;
    bool needs_nodes = strcmp(cmd, "verify") != 0 || a->o.have_key;
    if (needs_nodes) {
        int rc = tssctl_load_nodes(a);
        if (rc != 0)
            return rc;
    }
    if (strcmp(cmd, "status") == 0)
        return tssctl_cmd_status(&a->o);
    if (strcmp(cmd, "keys") == 0)
        return tssctl_cmd_keys(&a->o);
    if (strcmp(cmd, "dkg") == 0)
        return tssctl_cmd_dkg(&a->o);
    if (strcmp(cmd, "sign") == 0)
        return tssctl_cmd_sign(&a->o);
    return tssctl_cmd_verify(&a->o);
}

int main(int argc, char **argv)
{
    static tssctl_args a;
    static node nodes[TSSCTL_MAX_NODES];
    static char *messages[TSSCTL_MAX_MESSAGES];
    a.o.nodes = nodes;
    a.o.messages = messages;
    if (tss_init() != TSS_OK) {
        fprintf(stderr, "tssctl: libsodium failed to initialise\n");
        return EXIT_OPERATION;
    }
    int rc = tssctl_parse_args(&a, argc, argv);
    if (rc == 0)
        rc = strcmp(a.command, "cluster") == 0 ? run_cluster(&a) : run_command(&a);
    else if (rc < 0)
        rc = 0; /* --help or --version */
    for (size_t i = 0; i < a.o.n_nodes; i++)
        sodium_memzero(a.o.nodes[i].token, sizeof a.o.nodes[i].token);
    for (size_t i = 0; i < a.o.n_messages; i++)
        free(a.o.messages[i]);
    return rc;
}
