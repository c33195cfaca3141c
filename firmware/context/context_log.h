// The context table (which context ids exist and the counter each last
// committed) and its persistence: an append-only log of small records in two
// alternating flash sectors (spec/nv_layout.def NV_CONTEXT_LOG_A/B).
//
// Sector: a 16-byte header {u32 magic "MCTL", u32 generation, u32 0, u32
// check} then 16-byte records {u8 type, u8 0, u16 0, u32 id, u32 value, u32
// check}, all big-endian; check = the first 4 bytes of SHA-256 over the 12
// bytes before it. The sector whose
// header is valid with the higher generation is current.
//
// - Append: program the next erased slot and read it back. A record that
//   did not take is overwritten with zeros (never valid) and skipped, and
//   the append fails: the caller answers MGMT_RC_NV and nothing changed.
// - Compaction (current sector full, or none yet): erase the other sector,
//   write the live entries, the next id and the new record, then its
//   header with generation + 1 (the commit point), then erase the old one.
// - Load: replay the current sector; a torn or corrupt record is ignored,
//   and so is an erased slot (an append that failed without a trace); the
//   log goes on after the last slot that is not erased.
//   Committed counters only move forward, whatever the records say.
//
// Ids are issued in order from 1, so an id below next_id that is not live
// was cleared; the table holds live contexts only.
#ifndef MCTPM_CONTEXT_CONTEXT_LOG_H
#define MCTPM_CONTEXT_CONTEXT_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "management.h"
#include "tpm/tpm.h"  // MCTPM_COLD

namespace context {

struct ContextEntry {
  uint32_t id;
  uint32_t committed;  // counter of the last COMMIT (0 after LAUNCH)
};

struct ContextTable {
  uint32_t live;     // entries[0..live) are the live contexts
  uint32_t next_id;  // the id the next LAUNCH gets (ids start at 1)
  ContextEntry entries[MCTPM_MGMT_MAX_CONTEXTS];
  // Where the log goes on: current sector index (kNoSector: none valid),
  // its generation and the offset of its first erased record slot.
  uint8_t sector;
  bool nv_ok;  // the flash could be read at load: appends may go ahead
  uint32_t generation;
  uint32_t append_at;
};
constexpr uint8_t kNoSector = 0xFF;
constexpr uint32_t kLogMagic = 0x4D43544C;  // "MCTL"
constexpr uint32_t kLogRecordSize = 16;
constexpr uint32_t kLogHeaderSize = 16;

enum RecordType : uint8_t {
  kRecordLaunch = 1,   // id: a new live context, committed 0
  kRecordCommit = 2,   // id, value = the committed counter
  kRecordClear = 3,    // id: no longer live
  kRecordEntry = 4,    // id, value = committed (compaction snapshot of a live context)
  kRecordNextId = 5,   // value = next id (compaction snapshot)
};

enum class Status : uint8_t {
  Unknown = MCTPM_MGMT_CONTEXT_UNKNOWN,
  Live = MCTPM_MGMT_CONTEXT_LIVE,
  Cleared = MCTPM_MGMT_CONTEXT_CLEARED,
};

// The live entry of `id`, or nullptr.
const ContextEntry* find(const ContextTable& t, uint32_t id);
Status status(const ContextTable& t, uint32_t id);

enum class LoadResult : uint8_t {
  Loaded,       // a current sector was replayed
  Empty,        // no valid sector (first boot): empty table, next id 1
  Unavailable,  // the flash cannot be read: empty table, every append fails
};
// At boot: the table from the flash.
LoadResult load(ContextTable& t);

// Each appends one record, then applies it to the table. False (table
// unchanged) when the flash failed or the table is full (launch) or the
// record would make no sense (commit of a non-live id, counter not newer).
bool record_launch(ContextTable& t, uint32_t id);
bool record_commit(ContextTable& t, uint32_t id, uint32_t counter);
bool record_clear(ContextTable& t, uint32_t id);

}  // namespace context

#endif
