// Block-level test of the sealing engine (rtl/seal).
//
// Drives the engine's bus wrapper cycle by cycle with the common peripheral
// bus protocol (checked on every cycle) and compares every result with
// OpenSSL: the KDF keys and the device id with HMAC-SHA256, DATA with
// AES-128-CTR (EVP aes-128-ctr, which increments the whole 128-bit counter
// block big-endian), TAG with HMAC-SHA256 under Kmac. The keys the reference
// uses are computed here from the secret; the engine never shows them.
//
// Usage: <binary> CHECK [SEED]
//   SEED: random seed (default printed; pass it back to reproduce a failure)
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "../common/peripheral_bus.h"
#include "Vseal_engine.h"
#include "soc_map.h"
#include "verilated.h"

namespace {

using Bytes = std::vector<uint8_t>;
using Secret = std::array<uint8_t, MCTPM_SEAL_DEVICE_SECRET_BYTES>;

constexpr uint32_t kVersion = 0x00010000;
constexpr size_t kBlock = 16;
constexpr size_t kTag = 32;
constexpr size_t kMsgSize = MCTPM_SEAL_MSG_SIZE;
constexpr uint32_t kWindow = 0x1000;
const char kDeviceIdLabel[] = "MCTPM DEVICE ID";

unsigned g_errors = 0;

void fail(const std::string& what) {
  if (g_errors < 20) std::fprintf(stderr, "FAIL: %s\n", what.c_str());
  ++g_errors;
}

std::string hex(const uint8_t* p, size_t n) {
  std::string s;
  char buf[3];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", p[i]);
    s += buf;
  }
  return s;
}
std::string hex(const Bytes& b) { return hex(b.data(), b.size()); }

void expect_bytes(const Bytes& got, const Bytes& want, const std::string& what) {
  if (got != want) fail(what + ": engine " + hex(got) + ", OpenSSL " + hex(want));
}

Bytes random_bytes(std::mt19937& rng, size_t n) {
  Bytes b(n);
  for (auto& v : b) v = static_cast<uint8_t>(rng());
  return b;
}

Secret random_secret(std::mt19937& rng) {
  Secret s{};
  for (auto& v : s) v = static_cast<uint8_t>(rng());
  s[rng() % s.size()] |= 1;  // never all zero
  return s;
}

Bytes concat(const Bytes& a, const Bytes& b) {
  Bytes out(a);
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

// ---- the reference (OpenSSL) ----

Bytes hmac_sha256(const uint8_t* key, size_t key_len, const Bytes& msg) {
  Bytes out(32);
  unsigned len = 0;
  if (!HMAC(EVP_sha256(), key, static_cast<int>(key_len), msg.data(), msg.size(), out.data(),
            &len) ||
      len != 32) {
    fail("OpenSSL HMAC failed");
  }
  return out;
}

struct Keys {
  Bytes kmac;  // 32 bytes
  Bytes kenc;  // 16 bytes
};

// TPM 2.0 KDFa / SP 800-108 counter mode as the engine computes it: block i
// = HMAC(secret, be32(i) || msg), the firmware supplies the rest of the
// KDFa message (label, 0, contexts, L) in msg.
Keys kdf(const Secret& secret, const Bytes& msg) {
  Keys k;
  for (uint32_t i = 1; i <= 2; ++i) {
    Bytes m = {0, 0, 0, static_cast<uint8_t>(i)};
    m.insert(m.end(), msg.begin(), msg.end());
    const Bytes block = hmac_sha256(secret.data(), secret.size(), m);
    if (i == 1) k.kmac = block;
    else k.kenc.assign(block.begin(), block.begin() + 16);
  }
  return k;
}

Bytes device_id(const Secret& secret) {
  const Bytes label(kDeviceIdLabel, kDeviceIdLabel + std::strlen(kDeviceIdLabel));
  Bytes id = hmac_sha256(secret.data(), secret.size(), label);
  id.resize(8);
  return id;
}

Bytes aes128_ctr(const Bytes& key, const Bytes& iv, const Bytes& in) {
  Bytes out(in.size());
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int len = 0;
  int fin = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx, EVP_aes_128_ctr(), nullptr, key.data(), iv.data()) != 1 ||
      EVP_EncryptUpdate(ctx, out.data(), &len, in.data(), static_cast<int>(in.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx, out.data() + len, &fin) != 1) {
    fail("OpenSSL AES-128-CTR failed");
  }
  EVP_CIPHER_CTX_free(ctx);
  return out;
}

Bytes iv_plus(Bytes iv, uint64_t n) {
  for (int i = 15; i >= 0 && n; --i) {
    const uint64_t sum = iv[i] + (n & 0xff);
    iv[i] = static_cast<uint8_t>(sum);
    n = (n >> 8) + (sum >> 8);
  }
  return iv;
}

// ---- the engine behind its bus wrapper, driven one clock at a time ----

class Bus : public PeripheralBus<Vseal_engine> {
 public:
  explicit Bus(const Secret& secret)
      : PeripheralBus(fail, [&secret](Vseal_engine& dut) {
          for (int w = 0; w < 8; ++w) {
            // secret byte 0 = bits 255:248; VlWide word w = bits 32w+31:32w
            const uint8_t* p = &secret[4 * (7 - w)];
            dut.secret_i[w] = uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
          }
        }) {}
};

// ---- the programming sequences of rtl/seal/README.md ----

uint32_t status(Bus& bus) { return bus.read(MCTPM_SEAL_STATUS); }
bool keys_valid(Bus& bus) { return status(bus) & MCTPM_SEAL_STATUS_KEYS; }
bool tag_match(Bus& bus) { return status(bus) & MCTPM_SEAL_STATUS_MATCH; }

// Polls STATUS until busy is 0. Returns the cycles from `since` to the edge
// of the STATUS read that saw busy = 0.
unsigned wait_idle(Bus& bus, uint64_t since) {
  for (;;) {
    if (!(bus.read(MCTPM_SEAL_STATUS) & MCTPM_SEAL_STATUS_BUSY)) break;
    if (bus.cycle() - since > 100000) {
      fail("engine stays busy");
      break;
    }
  }
  return static_cast<unsigned>(bus.cycle() - since);
}

// Writes CTRL and waits; returns the cycles from the edge that took the
// CTRL write to the STATUS read that saw busy = 0.
unsigned command(Bus& bus, uint32_t ctrl) {
  bus.write(MCTPM_SEAL_CTRL, ctrl);
  return wait_idle(bus, bus.cycle());
}

void put_words(Bus& bus, uint32_t off, const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; i += 4) {
    uint32_t w = 0;
    for (size_t j = 0; j < 4 && i + j < n; ++j) w |= uint32_t{p[i + j]} << (8 * j);
    bus.write(off + static_cast<uint32_t>(i), w);
  }
}

Bytes get_words(Bus& bus, uint32_t off, size_t n) {
  Bytes out(n);
  for (size_t i = 0; i < n; i += 4) {
    const uint32_t w = bus.read(off + static_cast<uint32_t>(i));
    for (size_t j = 0; j < 4 && i + j < n; ++j) out[i + j] = static_cast<uint8_t>(w >> (8 * j));
  }
  return out;
}

// MSG := msg (the whole window is first filled with junk: DERIVE must use
// only MSG_LEN bytes), MSG_LEN, DERIVE.
unsigned derive(Bus& bus, std::mt19937& rng, const Bytes& msg) {
  const Bytes junk = random_bytes(rng, kMsgSize);
  put_words(bus, MCTPM_SEAL_MSG, junk.data(), junk.size());
  put_words(bus, MCTPM_SEAL_MSG, msg.data(), msg.size());
  bus.write(MCTPM_SEAL_MSG_LEN, static_cast<uint32_t>(msg.size()));
  return command(bus, MCTPM_SEAL_CTRL_DERIVE);
}

void set_iv(Bus& bus, const Bytes& iv) { put_words(bus, MCTPM_SEAL_IV, iv.data(), kBlock); }
Bytes get_iv(Bus& bus) { return get_words(bus, MCTPM_SEAL_IV, kBlock); }

// Runs BLOCK in `mode` on every 16-byte block of `in`; returns DATA_OUT of each.
Bytes run_blocks(Bus& bus, uint32_t mode, const Bytes& in, unsigned* max_cycles = nullptr) {
  bus.write(MCTPM_SEAL_MODE, mode);
  Bytes out;
  for (size_t off = 0; off < in.size(); off += kBlock) {
    put_words(bus, MCTPM_SEAL_DATA_IN, &in[off], kBlock);
    const unsigned c = command(bus, MCTPM_SEAL_CTRL_BLOCK);
    if (max_cycles) *max_cycles = std::max(*max_cycles, c);
    const Bytes o = get_words(bus, MCTPM_SEAL_DATA_OUT, kBlock);
    out.insert(out.end(), o.begin(), o.end());
  }
  return out;
}

Bytes finish(Bus& bus, const Bytes* expect = nullptr) {
  if (expect) put_words(bus, MCTPM_SEAL_EXPECT, expect->data(), kTag);
  command(bus, MCTPM_SEAL_CTRL_FINISH);
  return get_words(bus, MCTPM_SEAL_TAG, kTag);
}

// ---- checks ----

void check_identity(std::mt19937& rng) {
  Bus bus(random_secret(rng));
  std::string name;
  for (uint32_t reg : {MCTPM_REG_NAME0, MCTPM_REG_NAME1}) {
    const uint32_t w = bus.read(reg);
    for (int shift = 24; shift >= 0; shift -= 8) name += static_cast<char>(w >> shift);
  }
  const uint32_t version = bus.read(MCTPM_REG_VERSION);
  std::printf("NAME '%s', VERSION %u.%u\n", name.c_str(), version >> 16, version & 0xffff);
  if (name != "seal    ") fail("NAME is '" + name + "'");
  if (version != kVersion) fail("VERSION is " + std::to_string(version));
}

void check_device_id(std::mt19937& rng) {
  for (int n = 0; n < 8; ++n) {
    const Secret secret = random_secret(rng);
    Bus bus(secret);
    if (!(status(bus) & MCTPM_SEAL_STATUS_SECRET)) fail("STATUS.secret is 0 with a secret");
    const unsigned cycles = wait_idle(bus, bus.reset_cycle());
    const uint32_t st = status(bus);
    if (!(st & MCTPM_SEAL_STATUS_ID)) fail("STATUS.id is 0 after the reset program");
    if (st & (MCTPM_SEAL_STATUS_KEYS | MCTPM_SEAL_STATUS_MATCH)) fail("keys or match set after reset");
    expect_bytes(get_words(bus, MCTPM_SEAL_DEVICE_ID, 8), device_id(secret), "DEVICE_ID");
    // DEVICE_ID survives DERIVE and CLEAR.
    derive(bus, rng, random_bytes(rng, 40));
    command(bus, MCTPM_SEAL_CTRL_CLEAR);
    expect_bytes(get_words(bus, MCTPM_SEAL_DEVICE_ID, 8), device_id(secret), "DEVICE_ID after CLEAR");
    if (!(status(bus) & MCTPM_SEAL_STATUS_ID)) fail("STATUS.id cleared by CLEAR");
    if (n == 0) std::printf("reset to DEVICE_ID valid: %u cycles\n", cycles);
  }
  std::printf("DEVICE_ID matches HMAC-SHA256(secret, \"%s\")[0..8)\n", kDeviceIdLabel);
}

// The seal sequence of the README: DERIVE, IV, MAC_ONLY over the header,
// ENCRYPT over the plaintext, FINISH. Random secrets, IVs, MSG lengths
// 0..128 and 0..40 plaintext blocks.
void check_encrypt(std::mt19937& rng) {
  unsigned cases = 0;
  for (int s = 0; s < 6; ++s) {
    const Secret secret = random_secret(rng);
    Bus bus(secret);
    wait_idle(bus, bus.reset_cycle());
    for (int n = 0; n < 12; ++n) {
      const size_t msg_len = (n == 0) ? 0 : (n == 1) ? kMsgSize : rng() % (kMsgSize + 1);
      const size_t header_blocks = rng() % 6;  // the blob header is 5 blocks
      const size_t blocks = (n == 2) ? 0 : (n == 3) ? 40 : rng() % 41;
      const Bytes msg = random_bytes(rng, msg_len);
      const Bytes header = random_bytes(rng, header_blocks * kBlock);
      const Bytes plain = random_bytes(rng, blocks * kBlock);
      const Bytes iv = random_bytes(rng, kBlock);
      const Keys keys = kdf(secret, msg);

      derive(bus, rng, msg);
      if (!keys_valid(bus)) fail("keys not valid after DERIVE");
      set_iv(bus, iv);
      const Bytes header_out = run_blocks(bus, MCTPM_SEAL_MODE_MAC_ONLY, header);
      expect_bytes(header_out, header, "MAC_ONLY output");
      expect_bytes(get_iv(bus), iv, "IV after MAC_ONLY blocks");
      const Bytes cipher = run_blocks(bus, MCTPM_SEAL_MODE_ENCRYPT, plain);
      const Bytes tag = finish(bus);
      const std::string what = "msg " + std::to_string(msg_len) + " bytes, " +
                               std::to_string(header_blocks) + "+" + std::to_string(blocks) +
                               " blocks";
      expect_bytes(cipher, aes128_ctr(keys.kenc, iv, plain), "ciphertext, " + what);
      expect_bytes(tag, hmac_sha256(keys.kmac.data(), 32, concat(header, cipher)), "TAG, " + what);
      expect_bytes(get_iv(bus), iv_plus(iv, blocks), "IV after ENCRYPT, " + what);
      if (!keys_valid(bus)) fail("keys not valid after FINISH");
      ++cases;
    }
  }
  std::printf("%u seal sequences: ciphertext == AES-128-CTR(Kenc), TAG == HMAC(Kmac)\n", cases);
}

void check_decrypt(std::mt19937& rng) {
  const Secret secret = random_secret(rng);
  Bus bus(secret);
  wait_idle(bus, bus.reset_cycle());
  for (int n = 0; n < 16; ++n) {
    const Bytes msg = random_bytes(rng, rng() % (kMsgSize + 1));
    const Bytes cipher = random_bytes(rng, (rng() % 41) * kBlock);
    const Bytes iv = random_bytes(rng, kBlock);
    const Keys keys = kdf(secret, msg);
    derive(bus, rng, msg);
    set_iv(bus, iv);
    const Bytes plain = run_blocks(bus, MCTPM_SEAL_MODE_DECRYPT, cipher);
    const Bytes want_tag = hmac_sha256(keys.kmac.data(), 32, cipher);
    const Bytes tag = finish(bus, &want_tag);
    expect_bytes(plain, aes128_ctr(keys.kenc, iv, cipher), "DECRYPT output");
    expect_bytes(tag, want_tag, "TAG over DECRYPT input");
    if (!tag_match(bus)) fail("match is 0 for the right tag after DECRYPT");
    // Encrypting the plaintext again gives back the input and the same tag.
    derive(bus, rng, msg);
    set_iv(bus, iv);
    expect_bytes(run_blocks(bus, MCTPM_SEAL_MODE_ENCRYPT, plain), cipher, "ENCRYPT of DECRYPT output");
    expect_bytes(finish(bus), want_tag, "TAG of the re-encryption");
  }
  std::printf("DECRYPT: output == AES-128-CTR, TAG over the input, round trip with ENCRYPT\n");
}

// The unseal sequence of the README on a blob built like the firmware does.
void check_unseal(std::mt19937& rng) {
  const Secret secret = random_secret(rng);
  Bus bus(secret);
  wait_idle(bus, bus.reset_cycle());
  for (int n = 0; n < 8; ++n) {
    const Bytes kdf_msg = random_bytes(rng, 101);  // spec/management.md
    Bytes header = random_bytes(rng, 64);
    const Bytes nonce = random_bytes(rng, kBlock);
    header.insert(header.end(), nonce.begin(), nonce.end());
    const Bytes plain = random_bytes(rng, (1 + rng() % 40) * kBlock);

    // seal
    derive(bus, rng, kdf_msg);
    set_iv(bus, nonce);
    run_blocks(bus, MCTPM_SEAL_MODE_MAC_ONLY, header);
    const Bytes cipher = run_blocks(bus, MCTPM_SEAL_MODE_ENCRYPT, plain);
    const Bytes mac = finish(bus);
    const Keys keys = kdf(secret, kdf_msg);
    expect_bytes(mac, hmac_sha256(keys.kmac.data(), 32, concat(header, cipher)), "blob MAC");

    // unseal: MAC_ONLY over header || ciphertext, FINISH with EXPECT, then
    // DERIVE again and CRYPT_ONLY over the ciphertext.
    Bytes blob = concat(header, cipher);
    if (n % 2) blob[rng() % blob.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
    derive(bus, rng, kdf_msg);
    run_blocks(bus, MCTPM_SEAL_MODE_MAC_ONLY, blob);
    finish(bus, &mac);
    const bool match = tag_match(bus);
    if (match != (n % 2 == 0)) fail(n % 2 ? "tampered blob matched" : "intact blob did not match");
    derive(bus, rng, kdf_msg);
    set_iv(bus, nonce);
    const Bytes recovered = run_blocks(bus, MCTPM_SEAL_MODE_CRYPT_ONLY, Bytes(blob.begin() + 80, blob.end()));
    if (n % 2 == 0) expect_bytes(recovered, plain, "unsealed plaintext");
  }
  std::printf("unseal: MAC_ONLY + FINISH verifies, CRYPT_ONLY recovers; tampering detected\n");
}

// CRYPT_ONLY twice is the identity; MAC_ONLY passes data through and keeps
// IV; CRYPT_ONLY blocks between MAC blocks leave the MAC alone.
void check_mode_round_trip(std::mt19937& rng) {
  const Secret secret = random_secret(rng);
  Bus bus(secret);
  wait_idle(bus, bus.reset_cycle());
  for (int n = 0; n < 10; ++n) {
    const Bytes msg = random_bytes(rng, rng() % (kMsgSize + 1));
    const Keys keys = kdf(secret, msg);
    const Bytes iv = random_bytes(rng, kBlock);
    const Bytes data = random_bytes(rng, (1 + rng() % 20) * kBlock);
    derive(bus, rng, msg);
    set_iv(bus, iv);
    const Bytes enc = run_blocks(bus, MCTPM_SEAL_MODE_CRYPT_ONLY, data);
    expect_bytes(enc, aes128_ctr(keys.kenc, iv, data), "CRYPT_ONLY output");
    set_iv(bus, iv);
    expect_bytes(run_blocks(bus, MCTPM_SEAL_MODE_CRYPT_ONLY, enc), data, "CRYPT_ONLY twice");
    // The MAC saw nothing so far: the tag is HMAC(Kmac, "").
    expect_bytes(finish(bus), hmac_sha256(keys.kmac.data(), 32, Bytes()), "TAG after CRYPT_ONLY only");

    // Interleave: MAC_ONLY / CRYPT_ONLY / ENCRYPT at random.
    derive(bus, rng, msg);
    set_iv(bus, iv);
    Bytes maced;
    Bytes crypt_in;
    Bytes crypt_out;
    for (int b = 0; b < 24; ++b) {
      const Bytes in = random_bytes(rng, kBlock);
      const uint32_t mode = rng() % 3 == 0 ? MCTPM_SEAL_MODE_MAC_ONLY
                            : rng() % 2    ? MCTPM_SEAL_MODE_CRYPT_ONLY
                                           : MCTPM_SEAL_MODE_ENCRYPT;
      const Bytes out = run_blocks(bus, mode, in);
      if (mode == MCTPM_SEAL_MODE_MAC_ONLY) {
        expect_bytes(out, in, "MAC_ONLY passes data through");
        maced.insert(maced.end(), in.begin(), in.end());
      } else {
        crypt_in.insert(crypt_in.end(), in.begin(), in.end());
        crypt_out.insert(crypt_out.end(), out.begin(), out.end());
        if (mode == MCTPM_SEAL_MODE_ENCRYPT) maced.insert(maced.end(), out.begin(), out.end());
      }
    }
    expect_bytes(crypt_out, aes128_ctr(keys.kenc, iv, crypt_in), "keystream over mixed modes");
    expect_bytes(finish(bus), hmac_sha256(keys.kmac.data(), 32, maced), "TAG over mixed modes");
  }
  std::printf("CRYPT_ONLY / MAC_ONLY / ENCRYPT round trips match OpenSSL\n");
}

void check_iv_wrap(std::mt19937& rng) {
  const Secret secret = random_secret(rng);
  Bus bus(secret);
  wait_idle(bus, bus.reset_cycle());
  const Bytes msg = random_bytes(rng, 101);
  const Keys keys = kdf(secret, msg);
  derive(bus, rng, msg);
  std::vector<Bytes> starts;
  Bytes iv = random_bytes(rng, kBlock);
  for (int i = 12; i < 16; ++i) iv[i] = 0xff;
  iv[15] = 0xfd;  // low 32 bits wrap after 3 blocks
  starts.push_back(iv);
  Bytes carry64 = random_bytes(rng, kBlock);
  for (int i = 8; i < 16; ++i) carry64[i] = 0xff;  // carry into the upper half
  carry64[15] = 0xfe;
  starts.push_back(carry64);
  starts.push_back(Bytes(kBlock, 0xff));  // 2^128 - 1: wraps to 0
  Bytes all_but = Bytes(kBlock, 0xff);
  all_but[15] = 0xfc;
  starts.push_back(all_but);
  for (const Bytes& start : starts) {
    const Bytes data = random_bytes(rng, 6 * kBlock);
    set_iv(bus, start);
    const Bytes out = run_blocks(bus, MCTPM_SEAL_MODE_CRYPT_ONLY, data);
    expect_bytes(out, aes128_ctr(keys.kenc, start, data), "CTR across a wrap from " + hex(start));
    expect_bytes(get_iv(bus), iv_plus(start, 6), "IV after the wrap from " + hex(start));
  }
  if (get_iv(bus) != iv_plus(Bytes(kBlock, 0), 2)) fail("2^128 - 4 + 6 is not 2");
  std::printf("IV increments as a 128-bit big-endian counter across 2^32, 2^64 and 2^128\n");
}

void check_tag_match(std::mt19937& rng) {
  const Secret secret = random_secret(rng);
  Bus bus(secret);
  wait_idle(bus, bus.reset_cycle());
  const Bytes msg = random_bytes(rng, 101);
  const Bytes data = random_bytes(rng, 5 * kBlock);
  const Keys keys = kdf(secret, msg);
  const Bytes iv = random_bytes(rng, kBlock);
  const Bytes right = hmac_sha256(keys.kmac.data(), 32, aes128_ctr(keys.kenc, iv, data));
  unsigned false_matches = 0;
  for (int flip = -1; flip < 256; ++flip) {
    Bytes expect = right;
    if (flip >= 0) expect[flip / 8] ^= static_cast<uint8_t>(1u << (flip % 8));
    derive(bus, rng, msg);
    set_iv(bus, iv);
    run_blocks(bus, MCTPM_SEAL_MODE_ENCRYPT, data);
    const Bytes tag = finish(bus, &expect);
    if (tag != right) fail("TAG differs from OpenSSL");
    const bool match = tag_match(bus);
    if (flip < 0 && !match) fail("match is 0 for the right tag");
    if (flip >= 0 && match) {
      ++false_matches;
      fail("match is 1 with bit " + std::to_string(flip) + " of EXPECT flipped");
    }
  }
  // The match bit belongs to the last FINISH only.
  derive(bus, rng, msg);
  if (tag_match(bus)) fail("match still 1 after DERIVE");
  std::printf("match: 1 for the right tag, 0 for all 256 single-bit flips (%u false)\n",
              false_matches);
}

// FINISH closes the MAC; the next MAC-ing BLOCK or FINISH starts a new HMAC
// with the same Kmac. Keys stay valid.
void check_finish_restart(std::mt19937& rng) {
  const Secret secret = random_secret(rng);
  Bus bus(secret);
  wait_idle(bus, bus.reset_cycle());
  const Bytes msg = random_bytes(rng, 64);
  const Keys keys = kdf(secret, msg);
  derive(bus, rng, msg);
  expect_bytes(finish(bus), hmac_sha256(keys.kmac.data(), 32, Bytes()), "FINISH right after DERIVE");
  expect_bytes(finish(bus), hmac_sha256(keys.kmac.data(), 32, Bytes()), "FINISH after FINISH");
  for (size_t blocks : {1u, 4u, 7u}) {
    const Bytes data = random_bytes(rng, blocks * kBlock);
    run_blocks(bus, MCTPM_SEAL_MODE_MAC_ONLY, data);
    expect_bytes(finish(bus), hmac_sha256(keys.kmac.data(), 32, data), "MAC after a FINISH");
  }
  if (!keys_valid(bus)) fail("keys invalid after FINISH");
  std::printf("FINISH restarts the MAC under the same Kmac\n");
}

bool all_zero(const Bytes& b) {
  return std::all_of(b.begin(), b.end(), [](uint8_t v) { return v == 0; });
}

void check_clear(std::mt19937& rng) {
  const Secret secret = random_secret(rng);
  Bus bus(secret);
  wait_idle(bus, bus.reset_cycle());
  const Bytes msg = random_bytes(rng, 101);
  derive(bus, rng, msg);
  set_iv(bus, random_bytes(rng, kBlock));
  run_blocks(bus, MCTPM_SEAL_MODE_ENCRYPT, random_bytes(rng, 3 * kBlock));
  put_words(bus, MCTPM_SEAL_EXPECT, random_bytes(rng, kTag).data(), kTag);
  finish(bus);
  command(bus, MCTPM_SEAL_CTRL_CLEAR);
  const uint32_t st = status(bus);
  if (st & (MCTPM_SEAL_STATUS_KEYS | MCTPM_SEAL_STATUS_MATCH)) fail("keys or match after CLEAR");
  if (!all_zero(get_iv(bus))) fail("IV not zero after CLEAR");
  if (!all_zero(get_words(bus, MCTPM_SEAL_DATA_OUT, kBlock))) fail("DATA not zero after CLEAR");
  if (!all_zero(get_words(bus, MCTPM_SEAL_TAG, kTag))) fail("TAG not zero after CLEAR");
  if (!all_zero(get_words(bus, MCTPM_SEAL_MSG, kMsgSize))) fail("MSG not zero after CLEAR");
  // Refused without keys: BLOCK and FINISH change nothing and never go busy.
  const Bytes in = random_bytes(rng, kBlock);
  put_words(bus, MCTPM_SEAL_DATA_IN, in.data(), kBlock);
  for (uint32_t mode = 0; mode < 4; ++mode) {
    bus.write(MCTPM_SEAL_MODE, mode);
    bus.write(MCTPM_SEAL_CTRL, MCTPM_SEAL_CTRL_BLOCK);
    if (status(bus) & MCTPM_SEAL_STATUS_BUSY) fail("BLOCK without keys started");
    expect_bytes(get_words(bus, MCTPM_SEAL_DATA_OUT, kBlock), in, "DATA after a refused BLOCK");
    if (!all_zero(get_iv(bus))) fail("IV moved on a refused BLOCK");
  }
  bus.write(MCTPM_SEAL_CTRL, MCTPM_SEAL_CTRL_FINISH);
  if (status(bus) & (MCTPM_SEAL_STATUS_BUSY | MCTPM_SEAL_STATUS_MATCH)) fail("FINISH without keys ran");
  if (!all_zero(get_words(bus, MCTPM_SEAL_TAG, kTag))) fail("TAG after a refused FINISH");
  // The engine works again after a new DERIVE.
  const Keys keys = kdf(secret, msg);
  derive(bus, rng, msg);
  const Bytes iv = random_bytes(rng, kBlock);
  set_iv(bus, iv);
  const Bytes data = random_bytes(rng, 2 * kBlock);
  const Bytes out = run_blocks(bus, MCTPM_SEAL_MODE_ENCRYPT, data);
  expect_bytes(out, aes128_ctr(keys.kenc, iv, data), "ENCRYPT after CLEAR + DERIVE");
  expect_bytes(finish(bus), hmac_sha256(keys.kmac.data(), 32, out), "TAG after CLEAR + DERIVE");
  std::printf("CLEAR: keys invalid, registers zero, BLOCK/FINISH refused until DERIVE\n");
}

void check_no_secret(std::mt19937& rng) {
  Bus bus(Secret{});
  const unsigned cycles = wait_idle(bus, bus.reset_cycle());
  const uint32_t st = status(bus);
  if (st & (MCTPM_SEAL_STATUS_SECRET | MCTPM_SEAL_STATUS_ID | MCTPM_SEAL_STATUS_KEYS)) {
    fail("secret 0: STATUS " + std::to_string(st));
  }
  if (!all_zero(get_words(bus, MCTPM_SEAL_DEVICE_ID, 8))) fail("secret 0: DEVICE_ID not zero");
  const Bytes msg = random_bytes(rng, 101);
  put_words(bus, MCTPM_SEAL_MSG, msg.data(), msg.size());
  bus.write(MCTPM_SEAL_MSG_LEN, static_cast<uint32_t>(msg.size()));
  bus.write(MCTPM_SEAL_CTRL, MCTPM_SEAL_CTRL_DERIVE);
  if (status(bus) & (MCTPM_SEAL_STATUS_BUSY | MCTPM_SEAL_STATUS_KEYS)) fail("DERIVE ran without a secret");
  bus.idle(3000);
  if (keys_valid(bus)) fail("keys valid without a secret");
  const Bytes in = random_bytes(rng, kBlock);
  put_words(bus, MCTPM_SEAL_DATA_IN, in.data(), kBlock);
  bus.write(MCTPM_SEAL_MODE, MCTPM_SEAL_MODE_ENCRYPT);
  bus.write(MCTPM_SEAL_CTRL, MCTPM_SEAL_CTRL_BLOCK);
  if (status(bus) & MCTPM_SEAL_STATUS_BUSY) fail("BLOCK ran without a secret");
  expect_bytes(get_words(bus, MCTPM_SEAL_DATA_OUT, kBlock), in, "DATA without a secret");
  expect_bytes(get_words(bus, MCTPM_SEAL_MSG, msg.size()), msg, "MSG kept after a refused DERIVE");
  std::printf("secret 0: no device id (reset busy %u cycles), DERIVE/BLOCK refused\n", cycles);
}

// Every word of the 4 KiB window is read in every state of a seal; none may
// carry a 32-bit piece of the secret, Kmac or Kenc (either byte order), and
// every offset outside the register map reads 0.
void check_no_key_leak(std::mt19937& rng) {
  const Secret secret = random_secret(rng);
  const Bytes msg = random_bytes(rng, 101);
  const Keys keys = kdf(secret, msg);
  std::set<uint32_t> forbidden;
  auto add_words = [&](const uint8_t* p, size_t n) {
    for (size_t i = 0; i + 4 <= n; ++i) {
      forbidden.insert(uint32_t{p[i]} | uint32_t{p[i + 1]} << 8 | uint32_t{p[i + 2]} << 16 |
                       uint32_t{p[i + 3]} << 24);
      forbidden.insert(uint32_t{p[i]} << 24 | uint32_t{p[i + 1]} << 16 | uint32_t{p[i + 2]} << 8 |
                       uint32_t{p[i + 3]});
    }
  };
  add_words(secret.data(), secret.size());
  add_words(keys.kmac.data(), keys.kmac.size());
  add_words(keys.kenc.data(), keys.kenc.size());

  auto defined = [](uint32_t off, bool* readable) {
    struct Range { uint32_t base, size; bool readable; };
    static const Range kRanges[] = {
        {MCTPM_REG_NAME0, 4, true},        {MCTPM_REG_NAME1, 4, true},
        {MCTPM_REG_VERSION, 4, true},      {MCTPM_SEAL_CTRL, 4, false},
        {MCTPM_SEAL_STATUS, 4, true},      {MCTPM_SEAL_MODE, 4, true},
        {MCTPM_SEAL_MSG_LEN, 4, true},     {MCTPM_SEAL_IV, 16, true},
        {MCTPM_SEAL_DATA_IN, 16, false},   {MCTPM_SEAL_DATA_OUT, 16, true},
        {MCTPM_SEAL_TAG, 32, true},        {MCTPM_SEAL_EXPECT, 32, false},
        {MCTPM_SEAL_DEVICE_ID, 8, true},   {MCTPM_SEAL_MSG, MCTPM_SEAL_MSG_SIZE, true},
    };
    for (const Range& r : kRanges) {
      if (off >= r.base && off < r.base + r.size) {
        *readable = r.readable;
        return true;
      }
    }
    return false;
  };

  Bus bus(secret);
  unsigned sweeps = 0;
  auto sweep = [&](const char* when) {
    for (uint32_t off = 0; off < kWindow; off += 4) {
      const uint32_t v = bus.read(off);
      bool readable = false;
      if (!defined(off, &readable) || !readable) {
        if (v != 0) fail(std::string(when) + ": offset " + std::to_string(off) + " reads nonzero");
      } else if (v != 0 && forbidden.count(v)) {
        fail(std::string(when) + ": offset " + std::to_string(off) + " shows key material");
      }
    }
    ++sweeps;
  };
  sweep("during the reset program");
  wait_idle(bus, bus.reset_cycle());
  sweep("after reset");
  derive(bus, rng, msg);
  sweep("after DERIVE");
  set_iv(bus, random_bytes(rng, kBlock));
  run_blocks(bus, MCTPM_SEAL_MODE_ENCRYPT, random_bytes(rng, 3 * kBlock));
  sweep("mid-MAC");
  finish(bus);
  sweep("after FINISH");
  // While busy: a sweep with DERIVE running (STATUS busy, reads 0 elsewhere).
  bus.write(MCTPM_SEAL_CTRL, MCTPM_SEAL_CTRL_DERIVE);
  for (uint32_t off = 0x10; off < 0x200; off += 4) {
    const uint32_t v = bus.read(off);
    if (off == MCTPM_SEAL_STATUS) {
      if (!(v & MCTPM_SEAL_STATUS_BUSY)) fail("sweep while busy finished too early");
    } else if (v != 0) {
      fail("offset " + std::to_string(off) + " reads nonzero while busy");
    }
  }
  wait_idle(bus, bus.cycle());
  command(bus, MCTPM_SEAL_CTRL_CLEAR);
  sweep("after CLEAR");
  std::printf("%u sweeps of the window: no key material, undefined and write-only offsets read 0\n",
              sweeps);
}

// Writes while busy are ignored (the result still matches OpenSSL); reads
// other than STATUS/NAME/VERSION return 0 while busy.
void check_busy_accesses(std::mt19937& rng) {
  const Secret secret = random_secret(rng);
  Bus bus(secret);
  // Writes during the reset program do not disturb the device id.
  bus.write(MCTPM_SEAL_CTRL, MCTPM_SEAL_CTRL_CLEAR | MCTPM_SEAL_CTRL_DERIVE);
  bus.write(MCTPM_SEAL_MSG, 0x12345678);
  wait_idle(bus, bus.reset_cycle());
  expect_bytes(get_words(bus, MCTPM_SEAL_DEVICE_ID, 8), device_id(secret), "DEVICE_ID with writes during reset");
  if (bus.read(MCTPM_SEAL_MSG) != 0) fail("MSG write during the reset program landed");

  const Bytes msg = random_bytes(rng, 1 + rng() % kMsgSize);
  const Keys keys = kdf(secret, msg);
  const Bytes iv = random_bytes(rng, kBlock);
  const Bytes data = random_bytes(rng, 8 * kBlock);
  const Bytes expect = random_bytes(rng, kTag);
  unsigned landed = 0;
  auto poke = [&](unsigned k) {
    // One access of each kind, on a varying cycle of the busy period.
    bus.idle(k % 40);
    if (!(status(bus) & MCTPM_SEAL_STATUS_BUSY)) return;
    switch (k % 9) {
      case 0: bus.write(MCTPM_SEAL_CTRL, 1u << (k % 4)); break;
      case 1: bus.write(MCTPM_SEAL_MODE, rng()); break;
      case 2: bus.write(MCTPM_SEAL_MSG_LEN, rng()); break;
      case 3: bus.write(MCTPM_SEAL_IV + 4 * (rng() % 4), rng()); break;
      case 4: bus.write(MCTPM_SEAL_DATA_IN + 4 * (rng() % 4), rng()); break;
      case 5: bus.write(MCTPM_SEAL_EXPECT + 4 * (rng() % 8), rng()); break;
      case 6: bus.write(MCTPM_SEAL_MSG + 4 * (rng() % 32), rng()); break;
      case 7:
        if (bus.read(MCTPM_SEAL_DATA_OUT + 4 * (rng() % 4)) != 0) fail("DATA_OUT read while busy");
        break;
      default:
        if (bus.read(MCTPM_SEAL_IV + 4 * (rng() % 4)) != 0) fail("IV read while busy");
    }
    ++landed;
  };
  unsigned k = 0;
  put_words(bus, MCTPM_SEAL_MSG, msg.data(), msg.size());
  bus.write(MCTPM_SEAL_MSG_LEN, static_cast<uint32_t>(msg.size()));
  bus.write(MCTPM_SEAL_CTRL, MCTPM_SEAL_CTRL_DERIVE);
  for (int i = 0; i < 20; ++i) poke(k++);
  wait_idle(bus, bus.cycle());
  set_iv(bus, iv);
  bus.write(MCTPM_SEAL_MODE, MCTPM_SEAL_MODE_ENCRYPT);
  Bytes cipher;
  for (size_t off = 0; off < data.size(); off += kBlock) {
    put_words(bus, MCTPM_SEAL_DATA_IN, &data[off], kBlock);
    bus.write(MCTPM_SEAL_CTRL, MCTPM_SEAL_CTRL_BLOCK);
    poke(k++);
    wait_idle(bus, bus.cycle());
    const Bytes o = get_words(bus, MCTPM_SEAL_DATA_OUT, kBlock);
    cipher.insert(cipher.end(), o.begin(), o.end());
  }
  const Bytes want_tag = hmac_sha256(keys.kmac.data(), 32, cipher);
  put_words(bus, MCTPM_SEAL_EXPECT, want_tag.data(), kTag);
  bus.write(MCTPM_SEAL_CTRL, MCTPM_SEAL_CTRL_FINISH);
  for (int i = 0; i < 6; ++i) poke(k++);
  wait_idle(bus, bus.cycle());
  expect_bytes(cipher, aes128_ctr(keys.kenc, iv, data), "ciphertext with accesses while busy");
  expect_bytes(get_words(bus, MCTPM_SEAL_TAG, kTag), want_tag, "TAG with accesses while busy");
  if (!tag_match(bus)) fail("match lost to writes while busy");
  std::printf("%u accesses while busy: ignored\n", landed);
  if (landed < 20) fail("too few accesses landed while busy");
}

void check_registers(std::mt19937& rng) {
  Bus bus(random_secret(rng));
  wait_idle(bus, bus.reset_cycle());
  for (uint32_t mode = 0; mode < 4; ++mode) {
    bus.write(MCTPM_SEAL_MODE, mode | 0xfffffff0u);
    if (bus.read(MCTPM_SEAL_MODE) != mode) fail("MODE does not read back " + std::to_string(mode));
  }
  for (uint32_t len : {0u, 1u, 101u, 127u, 128u}) {
    bus.write(MCTPM_SEAL_MSG_LEN, len);
    if (bus.read(MCTPM_SEAL_MSG_LEN) != len) fail("MSG_LEN does not read back " + std::to_string(len));
  }
  for (uint32_t len : {129u, 255u, 256u, 0x80000000u, 0xffffffffu}) {
    bus.write(MCTPM_SEAL_MSG_LEN, len);
    if (bus.read(MCTPM_SEAL_MSG_LEN) != kMsgSize) fail("MSG_LEN " + std::to_string(len) + " not clamped");
  }
  // IV and MSG: whole words and byte strobes.
  auto strobed = [&](uint32_t base, unsigned words) {
    std::vector<uint32_t> model(words);
    for (unsigned i = 0; i < words; ++i) {
      model[i] = rng();
      bus.write(base + 4 * i, model[i]);
    }
    for (unsigned i = 0; i < words; ++i) {
      for (uint8_t strb = 0; strb < 16; ++strb) {
        const uint32_t v = rng();
        bus.write(base + 4 * i, v, strb);
        uint32_t mask = 0;
        for (int b = 0; b < 4; ++b) {
          if (strb & (1u << b)) mask |= 0xffu << (8 * b);
        }
        model[i] = (model[i] & ~mask) | (v & mask);
      }
    }
    for (unsigned i = 0; i < words; ++i) {
      if (bus.read(base + 4 * i) != model[i]) fail("word " + std::to_string(i) + " at " + std::to_string(base) + " does not read back");
    }
  };
  strobed(MCTPM_SEAL_IV, 4);
  strobed(MCTPM_SEAL_MSG, kMsgSize / 4);
  // DATA_IN is write-only; DATA_OUT shows it until a BLOCK replaces it.
  const Bytes in = random_bytes(rng, kBlock);
  put_words(bus, MCTPM_SEAL_DATA_IN, in.data(), kBlock);
  if (!all_zero(get_words(bus, MCTPM_SEAL_DATA_IN, kBlock))) fail("DATA_IN reads nonzero");
  expect_bytes(get_words(bus, MCTPM_SEAL_DATA_OUT, kBlock), in, "DATA_OUT before BLOCK");
  // EXPECT is write-only, TAG reads 0 until a FINISH.
  put_words(bus, MCTPM_SEAL_EXPECT, random_bytes(rng, kTag).data(), kTag);
  if (!all_zero(get_words(bus, MCTPM_SEAL_EXPECT, kTag))) fail("EXPECT reads nonzero");
  if (!all_zero(get_words(bus, MCTPM_SEAL_TAG, kTag))) fail("TAG reads nonzero before FINISH");
  if (bus.read(MCTPM_SEAL_CTRL) != 0) fail("CTRL reads nonzero");
  std::printf("MODE, MSG_LEN (clamped to %zu), IV, MSG read back; write-only registers read 0\n",
              kMsgSize);
}

void check_cycles(std::mt19937& rng) {
  const Secret secret = random_secret(rng);
  Bus bus(secret);
  const unsigned reset = wait_idle(bus, bus.reset_cycle());
  const Bytes msg = random_bytes(rng, 101);
  const Keys keys = kdf(secret, msg);
  const unsigned derive_101 = derive(bus, rng, msg);
  const unsigned derive_0 = derive(bus, rng, Bytes());
  const unsigned derive_128 = derive(bus, rng, random_bytes(rng, kMsgSize));
  derive(bus, rng, msg);
  const Bytes iv = random_bytes(rng, kBlock);
  set_iv(bus, iv);
  unsigned crypt = 0;
  const Bytes data = random_bytes(rng, 4 * kBlock);
  const Bytes ct = run_blocks(bus, MCTPM_SEAL_MODE_CRYPT_ONLY, data, &crypt);
  // ENCRYPT: blocks 1-3 absorb only, block 4 compresses.
  set_iv(bus, iv);
  bus.write(MCTPM_SEAL_MODE, MCTPM_SEAL_MODE_ENCRYPT);
  std::vector<unsigned> enc;
  Bytes cipher;
  for (size_t off = 0; off < data.size(); off += kBlock) {
    put_words(bus, MCTPM_SEAL_DATA_IN, &data[off], kBlock);
    enc.push_back(command(bus, MCTPM_SEAL_CTRL_BLOCK));
    const Bytes o = get_words(bus, MCTPM_SEAL_DATA_OUT, kBlock);
    cipher.insert(cipher.end(), o.begin(), o.end());
  }
  unsigned mac_only = 0;
  run_blocks(bus, MCTPM_SEAL_MODE_MAC_ONLY, random_bytes(rng, kBlock), &mac_only);
  bus.write(MCTPM_SEAL_CTRL, MCTPM_SEAL_CTRL_FINISH);
  const unsigned fin = wait_idle(bus, bus.cycle());
  const unsigned fin_restart = command(bus, MCTPM_SEAL_CTRL_FINISH);
  const unsigned clear = command(bus, MCTPM_SEAL_CTRL_CLEAR);
  expect_bytes(cipher, aes128_ctr(keys.kenc, iv, data), "cycle test ciphertext");
  expect_bytes(ct, cipher, "CRYPT_ONLY vs ENCRYPT keystream");

  // Cycles are from the edge that took the CTRL write to the STATUS read
  // that saw busy = 0; each STATUS poll is 2 cycles, so these are exact to
  // within one cycle of the engine's own busy time.
  std::printf("cycles (CTRL write to STATUS not busy, polling):\n"
              "  reset + DEVICE_ID  %u\n  DERIVE MSG_LEN 0   %u\n  DERIVE MSG_LEN 101 %u\n"
              "  DERIVE MSG_LEN 128 %u\n  BLOCK CRYPT_ONLY   %u\n"
              "  BLOCK ENCRYPT      %u (absorb only) / %u (4th block: MAC compression)\n"
              "  BLOCK MAC_ONLY     %u\n  FINISH             %u\n"
              "  FINISH after FINISH (restart) %u\n  CLEAR              %u\n",
              reset, derive_0, derive_101, derive_128, crypt, enc[0], enc[3], mac_only, fin,
              fin_restart, clear);
  // Budgets: the measured values rounded up (rtl/seal/README.md); a change
  // that makes the engine slower must update them consciously.
  const struct { const char* what; unsigned got, budget; } budgets[] = {
      {"reset", reset, 600},          {"DERIVE 101", derive_101, 1000},
      {"DERIVE 128", derive_128, 1200}, {"BLOCK CRYPT_ONLY", crypt, 16},
      {"BLOCK ENCRYPT", enc[0], 22},   {"BLOCK ENCRYPT + compress", enc[3], 88},
      {"FINISH", fin, 360},
  };
  for (const auto& b : budgets) {
    if (b.got > b.budget) fail(std::string(b.what) + " takes " + std::to_string(b.got) +
                               " cycles, budget " + std::to_string(b.budget));
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::map<std::string, void (*)(std::mt19937&)> checks = {
      {"identity", check_identity},
      {"device-id", check_device_id},
      {"encrypt", check_encrypt},
      {"decrypt", check_decrypt},
      {"unseal", check_unseal},
      {"mode-round-trip", check_mode_round_trip},
      {"iv-wrap", check_iv_wrap},
      {"tag-match", check_tag_match},
      {"finish-restart", check_finish_restart},
      {"clear", check_clear},
      {"no-secret", check_no_secret},
      {"no-key-leak", check_no_key_leak},
      {"busy-accesses", check_busy_accesses},
      {"registers", check_registers},
      {"cycles", check_cycles},
  };
  if (argc < 2 || !checks.count(argv[1])) {
    std::fprintf(stderr, "usage: %s CHECK [SEED]; CHECK is one of:", argv[0]);
    for (const auto& c : checks) std::fprintf(stderr, " %s", c.first.c_str());
    std::fprintf(stderr, "\n");
    return 2;
  }
  const unsigned long seed = argc > 2 ? std::strtoul(argv[2], nullptr, 0) : 0x5ea1;
  std::printf("seal %s: seed %#lx (pass it as the second argument to reproduce)\n", argv[1], seed);
  std::mt19937 rng(static_cast<std::mt19937::result_type>(seed));
  checks.at(argv[1])(rng);
  if (g_errors) {
    std::printf("seal %s: %u error(s)\n", argv[1], g_errors);
    return 1;
  }
  std::printf("seal %s: PASS\n", argv[1]);
  return 0;
}
