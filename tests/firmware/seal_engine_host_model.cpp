#include "seal_engine_host_model.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstring>
#include <stdexcept>

#include "soc_map.h"

namespace seal_model {
namespace {

struct Engine {
  std::vector<uint8_t> secret;
  uint8_t msg[MCTPM_SEAL_MSG_SIZE] = {};
  uint32_t msg_len = 0;
  uint32_t mode = 0;
  uint8_t iv[16] = {};
  uint8_t data_in[16] = {};
  uint8_t data_out[16] = {};
  uint8_t tag[32] = {};
  uint8_t expect[32] = {};
  uint8_t kmac[32] = {};
  uint8_t kenc[16] = {};
  bool keys = false;
  bool match = false;
  std::vector<uint8_t> absorbed;  // what the open HMAC has taken since DERIVE / FINISH
};

Engine& engine() {
  static Engine e;
  return e;
}

void hmac256(const uint8_t* key, size_t key_len, const uint8_t* data, size_t len, uint8_t out[32]) {
  unsigned int n = 32;
  HMAC(EVP_sha256(), key, static_cast<int>(key_len), data, len, out, &n);
}

void keystream(const uint8_t key[16], const uint8_t iv[16], uint8_t out[16]) {
  EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
  int n = 0;
  EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), nullptr, key, nullptr);
  EVP_CIPHER_CTX_set_padding(c, 0);
  EVP_EncryptUpdate(c, out, &n, iv, 16);
  EVP_CIPHER_CTX_free(c);
}

void increment(uint8_t iv[16]) {
  for (int i = 15; i >= 0; --i) {
    if (++iv[i] != 0) break;
  }
}

uint32_t get_word(const uint8_t* p, uint32_t i) {
  return uint32_t(p[4 * i]) | uint32_t(p[4 * i + 1]) << 8 | uint32_t(p[4 * i + 2]) << 16 |
         uint32_t(p[4 * i + 3]) << 24;
}
void put_word(uint8_t* p, uint32_t i, uint32_t v) {
  for (int b = 0; b < 4; ++b) p[4 * i + b] = uint8_t(v >> (8 * b));
}

bool in_window(uint32_t off, uint32_t base, uint32_t bytes, uint32_t& word) {
  if (off < base || off >= base + bytes) return false;
  word = (off - base) / 4;
  return true;
}

void device_id(uint8_t out[8]) {
  const Engine& e = engine();
  uint8_t d[32];
  const char label[] = "MCTPM DEVICE ID";
  hmac256(e.secret.data(), e.secret.size(), reinterpret_cast<const uint8_t*>(label), sizeof label - 1, d);
  std::memcpy(out, d, 8);
}

void clear_state(Engine& e) {
  std::vector<uint8_t> s = e.secret;
  e = Engine();
  e.secret = s;
}

void derive(Engine& e) {
  e.keys = false;
  e.match = false;
  e.absorbed.clear();
  if (e.secret.empty()) return;
  uint8_t block[32];
  std::vector<uint8_t> m(4 + e.msg_len);
  std::memcpy(m.data() + 4, e.msg, e.msg_len);
  for (uint8_t i = 1; i <= 2; ++i) {
    m[0] = 0;
    m[1] = 0;
    m[2] = 0;
    m[3] = i;
    hmac256(e.secret.data(), e.secret.size(), m.data(), m.size(), block);
    if (i == 1) std::memcpy(e.kmac, block, 32);
    else std::memcpy(e.kenc, block, 16);
  }
  e.keys = true;
}

void run_block(Engine& e) {
  if (!e.keys) return;
  uint8_t ks[16];
  const bool crypt = e.mode != MCTPM_SEAL_MODE_MAC_ONLY;
  if (e.mode == MCTPM_SEAL_MODE_DECRYPT || e.mode == MCTPM_SEAL_MODE_MAC_ONLY) {
    e.absorbed.insert(e.absorbed.end(), e.data_in, e.data_in + 16);
  }
  if (crypt) {
    keystream(e.kenc, e.iv, ks);
    for (int i = 0; i < 16; ++i) e.data_out[i] = e.data_in[i] ^ ks[i];
    increment(e.iv);
  } else {
    std::memcpy(e.data_out, e.data_in, 16);
  }
  if (e.mode == MCTPM_SEAL_MODE_ENCRYPT) e.absorbed.insert(e.absorbed.end(), e.data_out, e.data_out + 16);
}

void finish(Engine& e) {
  if (!e.keys) return;
  hmac256(e.kmac, 32, e.absorbed.data(), e.absorbed.size(), e.tag);
  e.match = CRYPTO_memcmp(e.tag, e.expect, 32) == 0;
  e.absorbed.clear();
}

}  // namespace

void set_secret(const std::vector<uint8_t>& secret) {
  const std::vector<uint8_t> s = secret;  // may be engine().secret itself
  if (!s.empty() && s.size() != MCTPM_SEAL_DEVICE_SECRET_BYTES) throw std::invalid_argument("secret size");
  engine() = Engine();
  engine().secret = s;
}

const std::vector<uint8_t>& secret() { return engine().secret; }

uint32_t read(uint32_t off) {
  Engine& e = engine();
  uint32_t w = 0;
  if (off == MCTPM_SEAL_STATUS) {
    const bool present = !e.secret.empty();
    return (e.keys ? MCTPM_SEAL_STATUS_KEYS : 0u) | (e.match ? MCTPM_SEAL_STATUS_MATCH : 0u) |
           (present ? MCTPM_SEAL_STATUS_SECRET | MCTPM_SEAL_STATUS_ID : 0u);
  }
  if (off == MCTPM_SEAL_MODE) return e.mode;
  if (off == MCTPM_SEAL_MSG_LEN) return e.msg_len;
  if (in_window(off, MCTPM_SEAL_IV, 16, w)) return get_word(e.iv, w);
  if (in_window(off, MCTPM_SEAL_DATA_OUT, 16, w)) return get_word(e.data_out, w);
  if (in_window(off, MCTPM_SEAL_TAG, 32, w)) return get_word(e.tag, w);
  if (in_window(off, MCTPM_SEAL_DEVICE_ID, 8, w)) {
    if (e.secret.empty()) return 0;
    uint8_t id[8];
    device_id(id);
    return get_word(id, w);
  }
  if (in_window(off, MCTPM_SEAL_MSG, MCTPM_SEAL_MSG_SIZE, w)) return get_word(e.msg, w);
  return 0;
}

void write(uint32_t off, uint32_t v) {
  Engine& e = engine();
  uint32_t w = 0;
  if (off == MCTPM_SEAL_CTRL) {
    // CLEAR wins, then DERIVE, FINISH, BLOCK (as the RTL).
    if (v & MCTPM_SEAL_CTRL_CLEAR) clear_state(e);
    else if (v & MCTPM_SEAL_CTRL_DERIVE) derive(e);
    else if (v & MCTPM_SEAL_CTRL_FINISH) finish(e);
    else if (v & MCTPM_SEAL_CTRL_BLOCK) run_block(e);
  } else if (off == MCTPM_SEAL_MODE) {
    e.mode = v & 3u;
  } else if (off == MCTPM_SEAL_MSG_LEN) {
    e.msg_len = v > MCTPM_SEAL_MSG_SIZE ? MCTPM_SEAL_MSG_SIZE : v;
  } else if (in_window(off, MCTPM_SEAL_IV, 16, w)) {
    put_word(e.iv, w, v);
  } else if (in_window(off, MCTPM_SEAL_DATA_IN, 16, w)) {
    put_word(e.data_in, w, v);
  } else if (in_window(off, MCTPM_SEAL_EXPECT, 32, w)) {
    put_word(e.expect, w, v);
  } else if (in_window(off, MCTPM_SEAL_MSG, MCTPM_SEAL_MSG_SIZE, w)) {
    put_word(e.msg, w, v);
  }
}

}  // namespace seal_model
