// The context sealing engine (rtl/seal, SEAL_* in spec/soc_map.def): a thin
// mirror of its registers. The device secret and the derived keys stay in
// the engine; the CPU only sees what BLOCK outputs and the tag.
//
// Buffers are byte arrays; the engine's words are little-endian packed
// (byte 4i+j = bits 8j+7:8j of word i), so the SoC driver moves words as
// they are. Every buffer must be 4-byte aligned.
#ifndef MCTPM_HAL_SEAL_ENGINE_H
#define MCTPM_HAL_SEAL_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "soc_map.h"

namespace hal {
namespace seal {

constexpr size_t kBlockSize = 16;
constexpr size_t kTagSize = 32;
constexpr size_t kDeviceIdSize = 8;

enum Mode : uint32_t {
  kEncrypt = MCTPM_SEAL_MODE_ENCRYPT,       // out = in ^ keystream; the MAC absorbs out
  kDecrypt = MCTPM_SEAL_MODE_DECRYPT,       // out = in ^ keystream; the MAC absorbs in
  kMacOnly = MCTPM_SEAL_MODE_MAC_ONLY,      // the MAC absorbs in; the counter stays
  kCryptOnly = MCTPM_SEAL_MODE_CRYPT_ONLY,  // out = in ^ keystream; the MAC absorbs nothing
};

// STATUS.secret present: the key slot holds a provisioned secret.
bool secret_present();
// SEAL_DEVICE_ID; false (out untouched) while STATUS.device id valid is 0.
bool device_id(uint8_t out[kDeviceIdSize]);
// MSG[0..len) := msg, MSG_LEN := len, DERIVE, wait: Kmac || Kenc from the
// key slot, HMAC state started with Kmac. len <= MCTPM_SEAL_MSG_SIZE.
// False if the keys are not valid afterwards (no secret).
bool derive(const uint8_t* msg, size_t len);
// IV := the 16-byte AES-CTR counter block.
void set_iv(const uint8_t iv[kBlockSize]);
// MODE := mode, then one BLOCK per 16 bytes of in[0..len) (len a multiple
// of 16), its output to the same offset of out; out may be nullptr when the
// mode outputs nothing of use.
void blocks(Mode mode, const uint8_t* in, uint8_t* out, size_t len);
// FINISH: the HMAC tag of what was absorbed since DERIVE.
void finish();
void read_tag(uint8_t out[kTagSize]);
// EXPECT := expected, FINISH, STATUS.tag match (the engine compares in constant time).
bool finish_and_match(const uint8_t expected[kTagSize]);
// CLEAR: keys, HMAC state, IV and data registers zeroed.
void clear();

}  // namespace seal
}  // namespace hal

#endif
