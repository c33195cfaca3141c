// Sealed context blobs on disk, one set of files per VM name in a directory:
//   NAME.blob     the committed blob (the chip's context table names its counter)
//   NAME.pending  a blob from EXIT whose COMMIT has not been confirmed yet
//   NAME.meta     context id, PCR model, endpoint ports (small text)
// Every write is atomic: a temporary file (".NAME.KIND.tmp"), fsync, rename,
// fsync of the directory. A crash at any point leaves the previous file
// intact. One process at a time: the directory is locked (flock on ".lock").
#ifndef MCTPM_CONTEXT_STORE_H
#define MCTPM_CONTEXT_STORE_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "management.h"

namespace mctpm {

struct ContextMeta {
  uint32_t context_id = 0;
  uint8_t pcr_model = MCTPM_MGMT_PCR_MODEL_SHARED;
  uint16_t mssim_port = 0;  // 0: any free port
  uint16_t swtpm_port = 0;
};

struct StoredContext {
  std::string name;
  ContextMeta meta;
  std::optional<std::vector<uint8_t>> blob;     // NAME.blob
  std::optional<std::vector<uint8_t>> pending;  // NAME.pending
};

// What reconcile() did with a context's files, given the chip's committed counter.
struct ReconcileResult {
  enum class Outcome {
    BlobCurrent,      // NAME.blob carries the counter (a stale NAME.pending was dropped)
    PendingPromoted,  // NAME.pending carries it: it became NAME.blob
    NeitherCurrent,   // no file carries it: nothing changed, the caller reports it
  };
  Outcome outcome;
  std::string detail;  // one line for the log
};

class ContextStore {
 public:
  // Creates the directory if missing, takes its lock (Error Io if another
  // process holds it) and removes temporary files left by a crash.
  explicit ContextStore(const std::string& dir);
  ~ContextStore();
  ContextStore(ContextStore&& other) noexcept;
  ContextStore& operator=(ContextStore&&) = delete;
  ContextStore(const ContextStore&) = delete;
  ContextStore& operator=(const ContextStore&) = delete;

  // [A-Za-z0-9_.-]+, at most 64 characters, not starting with '.'.
  static bool valid_name(const std::string& name);
  static void check_name(const std::string& name);  // Error(Usage) saying why

  const std::string& dir() const { return dir_; }
  std::vector<std::string> list() const;  // names with a NAME.meta, sorted
  bool contains(const std::string& name) const;
  StoredContext load(const std::string& name) const;  // Error(Usage) if unknown

  void save_meta(const std::string& name, const ContextMeta& meta);
  // The blob must parse (sealed_blob.h) and carry the context id of NAME.meta.
  void save_pending(const std::string& name, const std::vector<uint8_t>& blob);
  // NAME.pending becomes NAME.blob (one rename: atomic). Error if no pending.
  void promote_pending(const std::string& name);
  void drop_pending(const std::string& name);
  // Removes all files of NAME (meta last, so a crash leaves it listed).
  void remove(const std::string& name);

  // Keeps whichever of blob/pending carries committed_counter and drops the
  // other; if neither does, changes nothing.
  ReconcileResult reconcile(const std::string& name, uint32_t committed_counter);

 private:
  std::string path(const std::string& name, const char* kind) const;
  void write_atomic(const std::string& name, const char* kind, const std::vector<uint8_t>& bytes);
  void sync_dir();

  std::string dir_;
  int lock_fd_ = -1;
};

}  // namespace mctpm

#endif
