// hal/seal_engine.h on the SoC: the SEAL register block (rtl/seal/README.md).
// Data registers are little-endian packed, like the CPU: aligned buffers
// move a word per access, no byte shuffling.
#include "hal/seal_engine.h"

#include "soc/mmio.h"

namespace {
typedef uint32_t __attribute__((may_alias)) word_t;

uint32_t reg(uint32_t off) { return soc::read32(MCTPM_SEAL_BASE + off); }
void set_reg(uint32_t off, uint32_t v) { soc::write32(MCTPM_SEAL_BASE + off, v); }

void put_words(uint32_t off, const uint8_t* src, size_t words) {
  const word_t* s = reinterpret_cast<const word_t*>(src);
  for (size_t i = 0; i < words; ++i) set_reg(off + 4 * i, s[i]);
}
void get_words(uint32_t off, uint8_t* dst, size_t words) {
  word_t* d = reinterpret_cast<word_t*>(dst);
  for (size_t i = 0; i < words; ++i) d[i] = reg(off + 4 * i);
}
void command(uint32_t ctrl) {
  set_reg(MCTPM_SEAL_CTRL, ctrl);
  while ((reg(MCTPM_SEAL_STATUS) & MCTPM_SEAL_STATUS_BUSY) != 0) {
  }
}
}  // namespace

namespace hal {
namespace seal {

bool secret_present() { return (reg(MCTPM_SEAL_STATUS) & MCTPM_SEAL_STATUS_SECRET) != 0; }

bool device_id(uint8_t out[kDeviceIdSize]) {
  // After reset the engine is busy computing the id (about 400 cycles).
  while ((reg(MCTPM_SEAL_STATUS) & MCTPM_SEAL_STATUS_BUSY) != 0) {
  }
  if ((reg(MCTPM_SEAL_STATUS) & MCTPM_SEAL_STATUS_ID) == 0) return false;
  get_words(MCTPM_SEAL_DEVICE_ID, out, kDeviceIdSize / 4);
  return true;
}

bool derive(const uint8_t* msg, size_t len) {
  if (len > MCTPM_SEAL_MSG_SIZE) return false;
  // Whole words; the engine uses only MSG_LEN bytes of the last one.
  const size_t words = len / 4;
  put_words(MCTPM_SEAL_MSG, msg, words);
  if (len % 4 != 0) {
    uint32_t w = 0;
    for (size_t b = 0; b < len % 4; ++b) w |= uint32_t(msg[4 * words + b]) << (8 * b);
    set_reg(MCTPM_SEAL_MSG + 4 * words, w);
  }
  set_reg(MCTPM_SEAL_MSG_LEN, uint32_t(len));
  command(MCTPM_SEAL_CTRL_DERIVE);
  return (reg(MCTPM_SEAL_STATUS) & MCTPM_SEAL_STATUS_KEYS) != 0;
}

void set_iv(const uint8_t iv[kBlockSize]) { put_words(MCTPM_SEAL_IV, iv, kBlockSize / 4); }

// The words go straight between memory and the data registers: with the
// engine's 8-20 cycles per block, the bus accesses are most of the cost.
void blocks(Mode mode, const uint8_t* in, uint8_t* out, size_t len) {
  set_reg(MCTPM_SEAL_MODE, mode);
  const word_t* s = reinterpret_cast<const word_t*>(in);
  word_t* d = reinterpret_cast<word_t*>(out);
  for (size_t i = 0; i < len / 4; i += 4) {
    set_reg(MCTPM_SEAL_DATA_IN, s[i]);
    set_reg(MCTPM_SEAL_DATA_IN + 4, s[i + 1]);
    set_reg(MCTPM_SEAL_DATA_IN + 8, s[i + 2]);
    set_reg(MCTPM_SEAL_DATA_IN + 12, s[i + 3]);
    command(MCTPM_SEAL_CTRL_BLOCK);
    if (d != nullptr) {
      d[i] = reg(MCTPM_SEAL_DATA_OUT);
      d[i + 1] = reg(MCTPM_SEAL_DATA_OUT + 4);
      d[i + 2] = reg(MCTPM_SEAL_DATA_OUT + 8);
      d[i + 3] = reg(MCTPM_SEAL_DATA_OUT + 12);
    }
  }
}

void finish() { command(MCTPM_SEAL_CTRL_FINISH); }

void read_tag(uint8_t out[kTagSize]) { get_words(MCTPM_SEAL_TAG, out, kTagSize / 4); }

bool finish_and_match(const uint8_t expected[kTagSize]) {
  put_words(MCTPM_SEAL_EXPECT, expected, kTagSize / 4);
  command(MCTPM_SEAL_CTRL_FINISH);
  return (reg(MCTPM_SEAL_STATUS) & MCTPM_SEAL_STATUS_MATCH) != 0;
}

void clear() { command(MCTPM_SEAL_CTRL_CLEAR); }

}  // namespace seal
}  // namespace hal
