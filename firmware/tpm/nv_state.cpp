// Tpm::nv in two alternating flash sectors (see nv_state.h for the scheme).
#include "tpm/nv_state.h"

#include "hal/clock.h"
#include "nv_layout.h"
#include "soc_map.h"

#include <string.h>

#include "crypto/sha.h"
#include "hal/nv.h"
#include "soc_map.h"
#include "tpm/command.h"
#include "tpm/marshal.h"

namespace tpm {
namespace nv_state {
namespace {

constexpr unsigned kSectors = 2;
const uint32_t kSectorOffset[kSectors] = {MCTPM_NV_TPM_STATE_A, MCTPM_NV_TPM_STATE_B};
static_assert(MCTPM_NV_TPM_STATE_A % hal::kNvSectorSize == 0, "sector A must be sector aligned");
static_assert(MCTPM_NV_TPM_STATE_B % hal::kNvSectorSize == 0, "sector B must be sector aligned");
static_assert(MCTPM_NV_TPM_STATE_A != MCTPM_NV_TPM_STATE_B, "the two sectors must differ");
static_assert(kRecordSize <= hal::kNvSectorSize, "a record must fit in a sector");

constexpr uint32_t kDigestAt = kHeaderSize + kPayloadSize;

struct Slot {
  bool valid;
  uint32_t seq;
};

void serialize(const NvState& nv, uint64_t clock, uint32_t seq, uint8_t (&rec)[kRecordSize]) {
  Writer w(rec, sizeof rec);
  w.u32(kMagic);
  w.u16(kFormatVersion);
  w.u16(static_cast<uint16_t>(kPayloadSize));
  w.u32(seq);
  w.u16(nv.orderly);
  w.u8(nv.ever_started ? 1 : 0);
  w.u32(nv.reset_count);
  w.u32(nv.restart_count);
  w.u64(clock);
  w.u32(nv.saved_pcr_update_counter);
  w.bytes(&nv.saved_sha1[0][0], sizeof nv.saved_sha1);
  w.bytes(&nv.saved_sha256[0][0], sizeof nv.saved_sha256);
  crypto::sha(crypto::HashAlg::Sha256, rec, kDigestAt, rec + kDigestAt);
}

// Checks framing and digest; fills `nv` only for a valid record. A record
// of another format version is not valid for this firmware.
bool parse(const uint8_t (&rec)[kRecordSize], uint32_t& seq, NvState* nv) {
  uint8_t digest[kSha256Size];
  crypto::sha(crypto::HashAlg::Sha256, rec, kDigestAt, digest);
  // Not constant-time: the digest is no secret, only an integrity check.
  if (memcmp(digest, rec + kDigestAt, sizeof digest) != 0) return false;
  Reader r(rec, kDigestAt);
  uint32_t magic = 0;
  uint16_t version = 0, payload_size = 0;
  r.u32(magic);
  r.u16(version);
  r.u16(payload_size);
  r.u32(seq);
  if (magic != kMagic || version != kFormatVersion || payload_size != kPayloadSize) return false;
  if (nv == nullptr) return true;
  uint8_t ever_started = 0;
  const uint8_t* p = nullptr;
  r.u16(nv->orderly);
  r.u8(ever_started);
  nv->ever_started = ever_started != 0;
  r.u32(nv->reset_count);
  r.u32(nv->restart_count);
  r.u64(nv->clock_ms);
  r.u32(nv->saved_pcr_update_counter);
  r.view(sizeof nv->saved_sha1, p);
  memcpy(nv->saved_sha1, p, sizeof nv->saved_sha1);
  r.view(sizeof nv->saved_sha256, p);
  memcpy(nv->saved_sha256, p, sizeof nv->saved_sha256);
  return true;
}

bool all_erased(const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != 0xFF) return false;
  }
  return true;
}

bool device_fits() {
  const uint32_t size = hal::nv_size();
  for (uint32_t off : kSectorOffset) {
    if (size < hal::kNvSectorSize || off > size - hal::kNvSectorSize) return false;
  }
  return true;
}

// Reads both sectors. False if the flash cannot be read. `newest` is the
// valid slot with the highest sequence number, or kSectors if none.
bool scan(Slot (&slots)[kSectors], unsigned& newest, bool* erased, NvState* nv) {
  uint8_t rec[kRecordSize];
  newest = kSectors;
  if (erased != nullptr) *erased = true;
  for (unsigned i = 0; i < kSectors; ++i) {
    if (!hal::nv_read(kSectorOffset[i], rec, sizeof rec)) return false;
    if (erased != nullptr && !all_erased(rec, sizeof rec)) *erased = false;
    NvState candidate;
    slots[i].valid = parse(rec, slots[i].seq, nv != nullptr ? &candidate : nullptr);
    if (slots[i].valid && (newest == kSectors || slots[i].seq > slots[newest].seq)) {
      newest = i;
      if (nv != nullptr) *nv = candidate;
    }
  }
  return true;
}

// Compares the flash with what was programmed, a chunk at a time.
bool read_back_matches(uint32_t offset, const uint8_t* expect, size_t n) {
  uint8_t chunk[64];
  for (size_t done = 0; done < n; done += sizeof chunk) {
    const size_t len = n - done < sizeof chunk ? n - done : sizeof chunk;
    if (!hal::nv_read(offset + done, chunk, len)) return false;
    if (memcmp(chunk, expect + done, len) != 0) return false;
  }
  return true;
}

}  // namespace

LoadResult load(Tpm& tpm) {
  Slot slots[kSectors];
  unsigned newest = kSectors;
  bool erased = false;
  NvState nv;
  if (!device_fits() || !scan(slots, newest, &erased, &nv)) {
    // Factory state in RAM, but never written over a flash that may still
    // hold the real state: commands that must save answer NV_UNAVAILABLE.
    tpm.nv_failed = true;
    tpm.clock_safe = false;
    return LoadResult::Unavailable;
  }
  tpm.nv_failed = false;
  if (newest == kSectors) {
    tpm.clock_safe = true;
    tpm.clock_saved_ms = clock_ms(tpm);
    return erased ? LoadResult::Erased : LoadResult::NoValid;
  }
  tpm.nv = nv;
  tpm.clock_saved_ms = nv.clock_ms;
  // After an orderly shutdown the record holds Clock as it stopped; otherwise
  // Clock may have run up to a save interval past it (Part 1, clock safe).
  tpm.clock_safe = nv.orderly != kOrderlyNone;
  return LoadResult::Loaded;
}

bool save(Tpm& tpm, const NvState& nv) {
  // A context's NvState leaves the chip in its sealed blob (EXIT), never in
  // the root TPM's sectors.
  if (is_context(tpm)) return true;
  if (tpm.nv_failed || !device_fits()) return false;
  Slot slots[kSectors];
  unsigned newest = kSectors;
  if (!scan(slots, newest, nullptr, nullptr)) return false;
  uint32_t seq = 1;
  if (newest != kSectors) {
    // 2^32 saves are far beyond the flash's endurance; refuse rather than wrap.
    if (slots[newest].seq == UINT32_MAX) return false;
    seq = slots[newest].seq + 1;
  }
  // The other sector: the newest record is never touched.
  const uint32_t target = kSectorOffset[newest == 0 ? 1 : 0];
  const uint64_t clock = clock_ms(tpm);
  uint8_t rec[kRecordSize];
  serialize(nv, clock, seq, rec);
  tpm.clock_saved_ms = clock;
  if (!hal::nv_erase_sector(target) || !hal::nv_program(target, rec, sizeof rec) ||
      !read_back_matches(target, rec, sizeof rec)) {
    return false;
  }
  return true;
}

void save_clock_if_due(Tpm& tpm) {
  if (tpm.nv_failed || is_context(tpm)) return;
  // Every command comes here: skip the 64-bit division of clock_ms() (about
  // 450 cycles on rv32im) until the next interval can have begun.
  const uint64_t now = hal::cycles();
  if (now < tpm.clock_check_cycles) return;
  constexpr uint64_t kMask = kClockSaveIntervalMs - 1;
  const uint64_t clock = clock_ms(tpm);
  if ((clock | kMask) <= (tpm.clock_saved_ms | kMask)) {
    const uint64_t ms_left = (tpm.clock_saved_ms | kMask) + 1 - clock;
    tpm.clock_check_cycles = now + ms_left * (MCTPM_SYS_CLOCK_HZ / 1000u);
    return;
  }
  // As in the reference implementation: once Clock is in the flash in a new
  // interval, it is past anything reported before a lost power cycle.
  if (save(tpm, tpm.nv)) tpm.clock_safe = true;
}

}  // namespace nv_state
}  // namespace tpm
