// ContextStore: names, files, atomic writes under crashes, reconcile rules;
// the sealed-blob header parser it relies on.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "mctpm/context_store.h"
#include "mctpm/error.h"
#include "mctpm/sealed_blob.h"
#include "test_blob.h"

namespace {

using mctpm::ContextMeta;
using mctpm::ContextStore;
using mctpm::ReconcileResult;
using mctpm_test::test_blob;

class TempDir {
 public:
  TempDir() {
    char t[] = "/tmp/mctpm-store-test-XXXXXX";
    if (!::mkdtemp(t)) throw std::runtime_error("mkdtemp failed");
    path_ = t;
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  const std::string& path() const { return path_; }
  std::string file(const std::string& n) const { return path_ + "/" + n; }
  bool exists(const std::string& n) const { return ::access(file(n).c_str(), F_OK) == 0; }

 private:
  std::string path_;
};

ContextMeta meta(uint32_t id) {
  ContextMeta m;
  m.context_id = id;
  m.pcr_model = MCTPM_MGMT_PCR_MODEL_PRIVATE;
  m.mssim_port = 2400;
  m.swtpm_port = 2500;
  return m;
}

TEST(SealedBlobHeader, ParsesEveryHeaderField) {
  auto b = test_blob(7, 42, 32);
  b[MCTPM_BLOB_OFF_FLAGS + 1] = MCTPM_BLOB_FLAG_PRIVATE_PCRS;
  const auto h = mctpm::parse_sealed_blob(b);
  EXPECT_EQ(h.version, MCTPM_BLOB_VERSION);
  EXPECT_TRUE(h.private_pcrs());
  EXPECT_EQ(h.device_id_hex(), "1011121314151617");
  EXPECT_EQ(h.context_id, 7u);
  EXPECT_EQ(h.counter, 42u);
  EXPECT_EQ(h.pcr_mask, MCTPM_MGMT_DEFAULT_PCR_MASK);
  EXPECT_EQ(h.ciphertext_size, 32u);
  EXPECT_EQ(h.total_size, b.size());
}

TEST(SealedBlobHeader, RejectsShortBadMagicBadVersionAndBadLengths) {
  auto expect_bad = [](const std::vector<uint8_t>& b, const std::string& needle) {
    try {
      mctpm::parse_sealed_blob(b);
      ADD_FAILURE() << "accepted a blob that should fail with '" << needle << "'";
    } catch (const mctpm::Error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_bad(std::vector<uint8_t>(20, 0), "shorter than header");
  auto b = test_blob(1, 1);
  b[0] = 'X';
  expect_bad(b, "magic");
  b = test_blob(1, 1);
  b[MCTPM_BLOB_OFF_VERSION + 1] = 9;
  expect_bad(b, "version 9");
  b = test_blob(1, 1);
  mctpm_test::put_be32(b, MCTPM_BLOB_OFF_CT_LEN, 17);
  expect_bad(b, "multiple of 16");
  b = test_blob(1, 1);
  mctpm_test::put_be32(b, MCTPM_BLOB_OFF_CT_LEN, MCTPM_BLOB_MAX_CT + 16);
  expect_bad(b, "budget");
  b = test_blob(1, 1);
  b.push_back(0);
  expect_bad(b, "ciphertext length says");
}

TEST(ContextStoreNames, AcceptsTheAllowedCharactersOnly) {
  for (const char* ok : {"vm1", "web-01", "a.b_c", "X", "0"}) EXPECT_TRUE(ContextStore::valid_name(ok)) << ok;
  for (const char* bad : {"", ".hidden", "..", "a/b", "a b", "vm\n", "caf\xc3\xa9", "../etc"})
    EXPECT_FALSE(ContextStore::valid_name(bad)) << bad;
  EXPECT_FALSE(ContextStore::valid_name(std::string(65, 'a')));
  EXPECT_THROW(ContextStore::check_name("a/b"), mctpm::Error);
}

TEST(ContextStoreFiles, BadNamesAreRefusedBeforeTouchingTheDirectory) {
  TempDir d;
  ContextStore store(d.path());
  EXPECT_THROW(store.save_meta("../escape", meta(1)), mctpm::Error);
  EXPECT_FALSE(::access((d.path() + "/../escape.meta").c_str(), F_OK) == 0);
}

TEST(ContextStoreFiles, MetaBlobAndPendingRoundTrip) {
  TempDir d;
  ContextStore store(d.path());
  store.save_meta("vm1", meta(5));
  store.save_meta("vm0", meta(6));
  EXPECT_EQ(store.list(), (std::vector<std::string>{"vm0", "vm1"}));
  auto c = store.load("vm1");
  EXPECT_EQ(c.meta.context_id, 5u);
  EXPECT_EQ(c.meta.pcr_model, MCTPM_MGMT_PCR_MODEL_PRIVATE);
  EXPECT_EQ(c.meta.mssim_port, 2400);
  EXPECT_EQ(c.meta.swtpm_port, 2500);
  EXPECT_FALSE(c.blob);
  EXPECT_FALSE(c.pending);

  const auto b1 = test_blob(5, 1);
  store.save_pending("vm1", b1);
  EXPECT_TRUE(d.exists("vm1.pending"));
  store.promote_pending("vm1");
  c = store.load("vm1");
  ASSERT_TRUE(c.blob);
  EXPECT_EQ(*c.blob, b1);
  EXPECT_FALSE(c.pending);

  store.remove("vm1");
  EXPECT_EQ(store.list(), (std::vector<std::string>{"vm0"}));
  EXPECT_FALSE(d.exists("vm1.blob"));
  EXPECT_THROW(store.load("vm1"), mctpm::Error);
}

TEST(ContextStoreFiles, RefusesBlobsOfAnotherContextOrMalformedOnesAndKeepsTheOldOne) {
  TempDir d;
  ContextStore store(d.path());
  store.save_meta("vm1", meta(5));
  store.save_pending("vm1", test_blob(5, 1));
  EXPECT_THROW(store.save_pending("vm1", test_blob(6, 2)), mctpm::Error);
  EXPECT_THROW(store.save_pending("vm1", std::vector<uint8_t>(10, 0)), mctpm::Error);
  EXPECT_EQ(*store.load("vm1").pending, test_blob(5, 1));
  EXPECT_THROW(store.save_pending("nobody", test_blob(5, 1)), mctpm::Error);
}

TEST(ContextStoreFiles, MalformedMetaIsAnErrorNamingTheLine) {
  TempDir d;
  ContextStore store(d.path());
  std::ofstream(d.file("vm1.meta")) << "context_id 5\npcr_model sideways\n";
  try {
    store.load("vm1");
    FAIL() << "loaded a bad meta";
  } catch (const mctpm::Error& e) {
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
  }
}

TEST(ContextStoreFiles, OneProcessOrObjectAtATime) {
  TempDir d;
  ContextStore store(d.path());
  EXPECT_THROW(ContextStore second(d.path()), mctpm::Error);
}

TEST(ContextStoreAtomicity, LeftoverTempFilesAreIgnoredAndRemovedOnOpen) {
  TempDir d;
  {
    ContextStore store(d.path());
    store.save_meta("vm1", meta(5));
    store.save_pending("vm1", test_blob(5, 1));
    store.promote_pending("vm1");
  }
  // What a crash between write and rename leaves: half a new blob in a temp file.
  std::ofstream(d.file(".vm1.blob.tmp")) << "half";
  std::ofstream(d.file(".vm1.meta.tmp")) << "context_id 9";
  ContextStore store(d.path());
  EXPECT_FALSE(d.exists(".vm1.blob.tmp"));
  EXPECT_FALSE(d.exists(".vm1.meta.tmp"));
  EXPECT_EQ(store.list(), std::vector<std::string>{"vm1"});
  EXPECT_EQ(*store.load("vm1").blob, test_blob(5, 1));
  EXPECT_EQ(store.load("vm1").meta.context_id, 5u);
}

TEST(ContextStoreAtomicity, KillingAWriterAtAnyMomentNeverLosesTheLastGoodBlob) {
  TempDir d;
  {
    ContextStore store(d.path());
    store.save_meta("vm1", meta(5));
    store.save_pending("vm1", test_blob(5, 1, MCTPM_BLOB_MAX_CT));
    store.promote_pending("vm1");
  }
  // A child rewrites pending and promotes it in a loop, each blob a new
  // counter and fill; SIGKILL lands at arbitrary points of write/fsync/rename.
  for (int round = 0; round < 8; ++round) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      try {
        ContextStore store(d.path());
        for (uint32_t n = 2;; ++n) {
          store.save_pending("vm1", test_blob(5, n, MCTPM_BLOB_MAX_CT, uint8_t(n)));
          store.promote_pending("vm1");
        }
      } catch (...) {
        ::_exit(3);
      }
    }
    ::usleep(20000 + 7000 * round);
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer failed instead of being killed";

    ContextStore store(d.path());
    const auto c = store.load("vm1");
    ASSERT_TRUE(c.blob) << "round " << round << ": the committed blob is gone";
    const auto h = mctpm::parse_sealed_blob(*c.blob);  // whole, never torn
    EXPECT_EQ(*c.blob, test_blob(5, h.counter, MCTPM_BLOB_MAX_CT, h.counter == 1 ? 0xA5 : uint8_t(h.counter)));
    if (c.pending) {
      const auto p = mctpm::parse_sealed_blob(*c.pending);
      EXPECT_EQ(*c.pending, test_blob(5, p.counter, MCTPM_BLOB_MAX_CT, uint8_t(p.counter)));
    }
  }
}

class ReconcileTest : public ::testing::Test {
 protected:
  TempDir d;
  ContextStore store{d.path()};
  void SetUp() override { store.save_meta("vm1", meta(5)); }
  void with_blob(uint32_t counter) {
    store.save_pending("vm1", test_blob(5, counter));
    store.promote_pending("vm1");
  }
};

TEST_F(ReconcileTest, PendingCarryingTheCommittedCounterIsPromoted) {
  with_blob(3);
  store.save_pending("vm1", test_blob(5, 4));
  const auto r = store.reconcile("vm1", 4);
  EXPECT_EQ(r.outcome, ReconcileResult::Outcome::PendingPromoted) << r.detail;
  const auto c = store.load("vm1");
  EXPECT_EQ(*c.blob, test_blob(5, 4));
  EXPECT_FALSE(c.pending);
}

TEST_F(ReconcileTest, BlobCarryingTheCommittedCounterStaysAndTheUncommittedPendingGoes) {
  with_blob(3);
  store.save_pending("vm1", test_blob(5, 4));
  const auto r = store.reconcile("vm1", 3);
  EXPECT_EQ(r.outcome, ReconcileResult::Outcome::BlobCurrent) << r.detail;
  const auto c = store.load("vm1");
  EXPECT_EQ(*c.blob, test_blob(5, 3));
  EXPECT_FALSE(c.pending);
}

TEST_F(ReconcileTest, NeitherCarryingItIsReportedAndNothingIsDeleted) {
  with_blob(3);
  store.save_pending("vm1", test_blob(5, 4));
  const auto r = store.reconcile("vm1", 7);
  EXPECT_EQ(r.outcome, ReconcileResult::Outcome::NeitherCurrent);
  EXPECT_NE(r.detail.find("blob counter 3"), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("pending counter 4"), std::string::npos) << r.detail;
  const auto c = store.load("vm1");
  EXPECT_EQ(*c.blob, test_blob(5, 3));
  EXPECT_EQ(*c.pending, test_blob(5, 4));
}

TEST_F(ReconcileTest, AContextWithoutFilesIsReported) {
  EXPECT_EQ(store.reconcile("vm1", 0).outcome, ReconcileResult::Outcome::NeitherCurrent);
  EXPECT_TRUE(store.contains("vm1"));
}

}  // namespace
