/* Consistency checks of decoded key generation packages, shared by the binary and JSON decoders
 * (frost_keygen_codec.c, frost_keygen_json.c); internal. Each returns TSS_OK or TSS_ERR_ENCODING. */
#ifndef TSS_FROST_KEYGEN_CODEC_H
#define TSS_FROST_KEYGEN_CODEC_H

#include "tss/frost_keygen.h"

/* Sender identifier valid, n_commitments <= TSS_FROST_MAX_SIGNERS, every commitment point and R canonical
 * and not the identity (or an all-zero proof), μ canonical. */
int frost_kg_round1_check(const tss_frost_dkg_round1_package *pkg);
/* Identifiers valid and distinct, share canonical. */
int frost_kg_round2_check(const tss_frost_dkg_round2_package *pkg);
/* A secret package after part 1 or part 2, as documented at tss_frost_dkg_secret_package_deserialize.
 * With recompute_commitment (part 1 only) the commitment is written from the coefficients instead of
 * compared. */
int frost_kg_secret_check(tss_frost_dkg_secret_package *sp, int recompute_commitment);

#endif
