// The context table's append-only log (see context_log.h for the format).
#include "context/context_log.h"

#include <string.h>

#include "crypto/sha.h"
#include "hal/nv.h"
#include "nv_layout.h"

namespace context {
namespace {

constexpr uint32_t kSectorOffset[2] = {MCTPM_NV_CONTEXT_LOG_A, MCTPM_NV_CONTEXT_LOG_B};
static_assert(MCTPM_NV_CONTEXT_LOG_A % hal::kNvSectorSize == 0, "log sector A must be sector aligned");
static_assert(MCTPM_NV_CONTEXT_LOG_B % hal::kNvSectorSize == 0, "log sector B must be sector aligned");
static_assert(MCTPM_NV_CONTEXT_LOG_A != MCTPM_NV_CONTEXT_LOG_B, "the two log sectors must differ");
constexpr uint32_t kSlots = (hal::kNvSectorSize - kLogHeaderSize) / kLogRecordSize;
// A compaction writes every live entry, the next id and the new record.
static_assert(MCTPM_MGMT_MAX_CONTEXTS + 2 <= kSlots, "a compacted log must fit one sector");

struct Record {
  uint8_t type;
  uint32_t id;
  uint32_t value;
};

void put32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v >> 24);
  p[1] = uint8_t(v >> 16);
  p[2] = uint8_t(v >> 8);
  p[3] = uint8_t(v);
}
uint32_t get32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

MCTPM_COLD uint32_t check_of(const uint8_t* p12) {
  uint8_t d[crypto::kSha256DigestSize];
  crypto::sha(crypto::HashAlg::Sha256, p12, 12, d);
  return get32(d);
}

// Both the header and a record: 12 bytes then their check.
MCTPM_COLD void encode(uint8_t (&out)[kLogRecordSize], uint32_t w0, uint32_t w1, uint32_t w2) {
  put32(out, w0);
  put32(out + 4, w1);
  put32(out + 8, w2);
  put32(out + 12, check_of(out));
}

void encode_record(uint8_t (&out)[kLogRecordSize], const Record& r) {
  encode(out, uint32_t(r.type) << 24, r.id, r.value);
}

bool checked(const uint8_t* p) { return check_of(p) == get32(p + 12); }

bool erased(const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != 0xFF) return false;
  }
  return true;
}

MCTPM_COLD ContextEntry* find_mutable(ContextTable& t, uint32_t id) {
  for (uint32_t i = 0; i < t.live; ++i) {
    if (t.entries[i].id == id) return &t.entries[i];
  }
  return nullptr;
}

void bump_next_id(ContextTable& t, uint32_t id) {
  if (id != UINT32_MAX && id + 1 > t.next_id) t.next_id = id + 1;
}

// Whether r changes the table sensibly (append refuses records that do not).
MCTPM_COLD bool applicable(const ContextTable& t, const Record& r) {
  switch (r.type) {
    case kRecordLaunch:
    case kRecordEntry:
      return r.id != 0 && (find(t, r.id) != nullptr || t.live < MCTPM_MGMT_MAX_CONTEXTS);
    case kRecordCommit: {
      const ContextEntry* e = find(t, r.id);
      return e != nullptr && r.value > e->committed;
    }
    case kRecordClear:
      return find(t, r.id) != nullptr;
    case kRecordNextId:
      return true;
    default:
      return false;
  }
}

MCTPM_COLD void apply(ContextTable& t, const Record& r) {
  if (!applicable(t, r)) return;  // replay: a record that makes no sense is ignored
  ContextEntry* e = find_mutable(t, r.id);
  switch (r.type) {
    case kRecordLaunch:
    case kRecordEntry:
      if (e == nullptr) {
        e = &t.entries[t.live++];
        e->id = r.id;
        e->committed = 0;
      }
      if (r.type == kRecordEntry && r.value > e->committed) e->committed = r.value;
      bump_next_id(t, r.id);
      break;
    case kRecordCommit:
      e->committed = r.value;
      break;
    case kRecordClear:
      *e = t.entries[--t.live];
      bump_next_id(t, r.id);
      break;
    case kRecordNextId:
      if (r.value > t.next_id) t.next_id = r.value;
      break;
    default:
      break;
  }
}

MCTPM_COLD bool program_checked(uint32_t offset, const uint8_t* p, size_t n) {
  uint8_t back[kLogRecordSize];
  if (!hal::nv_program(offset, p, n)) return false;
  for (size_t done = 0; done < n; done += sizeof back) {
    const size_t len = n - done < sizeof back ? n - done : sizeof back;
    if (!hal::nv_read(offset + done, back, len) || memcmp(back, p + done, len) != 0) return false;
  }
  return true;
}

// Compaction into the other sector (or the first sector ever): the header
// goes last, so until it is in the flash the old sector stays current.
MCTPM_COLD bool rewrite(ContextTable& t, const Record& pending) {
  const uint8_t target = t.sector == 0 ? 1 : 0;
  const uint32_t base = kSectorOffset[target];
  if (!hal::nv_erase_sector(base)) return false;
  uint8_t rec[kLogRecordSize];
  uint32_t at = kLogHeaderSize;
  for (uint32_t i = 0; i < t.live; ++i) {
    encode_record(rec, Record{kRecordEntry, t.entries[i].id, t.entries[i].committed});
    if (!program_checked(base + at, rec, sizeof rec)) return false;
    at += kLogRecordSize;
  }
  encode_record(rec, Record{kRecordNextId, 0, t.next_id});
  if (!program_checked(base + at, rec, sizeof rec)) return false;
  at += kLogRecordSize;
  encode_record(rec, pending);
  if (!program_checked(base + at, rec, sizeof rec)) return false;
  at += kLogRecordSize;
  const uint32_t generation = t.sector == kNoSector ? 1 : t.generation + 1;
  encode(rec, kLogMagic, generation, 0);
  if (!program_checked(base, rec, sizeof rec)) return false;
  // The new sector is current; a failed erase of the old one is harmless
  // (lower generation) and is retried at the next compaction.
  if (t.sector != kNoSector) hal::nv_erase_sector(kSectorOffset[t.sector]);
  t.sector = target;
  t.generation = generation;
  t.append_at = at;
  return true;
}

MCTPM_COLD bool append(ContextTable& t, const Record& r) {
  if (!t.nv_ok || !applicable(t, r)) return false;
  if (t.sector == kNoSector || t.append_at + kLogRecordSize > hal::kNvSectorSize) {
    if (!rewrite(t, r)) return false;
  } else {
    const uint32_t offset = kSectorOffset[t.sector] + t.append_at;
    uint8_t rec[kLogRecordSize];
    encode_record(rec, r);
    t.append_at += kLogRecordSize;
    if (!program_checked(offset, rec, sizeof rec)) {
      // Whatever part took must never count: zeros fail the check.
      const uint8_t zeros[kLogRecordSize] = {};
      hal::nv_program(offset, zeros, sizeof zeros);
      return false;
    }
  }
  apply(t, r);
  return true;
}

void reset(ContextTable& t) {
  memset(&t, 0, sizeof t);
  t.next_id = 1;
  t.sector = kNoSector;
}

}  // namespace

const ContextEntry* find(const ContextTable& t, uint32_t id) {
  return find_mutable(const_cast<ContextTable&>(t), id);
}

MCTPM_COLD Status status(const ContextTable& t, uint32_t id) {
  if (find(t, id) != nullptr) return Status::Live;
  return id != 0 && id < t.next_id ? Status::Cleared : Status::Unknown;
}

MCTPM_COLD LoadResult load(ContextTable& t) {
  reset(t);
  const uint32_t size = hal::nv_size();
  for (uint32_t off : kSectorOffset) {
    if (size < hal::kNvSectorSize || off > size - hal::kNvSectorSize) return LoadResult::Unavailable;
  }
  uint8_t head[kLogHeaderSize];
  for (uint8_t s = 0; s < 2; ++s) {
    if (!hal::nv_read(kSectorOffset[s], head, sizeof head)) return LoadResult::Unavailable;
    if (!checked(head) || get32(head) != kLogMagic || get32(head + 8) != 0) continue;
    const uint32_t generation = get32(head + 4);
    if (t.sector == kNoSector || generation > t.generation) {
      t.sector = s;
      t.generation = generation;
    }
  }
  t.nv_ok = true;
  if (t.sector == kNoSector) return LoadResult::Empty;
  // Replay a flash page at a time. A slot whose append failed may have
  // stayed erased with records after it: the log ends after the last slot
  // that is not erased.
  uint8_t chunk[256];
  static_assert(sizeof chunk % kLogRecordSize == 0, "records do not straddle chunks");
  t.append_at = kLogHeaderSize;
  for (uint32_t at = kLogHeaderSize; at < hal::kNvSectorSize;) {
    const uint32_t n = hal::kNvSectorSize - at < sizeof chunk ? hal::kNvSectorSize - at : sizeof chunk;
    if (!hal::nv_read(kSectorOffset[t.sector] + at, chunk, n)) {
      reset(t);
      return LoadResult::Unavailable;
    }
    for (uint32_t i = 0; i < n; i += kLogRecordSize, at += kLogRecordSize) {
      const uint8_t* p = chunk + i;
      if (erased(p, kLogRecordSize)) continue;
      t.append_at = at + kLogRecordSize;
      if (!checked(p) || p[1] != 0 || p[2] != 0 || p[3] != 0) continue;  // torn or corrupt
      apply(t, Record{p[0], get32(p + 4), get32(p + 8)});
    }
  }
  return LoadResult::Loaded;
}

bool record_launch(ContextTable& t, uint32_t id) {
  return find(t, id) == nullptr && append(t, Record{kRecordLaunch, id, 0});
}

MCTPM_COLD bool record_commit(ContextTable& t, uint32_t id, uint32_t counter) {
  return append(t, Record{kRecordCommit, id, counter});
}

MCTPM_COLD bool record_clear(ContextTable& t, uint32_t id) { return append(t, Record{kRecordClear, id, 0}); }

}  // namespace context
