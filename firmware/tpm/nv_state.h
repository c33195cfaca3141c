// Tpm::nv in the flash, crash-safe: a versioned record (magic, format
// version, sequence number, payload, SHA-256 over all of it) in two
// alternating 4 KiB sectors (spec/nv_layout.def NV_TPM_STATE_A/B). A save erases
// the sector that does not hold the newest valid record, programs the new
// record and reads it back, so a power loss at any moment leaves the previous
// record intact; load takes the valid record with the highest sequence number.
//
// The SHA-256 detects torn and corrupted records; it is no protection against
// someone who rewrites the flash (that needs a key: later work).
#ifndef MCTPM_TPM_NV_STATE_H
#define MCTPM_TPM_NV_STATE_H

#include <stdint.h>

#include "tpm/tpm.h"

namespace tpm {
namespace nv_state {

enum class LoadResult : uint8_t {
  Loaded,       // tpm.nv is the newest valid record
  Erased,       // both sectors erased (first boot): factory state kept
  NoValid,      // neither sector holds a valid record (e.g. the first save was torn): factory state kept
  Unavailable,  // the flash cannot be read: factory state kept, nothing will be saved
};

// At power-on, after tpm::init: replaces tpm.nv with the stored state.
LoadResult load(Tpm& tpm);

// A context (is_context) stores nothing and succeeds: its NvState leaves the
// chip in the sealed blob.
// Stores `nv` (with the current Clock) as a new record. False when the flash
// failed or was unreadable at load; the previous record is then unchanged.
bool save(Tpm& tpm, const NvState& nv);

// Saves tpm.nv when Clock has moved into a new kClockSaveIntervalMs window
// since the last save, so that a power loss sets Clock back by at most that.
// Called after every command; a failure only leaves Clock "not safe".
void save_clock_if_due(Tpm& tpm);

// 2^22 ms (about 70 minutes), the reference implementation's
// NV_CLOCK_UPDATE_INTERVAL: about 7,500 sector erases a year, spread over two
// sectors, against the 100,000 cycles a NOR sector is rated for.
constexpr uint64_t kClockSaveIntervalMs = uint64_t(1) << 22;

// The record as stored (tests read the flash with these).
constexpr uint32_t kMagic = 0x4D544E56;  // "MTNV"
constexpr uint16_t kFormatVersion = 1;
constexpr uint32_t kHeaderSize = 12;  // magic, version, payload size, sequence
constexpr uint32_t kPayloadSize = 2 + 1 + 4 + 4 + 8 + 4 + kStateSavedPcrs * (kSha1Size + kSha256Size);
constexpr uint32_t kRecordSize = kHeaderSize + kPayloadSize + kSha256Size;

}  // namespace nv_state
}  // namespace tpm

#endif
