// KDFa of TPM 2.0 Part 1 (11.4.10.2): the SP 800-108 counter-mode KDF with
// HMAC, as the TPM uses it for session keys and (later) object protection.
#ifndef MCTPM_CRYPTO_KDF_H
#define MCTPM_CRYPTO_KDF_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/sha.h"

namespace crypto {

// out = the first `bits` bits of
//   HMAC(key, [i]32 || label || 0x00 || contextU || contextV || [bits]32), i = 1, 2, ...
// label is a C string; its terminating zero is part of the input, as Part 1
// requires. Writes (bits + 7) / 8 bytes; when bits is not a multiple of 8 the
// unused high bits of out[0] are cleared.
void kdfa(HashAlg alg, const uint8_t* key, size_t key_len, const char* label,
          const uint8_t* context_u, size_t u_len, const uint8_t* context_v, size_t v_len,
          uint32_t bits, uint8_t* out);

}  // namespace crypto

#endif
