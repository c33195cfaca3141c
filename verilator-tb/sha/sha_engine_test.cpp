// Block-level test of the SHA-256 and SHA-1 engines (rtl/sha256, rtl/sha1).
//
// Drives the engine's bus wrapper cycle by cycle with the common peripheral
// bus protocol (checking the protocol on every cycle), pads messages here the
// way firmware will, and compares every digest with OpenSSL's EVP digest.
// Built once per engine: MCTPM_SHA_ALGO is 256 or 1.
//
// Usage: <binary> CHECK [SEED]
//   CHECK: digests | interleave | busy-writes | state-registers | cycles | identity
//   SEED:  random seed (default printed; pass it back to reproduce a failure)
#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "../common/peripheral_bus.h"
#include "soc_map.h"
#include "verilated.h"

#if MCTPM_SHA_ALGO == 256
#include "Vsha256.h"
using Engine = Vsha256;
namespace algo {
constexpr const char* kLabel = "SHA-256";
constexpr const char* kName = "sha256  ";
constexpr unsigned kStateWords = 8;
constexpr unsigned kMaxCyclesPerBlock = 65;
constexpr unsigned kCoreCycles = 64;  // start edge to final addition (rtl/sha256/README.md)
// FIPS 180-4 5.3.3
constexpr std::array<uint32_t, kStateWords> kIv = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
const EVP_MD* md() { return EVP_sha256(); }
}  // namespace algo
#elif MCTPM_SHA_ALGO == 1
#include "Vsha1.h"
using Engine = Vsha1;
namespace algo {
constexpr const char* kLabel = "SHA-1";
constexpr const char* kName = "sha1    ";
constexpr unsigned kStateWords = 5;
constexpr unsigned kMaxCyclesPerBlock = 85;
constexpr unsigned kCoreCycles = 80;  // start edge to final addition (rtl/sha1/README.md)
// FIPS 180-4 5.3.1
constexpr std::array<uint32_t, kStateWords> kIv = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476,
                                                   0xc3d2e1f0};
const EVP_MD* md() { return EVP_sha1(); }
}  // namespace algo
#else
#error "MCTPM_SHA_ALGO must be 256 or 1"
#endif

namespace {

using Bytes = std::vector<uint8_t>;
using State = std::array<uint32_t, algo::kStateWords>;

constexpr uint32_t kVersion = 0x00010000;  // what the RTL reports, 1.0
constexpr unsigned kBlockWords = 16;

unsigned g_errors = 0;

void fail(const std::string& what) {
  if (g_errors < 20) std::fprintf(stderr, "FAIL: %s\n", what.c_str());
  ++g_errors;
}

std::string hex(const Bytes& b) {
  std::string s;
  char buf[3];
  for (uint8_t v : b) {
    std::snprintf(buf, sizeof buf, "%02x", v);
    s += buf;
  }
  return s;
}

// FIPS 180-4 5.1.1 padding (same for SHA-1 and SHA-256): 0x80, zeros up to
// 56 mod 64, then the message length in bits as a 64-bit big-endian number.
Bytes pad_message(const Bytes& msg) {
  Bytes out(msg);
  out.push_back(0x80);
  while (out.size() % 64 != 56) out.push_back(0x00);
  const uint64_t bits = static_cast<uint64_t>(msg.size()) * 8;
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(bits >> shift));
  return out;
}

Bytes openssl_digest(const Bytes& msg) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned len = 0;
  if (EVP_Digest(msg.data(), msg.size(), out.data(), &len, algo::md(), nullptr) != 1) {
    fail("EVP_Digest failed");
  }
  out.resize(len);
  return out;
}

Bytes random_bytes(std::mt19937& rng, size_t n) {
  Bytes b(n);
  for (auto& v : b) v = static_cast<uint8_t>(rng());
  return b;
}

// The engine behind its bus wrapper, driven one clock at a time.
class Bus : public PeripheralBus<Engine> {
 public:
  Bus() : PeripheralBus(fail) { idle(1); }
};

// ---- the programming sequence firmware uses (README.md of the engines) ----

void write_state(Bus& bus, const State& s) {
  for (unsigned i = 0; i < s.size(); ++i) bus.write(MCTPM_SHA_STATE + 4 * i, s[i]);
}

State read_state(Bus& bus) {
  State s{};
  for (unsigned i = 0; i < s.size(); ++i) s[i] = bus.read(MCTPM_SHA_STATE + 4 * i);
  return s;
}

void write_block(Bus& bus, const uint8_t* p) {
  for (unsigned i = 0; i < kBlockWords; ++i) {
    const uint32_t w = uint32_t{p[4 * i]} << 24 | uint32_t{p[4 * i + 1]} << 16 |
                       uint32_t{p[4 * i + 2]} << 8 | uint32_t{p[4 * i + 3]};
    bus.write(MCTPM_SHA_BLOCK + 4 * i, w);
  }
}

// Starts a compression and polls STATUS.ready back to back. Returns the clock
// cycles from the edge that took the CTRL write to the edge of the STATUS
// read that reported ready. `while_busy` runs once right after the start.
unsigned compress(Bus& bus, const std::function<void()>& while_busy = nullptr) {
  bus.write(MCTPM_SHA_CTRL, 1);
  const uint64_t start = bus.cycle();
  if (while_busy) while_busy();
  for (;;) {
    if (bus.read(MCTPM_SHA_STATUS) & 1) break;
    if (bus.cycle() - start > 1000) {
      fail("engine never became ready");
      break;
    }
  }
  return static_cast<unsigned>(bus.cycle() - start);
}

Bytes state_to_digest(const State& s) {
  Bytes d;
  for (uint32_t w : s) {
    for (int shift = 24; shift >= 0; shift -= 8) d.push_back(static_cast<uint8_t>(w >> shift));
  }
  return d;
}

struct CycleStats {
  unsigned max_per_block = 0;
  uint64_t blocks = 0;
  uint64_t total = 0;  // includes bus transfers of blocks and state
};

Bytes engine_digest(Bus& bus, const Bytes& msg, CycleStats* stats = nullptr) {
  const Bytes padded = pad_message(msg);
  const uint64_t start = bus.cycle();
  write_state(bus, algo::kIv);
  for (size_t off = 0; off < padded.size(); off += 64) {
    write_block(bus, &padded[off]);
    const unsigned c = compress(bus);
    if (stats) {
      stats->max_per_block = std::max(stats->max_per_block, c);
      ++stats->blocks;
    }
  }
  const Bytes digest = state_to_digest(read_state(bus));
  if (stats) stats->total += bus.cycle() - start;
  return digest;
}

void expect_digest(const Bytes& msg, const Bytes& got, const std::string& what) {
  const Bytes want = openssl_digest(msg);
  if (got != want) {
    fail(what + " (" + std::to_string(msg.size()) + " bytes): engine " + hex(got) + ", OpenSSL " +
         hex(want));
  }
}

// ---- checks ----

void check_digests(std::mt19937& rng) {
  Bus bus;
  CycleStats stats;
  unsigned count = 0;
  for (size_t len = 0; len <= 300; ++len) {
    const Bytes msg = random_bytes(rng, len);
    expect_digest(msg, engine_digest(bus, msg, &stats), "random message");
    ++count;
  }
  for (size_t len : {1000u, 4096u, 65537u}) {
    const Bytes msg = random_bytes(rng, len);
    expect_digest(msg, engine_digest(bus, msg, &stats), "long message");
    ++count;
  }
  // Edge patterns: all-zero and all-one bytes across the padding boundaries.
  for (size_t len : {55u, 56u, 63u, 64u, 119u, 120u}) {
    for (uint8_t fill : {uint8_t{0x00}, uint8_t{0xff}}) {
      const Bytes msg(len, fill);
      expect_digest(msg, engine_digest(bus, msg, &stats), "constant message");
      ++count;
    }
  }
  std::printf("%s: %u messages, %llu blocks; compression %u cycles/block (max); "
              "%.1f cycles/block including bus transfers\n",
              algo::kLabel, count, static_cast<unsigned long long>(stats.blocks),
              stats.max_per_block, static_cast<double>(stats.total) / stats.blocks);
}

// Two hashes share one engine block by block: each keeps its chaining value
// outside the engine (as firmware keeps it in a context) and writes it back
// before its next block.
void check_interleave(std::mt19937& rng) {
  Bus bus;
  for (auto lens : {std::array<size_t, 2>{1000, 777}, std::array<size_t, 2>{0, 300},
                    std::array<size_t, 2>{64, 65}}) {
    const Bytes msg[2] = {random_bytes(rng, lens[0]), random_bytes(rng, lens[1])};
    const Bytes padded[2] = {pad_message(msg[0]), pad_message(msg[1])};
    State saved[2] = {algo::kIv, algo::kIv};
    size_t off[2] = {0, 0};
    while (off[0] < padded[0].size() || off[1] < padded[1].size()) {
      for (int h = 0; h < 2; ++h) {
        if (off[h] >= padded[h].size()) continue;
        write_state(bus, saved[h]);  // restore
        write_block(bus, &padded[h][off[h]]);
        compress(bus);
        saved[h] = read_state(bus);  // save
        off[h] += 64;
      }
    }
    expect_digest(msg[0], state_to_digest(saved[0]), "interleaved hash A");
    expect_digest(msg[1], state_to_digest(saved[1]), "interleaved hash B");
  }
  // A saved state survives the engine being used for a whole other hash.
  const Bytes msg = random_bytes(rng, 200);
  const Bytes padded = pad_message(msg);
  write_state(bus, algo::kIv);
  write_block(bus, &padded[0]);
  compress(bus);
  const State saved = read_state(bus);
  const Bytes other = random_bytes(rng, 500);
  expect_digest(other, engine_digest(bus, other), "hash run between save and restore");
  write_state(bus, saved);
  for (size_t off = 64; off < padded.size(); off += 64) {
    write_block(bus, &padded[off]);
    compress(bus);
  }
  expect_digest(msg, state_to_digest(read_state(bus)), "hash resumed from a saved state");
  std::printf("%s: interleaved hashes match OpenSSL\n", algo::kLabel);
}

// Writes to BLOCK, STATE and CTRL while the engine is busy must not change
// the result; STATE reads while busy return the state before the block. One
// access per block, swept over every edge of the compression on which a bus
// access can land (edge 0 takes the CTRL write, edge 1 its ack) up to the
// final addition, for each kind of access.
void check_busy_writes(std::mt19937& rng) {
  Bus bus;
  constexpr unsigned kKinds = 4;
  const unsigned blocks = (algo::kCoreCycles - 1) * kKinds;
  const Bytes msg = random_bytes(rng, 64 * blocks - 9);  // padding fits in the last block
  const Bytes padded = pad_message(msg);
  write_state(bus, algo::kIv);
  for (unsigned j = 0; j * 64 < padded.size(); ++j) {
    write_block(bus, &padded[64 * j]);
    const State before = read_state(bus);
    const unsigned edge = 2 + (j / kKinds) % (algo::kCoreCycles - 1);
    compress(bus, [&] {
      bus.idle(edge - 1);  // the access below lands on `edge`
      switch (j % kKinds) {
        case 0: bus.write(MCTPM_SHA_BLOCK + 4 * (rng() % kBlockWords), rng()); break;
        case 1: bus.write(MCTPM_SHA_STATE + 4 * (rng() % algo::kStateWords), rng()); break;
        case 2: bus.write(MCTPM_SHA_CTRL, 1); break;
        default: {
          const unsigned i = rng() % algo::kStateWords;
          if (bus.read(MCTPM_SHA_STATE + 4 * i) != before[i]) {
            fail("STATE read on edge " + std::to_string(edge) + " of the compression differs "
                 "from the state before the block");
          }
        }
      }
    });
  }
  expect_digest(msg, state_to_digest(read_state(bus)), "hash with accesses while busy");
  std::printf("%s: accesses while busy are ignored (%u blocks)\n", algo::kLabel, blocks);
}

// STATE words read back what was written, byte enables included; BLOCK and
// CTRL read as 0; words past the state read as 0.
void check_state_registers(std::mt19937& rng) {
  Bus bus;
  State s{};
  for (auto& w : s) w = rng();
  write_state(bus, s);
  if (read_state(bus) != s) fail("STATE does not read back what was written");
  for (unsigned i = 0; i < algo::kStateWords; ++i) {
    for (uint8_t strb = 0; strb < 16; ++strb) {
      const uint32_t v = rng();
      bus.write(MCTPM_SHA_STATE + 4 * i, v, strb);
      uint32_t mask = 0;
      for (int b = 0; b < 4; ++b) {
        if (strb & (1u << b)) mask |= 0xffu << (8 * b);
      }
      s[i] = (s[i] & ~mask) | (v & mask);
      const uint32_t got = bus.read(MCTPM_SHA_STATE + 4 * i);
      if (got != s[i]) {
        fail("STATE word " + std::to_string(i) + " with strobes " + std::to_string(strb) +
             ": read " + std::to_string(got) + ", want " + std::to_string(s[i]));
      }
    }
  }
  // Other state words are untouched by the strobed writes.
  if (read_state(bus) != s) fail("strobed writes disturbed other STATE words");
  for (unsigned i = algo::kStateWords; i < 8; ++i) {
    bus.write(MCTPM_SHA_STATE + 4 * i, 0xffffffff);
    if (bus.read(MCTPM_SHA_STATE + 4 * i) != 0) fail("word past the state does not read 0");
  }
  if (read_state(bus) != s) fail("writes past the state changed it");
  for (unsigned i = 0; i < kBlockWords; ++i) {
    bus.write(MCTPM_SHA_BLOCK + 4 * i, 0xa5a5a5a5);
    if (bus.read(MCTPM_SHA_BLOCK + 4 * i) != 0) fail("BLOCK does not read as 0");
  }
  if (bus.read(MCTPM_SHA_CTRL) != 0) fail("CTRL does not read as 0");
  std::printf("%s: state registers read back\n", algo::kLabel);
}

void check_cycles(std::mt19937& rng) {
  Bus bus;
  CycleStats stats;
  const Bytes msg = random_bytes(rng, 64 * 16);
  expect_digest(msg, engine_digest(bus, msg, &stats), "cycle budget message");
  std::printf("%s: %u cycles per block from CTRL write to STATUS.ready (budget %u); "
              "%.1f cycles/block including bus transfers\n",
              algo::kLabel, stats.max_per_block, algo::kMaxCyclesPerBlock,
              static_cast<double>(stats.total) / stats.blocks);
  if (stats.max_per_block > algo::kMaxCyclesPerBlock) fail("over the cycle budget");
}

void check_identity(std::mt19937&) {
  Bus bus;
  std::string name;
  for (uint32_t reg : {MCTPM_REG_NAME0, MCTPM_REG_NAME1}) {
    const uint32_t w = bus.read(reg);
    for (int shift = 24; shift >= 0; shift -= 8) name += static_cast<char>(w >> shift);
  }
  const uint32_t version = bus.read(MCTPM_REG_VERSION);
  std::printf("%s: NAME '%s', VERSION %u.%u\n", algo::kLabel, name.c_str(), version >> 16,
              version & 0xffff);
  if (name != algo::kName) fail("NAME is '" + name + "', want '" + algo::kName + "'");
  if (version != kVersion) fail("VERSION is " + std::to_string(version));
  if ((bus.read(MCTPM_SHA_STATUS) & 1) != 1) fail("not ready after reset");
}

}  // namespace

int main(int argc, char** argv) {
  const std::map<std::string, void (*)(std::mt19937&)> checks = {
      {"digests", check_digests},
      {"interleave", check_interleave},
      {"busy-writes", check_busy_writes},
      {"state-registers", check_state_registers},
      {"cycles", check_cycles},
      {"identity", check_identity},
  };
  if (argc < 2 || !checks.count(argv[1])) {
    std::fprintf(stderr, "usage: %s CHECK [SEED]; CHECK is one of:", argv[0]);
    for (const auto& c : checks) std::fprintf(stderr, " %s", c.first.c_str());
    std::fprintf(stderr, "\n");
    return 2;
  }
  const unsigned long seed = argc > 2 ? std::strtoul(argv[2], nullptr, 0) : 0x5eed5a1;
  std::printf("%s %s: seed %#lx (pass it as the second argument to reproduce)\n", algo::kLabel,
              argv[1], seed);
  std::mt19937 rng(static_cast<std::mt19937::result_type>(seed));
  checks.at(argv[1])(rng);
  if (g_errors) {
    std::printf("%s %s: %u error(s)\n", algo::kLabel, argv[1], g_errors);
    return 1;
  }
  std::printf("%s %s: PASS\n", algo::kLabel, argv[1]);
  return 0;
}
