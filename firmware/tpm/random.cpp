// TPM2_GetRandom and TPM2_StirRandom (Part 3, chapter 16). Until the DRBG
// exists, each request is raw entropy conditioned through SHA-256 together
// with what StirRandom added.
#include <string.h>

#include "crypto/sha.h"
#include "hal/entropy.h"
#include "tpm/command.h"

namespace tpm {
namespace {

// Twice the output length of raw input per output block: the noise source is
// not assumed to be full-entropy.
constexpr size_t kRawPerRequest = 2 * crypto::kSha256DigestSize;

struct GetRandomIn {
  uint16_t bytes_requested;
};

struct GetRandomOut {
  uint16_t size;
  uint8_t bytes[crypto::kSha256DigestSize];
};

TPM_RC unmarshal_get_random(Reader& r, GetRandomIn& in) {
  return rc_param(r.u16(in.bytes_requested), 1);
}

TPM_RC get_random_action(Tpm& tpm, const Command&, const GetRandomIn& in, GetRandomOut& out) {
  // Part 3: at most one digest (TPM2B_DIGEST) per call.
  out.size = in.bytes_requested > kMaxDigest ? kMaxDigest : in.bytes_requested;
  return random_fill(tpm, out.bytes, out.size) ? TPM_RC_SUCCESS : TPM_RC_FAILURE;
}

void marshal_get_random(Writer& w, const GetRandomOut& out) { w.tpm2b(out.bytes, out.size); }

struct StirRandomIn {
  const uint8_t* data;
  uint16_t size;
};

TPM_RC unmarshal_stir_random(Reader& r, StirRandomIn& in) {
  return rc_param(r.tpm2b(kMaxSensitiveData, in.data, in.size), 1);
}

TPM_RC stir_random_action(Tpm& tpm, const Command&, const StirRandomIn& in, Empty&) {
  crypto::ShaCtx ctx;
  crypto::sha_init(ctx, crypto::HashAlg::Sha256);
  crypto::sha_update(ctx, tpm.stir, sizeof(tpm.stir));
  crypto::sha_update(ctx, in.data, in.size);
  crypto::sha_final(ctx, tpm.stir);
  return TPM_RC_SUCCESS;
}

}  // namespace

bool random_fill(Tpm& tpm, uint8_t* out, size_t n) {
  uint8_t raw[kRawPerRequest];
  if (!hal::entropy_read(raw, sizeof(raw))) return false;
  uint8_t digest[crypto::kSha256DigestSize];
  crypto::ShaCtx ctx;
  crypto::sha_init(ctx, crypto::HashAlg::Sha256);
  crypto::sha_update(ctx, tpm.stir, sizeof(tpm.stir));
  crypto::sha_update(ctx, raw, sizeof(raw));
  crypto::sha_final(ctx, digest);
  if (n > sizeof(digest)) n = sizeof(digest);
  memcpy(out, digest, n);
  memset(raw, 0, sizeof(raw));
  memset(digest, 0, sizeof(digest));
  return true;
}

TPM_RC cmd_get_random(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<GetRandomIn, GetRandomOut, unmarshal_get_random, get_random_action,
                     marshal_get_random>(tpm, cmd, w);
}

TPM_RC cmd_stir_random(Tpm& tpm, Command& cmd, Writer& w) {
  return run_command<StirRandomIn, Empty, unmarshal_stir_random, stir_random_action,
                     marshal_empty>(tpm, cmd, w);
}

}  // namespace tpm
