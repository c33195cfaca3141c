// The context table's log in the flash: power loss at every point of a
// COMMIT, compaction into the other sector, corrupt records, and counters
// that never go backwards.
#include <openssl/sha.h>

#include "chip_harness.h"
#include "context/context_log.h"
#include "hal/nv.h"

using namespace tpmtest;

namespace {

// The flash as a whole image (power loss tests put back partial images).
Bytes flash() { return host_hal::nv_contents(); }
void set_flash(const Bytes& image) {
  host_hal::nv_reset(image.size());
  ASSERT_TRUE(hal::nv_program(0, image.data(), image.size()));
}

// An independently encoded record (context_log.h): type, 0, 0, 0, id, value, check.
Bytes record(uint8_t type, uint32_t id, uint32_t value) {
  Bytes r = {type, 0, 0, 0, uint8_t(id >> 24), uint8_t(id >> 16), uint8_t(id >> 8), uint8_t(id),
             uint8_t(value >> 24), uint8_t(value >> 16), uint8_t(value >> 8), uint8_t(value)};
  uint8_t d[32];
  SHA256(r.data(), r.size(), d);
  r.insert(r.end(), d, d + 4);
  return r;
}

class ContextLog : public ChipTest {
 protected:
  uint32_t committed(uint32_t id) { return context_info(id).second; }
  // Offset of the first erased record slot of the current sector.
  uint32_t log_end() const { return root_->data.table.append_at; }
  uint32_t log_sector_offset() const {
    return root_->data.table.sector == 0 ? MCTPM_NV_CONTEXT_LOG_A : MCTPM_NV_CONTEXT_LOG_B;
  }
};

}  // namespace

TEST_F(ContextLog, PowerLossAtEveryPointOfACommitLeavesTheOldOrTheNewCounter) {
  ASSERT_EQ(xon(), 0u);
  const uint32_t id = launch();
  park_and_commit();  // committed 1
  // A second context keeps the log busy around the record under test.
  ASSERT_EQ(launch_rc(MCTPM_MGMT_PCR_MODEL_SHARED), 0u);
  park_and_commit();
  ASSERT_EQ(committed(id), 1u);
  const Bytes before = flash();
  // The record a COMMIT of counter 2 appends (the table API COMMIT uses),
  // then every prefix of its programming.
  ASSERT_TRUE(context::record_commit(root_->data.table, id, 2));
  const Bytes after = flash();
  std::vector<size_t> changed;
  for (size_t i = 0; i < before.size(); ++i) {
    if (before[i] != after[i]) changed.push_back(i);
  }
  ASSERT_FALSE(changed.empty());
  for (size_t k = 0; k <= changed.size(); ++k) {
    Bytes image = before;
    for (size_t j = 0; j < k; ++j) image[changed[j]] = after[changed[j]];
    // A byte half programmed: some of its bits already cleared.
    if (k < changed.size()) image[changed[k]] = uint8_t(before[changed[k]] & (after[changed[k]] | 0x0F));
    set_flash(image);
    power_on();
    const uint32_t c = committed(id);
    if (k == changed.size()) {
      EXPECT_EQ(c, 2u) << k;
    } else {
      EXPECT_TRUE(c == 1u || c == 2u) << k;
    }
    EXPECT_EQ(context_info(id).first, MCTPM_MGMT_CONTEXT_LIVE) << k;
    EXPECT_EQ(context_info(2).first, MCTPM_MGMT_CONTEXT_LIVE) << k;
    // The log goes on after a torn record.
    ASSERT_EQ(xon(), 0u);
    ASSERT_TRUE(context::record_commit(root_->data.table, 2, 7)) << k;
    power_on();
    EXPECT_EQ(committed(2), 7u) << k;
  }
}

TEST_F(ContextLog, CompactionMovesTheTableToTheOtherSectorAndKeepsIt) {
  ASSERT_EQ(xon(), 0u);
  const uint32_t a = launch();
  park_and_commit();
  const uint32_t b = launch();
  park_and_commit();
  ASSERT_EQ(clear(a), 0u);
  // Enough commits to fill a sector several times over.
  for (uint32_t c = 2; c < 700; ++c) ASSERT_TRUE(context::record_commit(root_->data.table, b, c)) << c;
  power_on();
  EXPECT_EQ(committed(b), 699u);
  EXPECT_EQ(context_info(a).first, MCTPM_MGMT_CONTEXT_CLEARED);
  EXPECT_EQ(state().next_id, 3u);
  EXPECT_EQ(state().live, 1u);
  // The old sector was erased after the new one took over.
  const uint32_t now = log_sector_offset();
  const uint32_t other = now == MCTPM_NV_CONTEXT_LOG_A ? MCTPM_NV_CONTEXT_LOG_B : MCTPM_NV_CONTEXT_LOG_A;
  const Bytes f = flash();
  EXPECT_EQ(Bytes(f.begin() + other, f.begin() + other + hal::kNvSectorSize), Bytes(hal::kNvSectorSize, 0xFF));
}

TEST_F(ContextLog, PowerLossDuringCompactionKeepsTheOldSector) {
  ASSERT_EQ(xon(), 0u);
  const uint32_t id = launch();
  park_and_commit();
  // Fill the current sector up to its last free slot.
  uint32_t c = 2;
  while (log_end() + context::kLogRecordSize < hal::kNvSectorSize) {
    ASSERT_TRUE(context::record_commit(root_->data.table, id, c++));
  }
  ASSERT_TRUE(context::record_commit(root_->data.table, id, c++));  // the last slot
  const Bytes before = flash();
  ASSERT_TRUE(context::record_commit(root_->data.table, id, c));    // compacts
  const Bytes after = flash();
  // The order the flash sees it: the new sector's records, its header (the
  // commit point), then the erase of the old sector.
  const size_t now = log_sector_offset();
  const size_t old = now == MCTPM_NV_CONTEXT_LOG_A ? MCTPM_NV_CONTEXT_LOG_B : MCTPM_NV_CONTEXT_LOG_A;
  std::vector<size_t> changed;
  for (size_t i = now + context::kLogHeaderSize; i < now + hal::kNvSectorSize; ++i) changed.push_back(i);
  for (size_t i = now; i < now + context::kLogHeaderSize; ++i) changed.push_back(i);
  for (size_t i = old; i < old + hal::kNvSectorSize; ++i) changed.push_back(i);
  // Every stage of the compaction, as far as programming and erasing got.
  for (size_t k = 0; k <= changed.size(); k += 5) {
    Bytes image = before;
    for (size_t j = 0; j < k; ++j) image[changed[j]] = after[changed[j]];
    set_flash(image);
    power_on();
    const uint32_t got = committed(id);
    EXPECT_TRUE(got == c - 1 || got == c) << k;
  }
}

TEST_F(ContextLog, ACorruptLastRecordIsIgnored) {
  ASSERT_EQ(xon(), 0u);
  const uint32_t id = launch();
  park_and_commit();
  ASSERT_TRUE(context::record_commit(root_->data.table, id, 2));
  Bytes image = flash();
  image[log_sector_offset() + log_end() - 5] ^= 0x40;  // inside the last record
  set_flash(image);
  power_on();
  EXPECT_EQ(committed(id), 1u);
}

TEST_F(ContextLog, CountersNeverGoBackwards) {
  ASSERT_EQ(xon(), 0u);
  const uint32_t id = launch();
  park_and_commit();
  ASSERT_TRUE(context::record_commit(root_->data.table, id, 5));
  EXPECT_FALSE(context::record_commit(root_->data.table, id, 5));
  EXPECT_FALSE(context::record_commit(root_->data.table, id, 3));
  EXPECT_FALSE(context::record_commit(root_->data.table, 77, 9));  // not live
  // A well-formed record that would lower it, written behind the firmware's back.
  Bytes image = flash();
  const Bytes r = record(context::kRecordCommit, id, 4);
  std::copy(r.begin(), r.end(), image.begin() + log_sector_offset() + log_end());
  set_flash(image);
  power_on();
  EXPECT_EQ(committed(id), 5u);
  // ...while one that raises it counts (the encoding is the documented one).
  image = flash();
  const Bytes up = record(context::kRecordCommit, id, 6);
  std::copy(up.begin(), up.end(), image.begin() + log_sector_offset() + log_end());
  set_flash(image);
  power_on();
  EXPECT_EQ(committed(id), 6u);
}

TEST_F(ContextLog, NoUsableFlashMeansEveryTableChangeAnswersNv) {
  host_hal::nv_reset(0);
  power_on();
  ASSERT_EQ(xon(), 0u);
  EXPECT_EQ(launch_rc(MCTPM_MGMT_PCR_MODEL_SHARED), MCTPM_MGMT_RC_NV);
  EXPECT_EQ(state().next_id, 1u);
}
