/* Share refresh (frost-core keys::refresh, refresh_dkg_*): the DKG with a zero constant term, so the group
 * key and t stay and every share moves by a fresh sharing of zero. */
#include "crypto/frost_dkg_internal.h"
#include "tss/frost_keygen.h"

int tss_frost_refresh_part1(tss_frost_dkg_secret_package *sp, tss_frost_dkg_round1_package *pkg,
                            const tss_frost_key_package *kp, uint32_t n)
{
    if (kp == NULL || kp->version != TSS_FROST_VERSION)
        return TSS_ERR_INVALID_ARG;
    return frost_kg_part1(sp, pkg, &kp->identifier, n, kp->min_signers, NULL, NULL, 1);
}

int tss_frost_refresh_part2(tss_frost_dkg_secret_package *sp, tss_frost_dkg_round2_package *round2_out,
                            const tss_frost_dkg_round1_package *round1_packages, size_t n_round1,
                            void *scratch, size_t scratch_len,
                            tss_frost_identifier *culprits, size_t culprits_cap, size_t *n_culprits)
{
    return frost_kg_part2(sp, round2_out, round1_packages, n_round1, scratch, scratch_len, culprits, culprits_cap,
                          n_culprits, 1);
}

int tss_frost_refresh_part3(tss_frost_key_package *new_kp, tss_frost_public_key_package *new_pkp,
                            const tss_frost_dkg_secret_package *sp,
                            const tss_frost_dkg_round1_package *round1_packages, size_t n_round1,
                            const tss_frost_dkg_round2_package *round2_packages, size_t n_round2,
                            const tss_frost_key_package *old_kp, const tss_frost_public_key_package *old_pkp,
                            void *scratch, size_t scratch_len,
                            tss_frost_identifier *culprits, size_t culprits_cap, size_t *n_culprits)
{
    if (old_kp == NULL || old_pkp == NULL)
        return TSS_ERR_INVALID_ARG;
    return frost_kg_part3(new_kp, new_pkp, sp, round1_packages, n_round1, round2_packages, n_round2, old_kp,
                          old_pkp, scratch, scratch_len, culprits, culprits_cap, n_culprits);
}
