#include "tpm_client.h"

#include <openssl/sha.h>

namespace tpmtest {

Bytes sha1(const Bytes& data) {
  Bytes out(SHA_DIGEST_LENGTH);
  SHA1(data.data(), data.size(), out.data());
  return out;
}

Bytes sha256(const Bytes& data) {
  Bytes out(SHA256_DIGEST_LENGTH);
  SHA256(data.data(), data.size(), out.data());
  return out;
}

Bytes hash_by_alg(uint16_t alg, const Bytes& data) {
  return alg == 0x0004 ? sha1(data) : sha256(data);
}

Bytes TpmTest::pcr_read(uint16_t alg, unsigned pcr) {
  Cmd c(kNoSessions, 0x17E);
  c.u32(1).u16(alg).u8(3);
  for (unsigned i = 0; i < 3; ++i) c.u8(i == pcr / 8 ? static_cast<uint8_t>(1u << (pcr % 8)) : 0);
  Rsp r = exec(c.done());
  EXPECT_EQ(r.rc(), 0u);
  r.u32();             // update counter
  EXPECT_EQ(r.u32(), 1u);
  r.bytes(2 + 1 + 3);  // selection
  EXPECT_EQ(r.u32(), 1u);
  return r.tpm2b();
}

uint32_t TpmTest::pcr_extend(unsigned pcr, uint16_t alg, const Bytes& digest, uint8_t locality) {
  Cmd c(kSessions, 0x182);
  c.u32(pcr).pw_session().u32(1).u16(alg).bytes(digest);
  return exec(c.done(), locality).rc();
}

}  // namespace tpmtest
