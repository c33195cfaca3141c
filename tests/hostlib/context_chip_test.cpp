// Many contexts on the real Verilated chip (mctpm-sim): Device round trips,
// traps, the Scheduler's swaps, recovery after a crash, and an mctpmd
// control session. These need the chip side of issue 3 (management commands,
// ring trap, seal engine, --fuses).
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <thread>

#include "chip_session.h"
#include "mctpm/context_store.h"
#include "mctpm/device.h"
#include "mctpm/scheduler.h"
#include "mctpm/sealed_blob.h"
#include "mctpm/sim_transport.h"
#include "mctpm/tpm_rc.h"
#include "sim_process.h"

namespace {

using Bytes = std::vector<uint8_t>;

class TempDir {
 public:
  TempDir() {
    char t[] = "/tmp/mctpm-ctx-test-XXXXXX";
    if (!::mkdtemp(t)) throw std::runtime_error("mkdtemp failed");
    path_ = t;
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  std::string file(const std::string& n) const { return path_ + "/" + n; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A fuses file: one line of 64 hex digits.
std::string write_fuses(const TempDir& d, const std::string& name, uint32_t seed) {
  std::mt19937 rng(seed);
  std::ofstream f(d.file(name));
  for (int i = 0; i < 32; ++i) {
    char b[3];
    std::snprintf(b, sizeof b, "%02x", unsigned(rng() & 0xFF));
    f << b;
  }
  f << "\n";
  return d.file(name);
}

const Bytes kStartupClear = {0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x44, 0x00, 0x00};

Bytes pcr16_extend(uint8_t fill) {
  Bytes c = {0x80, 0x02, 0, 0, 0, 0, 0, 0, 0x01, 0x82, 0, 0, 0, 16,   // PCR_Extend(PCR 16)
             0, 0, 0, 9, 0x40, 0, 0, 0x09, 0, 0, 0, 0, 0,           // password session
             0, 0, 0, 1, 0x00, 0x0B};                                // one SHA-256 digest
  c.insert(c.end(), 32, fill);
  c[5] = uint8_t(c.size());
  return c;
}

const Bytes kPcr16Read = {0x80, 0x01, 0, 0, 0, 20, 0, 0, 0x01, 0x7E, 0, 0, 0, 1, 0x00, 0x0B, 3, 0x00, 0x00, 0x01};

Bytes digest_of(const Bytes& pcr_read_response) {
  EXPECT_EQ(mctpm::response_code(pcr_read_response), 0u) << mctpm::rc_name(mctpm::response_code(pcr_read_response));
  if (pcr_read_response.size() < 32) return {};
  return Bytes(pcr_read_response.end() - 32, pcr_read_response.end());
}

uint32_t rc_of(const Bytes& r) { return mctpm::response_code(r); }

// One chip with its own fuses and flash, and a connection to it.
struct Chip {
  TempDir dir;
  std::unique_ptr<mctpm_test::SimProcess> sim;
  std::unique_ptr<mctpm::SimTransport> transport;
  std::unique_ptr<mctpm::TpmSpi> tpm;

  explicit Chip(uint32_t fuse_seed) {
    sim = std::make_unique<mctpm_test::SimProcess>(std::vector<std::string>{
        "--fuses", write_fuses(dir, "fuses.hex", fuse_seed), "--flash", dir.file("flash.bin")});
    connect();
  }
  void connect() {
    tpm.reset();
    transport = std::make_unique<mctpm::SimTransport>("127.0.0.1", sim->port());
    tpm = std::make_unique<mctpm::TpmSpi>(*transport, mctpm_test::slow_chip_options());
    ASSERT_EQ(rc_of(tpm->transmit(0, kStartupClear)), 0u);  // the root TPM
  }
  void power_cycle() {
    tpm.reset();
    transport.reset();
    sim->restart();
    connect();
  }
};

TEST(DeviceOnChip, LaunchExitCommitResumeKeepsTheContextsPcr16) {
  Chip chip(1);
  mctpm::Device dev(*chip.tpm);
  dev.xon(MCTPM_MGMT_DEFAULT_PCR_MASK);
  const uint32_t id = dev.launch(MCTPM_MGMT_PCR_MODEL_SHARED);
  EXPECT_TRUE(dev.in_ring1());
  ASSERT_EQ(rc_of(dev.transmit(kStartupClear)), 0u);
  ASSERT_EQ(rc_of(dev.transmit(pcr16_extend(0x11))), 0u);
  const Bytes pcr = digest_of(dev.transmit(kPcr16Read));

  const Bytes blob = dev.exit();
  const auto h = mctpm::parse_sealed_blob(blob);
  EXPECT_EQ(h.context_id, id);
  EXPECT_EQ(h.counter, dev.context(id).committed_counter + 1) << "EXIT changes no NV";
  dev.commit();
  EXPECT_EQ(dev.context(id).committed_counter, h.counter);
  EXPECT_EQ(dev.state().slot, MCTPM_MGMT_SLOT_EMPTY);
  // Ring 0 again: the root TPM's PCR 16 is not the context's.
  EXPECT_NE(digest_of(dev.transmit(kPcr16Read)), pcr);

  EXPECT_EQ(dev.resume(blob), id);
  EXPECT_EQ(digest_of(dev.transmit(kPcr16Read)), pcr);
}

TEST(DeviceOnChip, AManagementCommandTrappedInRing1IsResentByDevice) {
  Chip chip(2);
  mctpm::Device dev(*chip.tpm);
  dev.xon(MCTPM_MGMT_DEFAULT_PCR_MASK);
  const uint32_t id = dev.launch(MCTPM_MGMT_PCR_MODEL_SHARED);
  const auto s = dev.state();  // trapped, then answered in ring 0
  EXPECT_EQ(dev.resent_after_trap(), 1u);
  EXPECT_FALSE(dev.in_ring1());
  EXPECT_EQ(s.slot, MCTPM_MGMT_SLOT_ACTIVE);
  EXPECT_EQ(s.context_id, id);
  EXPECT_GE(s.trap_count, 1u);
  EXPECT_EQ(dev.reenter(), id);
  EXPECT_TRUE(dev.in_ring1());
}

TEST(DeviceOnChip, AnOldBlobIsStaleAndAnotherChipsBlobIsForeign) {
  Chip a(3), b(4);
  mctpm::Device da(*a.tpm), db(*b.tpm);
  da.xon(MCTPM_MGMT_DEFAULT_PCR_MASK);
  db.xon(MCTPM_MGMT_DEFAULT_PCR_MASK);
  da.launch(MCTPM_MGMT_PCR_MODEL_SHARED);
  const Bytes first = da.exit();
  da.commit();
  da.resume(first);
  const Bytes second = da.exit();
  da.commit();
  try {
    da.resume(first);
    FAIL() << "a replayed blob was accepted";
  } catch (const mctpm::ManagementError& e) {
    EXPECT_EQ(e.rc(), MCTPM_MGMT_RC_STALE) << e.what();
  }
  try {
    db.resume(second);
    FAIL() << "another chip's blob was accepted";
  } catch (const mctpm::ManagementError& e) {
    EXPECT_EQ(e.rc(), MCTPM_MGMT_RC_FOREIGN) << e.what();
  }
}

// RESUME of `blob`: the response code it gets (0: accepted).
uint32_t resume_rc(mctpm::Device& dev, const Bytes& blob) {
  try {
    dev.resume(blob);
    return 0;
  } catch (const mctpm::ManagementError& e) {
    return e.rc();
  }
}

bool is_refusal(uint32_t rc) {
  switch (rc) {
    case MCTPM_MGMT_RC_BLOB_FORMAT:
    case MCTPM_MGMT_RC_FOREIGN:
    case MCTPM_MGMT_RC_PLATFORM:
    case MCTPM_MGMT_RC_TAMPERED:
      return true;
    default:
      return false;
  }
}

// The attacks of the issue, on the Verilated chip: its RTL seal engine and
// its firmware, with the blob moving over TPM-SPI as it would on a board.
TEST(DeviceOnChip, EveryByteOfABlobFlippedTruncatedOrExtendedIsRefused) {
  Chip chip(5);
  mctpm::Device dev(*chip.tpm);
  dev.xon(MCTPM_MGMT_DEFAULT_PCR_MASK);
  dev.launch(MCTPM_MGMT_PCR_MODEL_SHARED);
  ASSERT_EQ(rc_of(dev.transmit(kStartupClear)), 0u);
  ASSERT_EQ(rc_of(dev.transmit(pcr16_extend(0x42))), 0u);
  const Bytes pcr = digest_of(dev.transmit(kPcr16Read));
  const Bytes blob = dev.exit();
  dev.commit();
  for (size_t i = 0; i < blob.size(); ++i) {
    Bytes bad = blob;
    bad[i] ^= uint8_t(1u << (i % 8));
    const uint32_t rc = resume_rc(dev, bad);
    ASSERT_TRUE(is_refusal(rc)) << "byte " << i << " flipped: rc " << mctpm::rc_name(rc);
  }
  for (size_t n = 0; n < blob.size(); n += (n < 96 ? 1 : 13)) {
    const uint32_t rc = resume_rc(dev, Bytes(blob.begin(), blob.begin() + long(n)));
    if (n == 0) continue;  // RESUME of size 0 re-enters a loaded context; none is loaded
    ASSERT_TRUE(is_refusal(rc)) << "truncated to " << n << ": rc " << mctpm::rc_name(rc);
  }
  for (size_t extra : {1u, 15u, 16u, 32u}) {
    Bytes longer = blob;
    longer.insert(longer.end(), extra, 0);
    ASSERT_TRUE(is_refusal(resume_rc(dev, longer))) << extra << " bytes appended";
  }
  EXPECT_EQ(dev.state().slot, MCTPM_MGMT_SLOT_EMPTY) << "a refused blob left something loaded";
  ASSERT_EQ(resume_rc(dev, blob), 0u) << "the genuine blob after all the refusals";
  EXPECT_EQ(digest_of(dev.transmit(kPcr16Read)), pcr);
}

TEST(DeviceOnChip, ABlobSealedUnderOtherPlatformPcrsIsRefused) {
  Chip chip(6);
  mctpm::Device dev(*chip.tpm);
  dev.xon(MCTPM_MGMT_DEFAULT_PCR_MASK);
  dev.launch(MCTPM_MGMT_PCR_MODEL_SHARED);
  const Bytes blob = dev.exit();
  dev.commit();
  // The host extends platform PCR 0 (ring 0, the root TPM): another platform state.
  Bytes extend0 = pcr16_extend(0x99);
  extend0[13] = 0;
  ASSERT_EQ(rc_of(dev.transmit(extend0)), 0u);
  EXPECT_EQ(resume_rc(dev, blob), uint32_t(MCTPM_MGMT_RC_PLATFORM));
}

TEST(DeviceOnChip, ClearedContextsBlobIsRefused) {
  Chip chip(7);
  mctpm::Device dev(*chip.tpm);
  dev.xon(MCTPM_MGMT_DEFAULT_PCR_MASK);
  const uint32_t id = dev.launch(MCTPM_MGMT_PCR_MODEL_SHARED);
  const Bytes blob = dev.exit();
  dev.commit();
  dev.clear(id);
  EXPECT_EQ(resume_rc(dev, blob), uint32_t(MCTPM_MGMT_RC_CLEARED));
  EXPECT_EQ(dev.context(id).status, MCTPM_MGMT_CONTEXT_CLEARED);
}

TEST(DeviceOnChip, Ring1CannotExtendPlatformPcrsAndTheHardwareCountsNoDenial) {
  Chip chip(8);
  mctpm::Device dev(*chip.tpm);
  dev.xon(MCTPM_MGMT_DEFAULT_PCR_MASK);
  dev.launch(MCTPM_MGMT_PCR_MODEL_SHARED);
  ASSERT_EQ(rc_of(dev.transmit(kStartupClear)), 0u);
  for (uint8_t pcr : {0, 7, 15}) {
    Bytes c = pcr16_extend(0x66);
    c[13] = pcr;
    EXPECT_EQ(rc_of(dev.transmit(c)) & 0xFFFu, 0x907u) << "PCR " << int(pcr) << ": TPM_RC_LOCALITY";
  }
  // The firmware refused before touching the root region: the RTL policy
  // (the backstop) had nothing to drop.
  EXPECT_EQ(dev.state().denied_count, 0u);
}

class SchedulerOnChip : public ::testing::Test {
 protected:
  Chip chip{5};
  TempDir store_dir;
  std::vector<std::string> log;
  std::unique_ptr<mctpm::Scheduler> make() {
    auto s = std::make_unique<mctpm::Scheduler>(mctpm::Device(*chip.tpm), mctpm::ContextStore(store_dir.path()),
                                                [this](const std::string& l) { log.push_back(l); });
    s->recover(MCTPM_MGMT_DEFAULT_PCR_MASK);
    return s;
  }
  bool logged(const std::string& needle) {
    for (const auto& l : log)
      if (l.find(needle) != std::string::npos) return true;
    return false;
  }
};

TEST_F(SchedulerOnChip, SwapsBetweenTwoContextsEachWithItsOwnPcr16) {
  auto s = make();
  s->launch("a", MCTPM_MGMT_PCR_MODEL_SHARED);
  s->launch("b", MCTPM_MGMT_PCR_MODEL_PRIVATE);
  for (const char* vm : {"a", "b"}) ASSERT_EQ(rc_of(s->run(vm, kStartupClear)), 0u);
  ASSERT_EQ(rc_of(s->run("a", pcr16_extend(0xAA))), 0u);
  ASSERT_EQ(rc_of(s->run("b", pcr16_extend(0xBB))), 0u);
  const Bytes pa = digest_of(s->run("a", kPcr16Read));
  const Bytes pb = digest_of(s->run("b", kPcr16Read));
  EXPECT_NE(pa, pb);
  EXPECT_EQ(digest_of(s->run("a", kPcr16Read)), pa);
  EXPECT_EQ(digest_of(s->run("b", kPcr16Read)), pb);
  // The root TPM in between: no swap, the loaded VM re-enters afterwards.
  const uint64_t swaps = s->stats().swaps;
  const Bytes root = digest_of(s->run_root(kPcr16Read));
  EXPECT_NE(root, pb);
  EXPECT_EQ(digest_of(s->run("b", kPcr16Read)), pb);
  EXPECT_EQ(s->stats().swaps, swaps);
  EXPECT_GE(s->stats().reentries, 1u);
  EXPECT_EQ(s->stats().commands.at("a"), 4u);  // Startup, PCR_Extend, two PCR_Reads
}

TEST_F(SchedulerOnChip, AVmsManagementCommandGetsCommandCodeAndTheContextGoesOn) {
  auto s = make();
  s->launch("a", MCTPM_MGMT_PCR_MODEL_SHARED);
  ASSERT_EQ(rc_of(s->run("a", kStartupClear)), 0u);
  const Bytes get_state = {0x80, 0x01, 0, 0, 0, 10, 0x20, 0, 0x01, 0x08};
  const Bytes r = s->run("a", get_state);
  EXPECT_EQ(r, mctpm::tpm_error_response(0x143));
  EXPECT_TRUE(logged("vm a sent management command 0x20000108 : trapped"));
  EXPECT_EQ(s->stats().trapped_commands, 1u);
  EXPECT_EQ(rc_of(s->run("a", kPcr16Read)), 0u);
}

TEST_F(SchedulerOnChip, RequestsOfManyThreadsAllComplete) {
  auto s = make();
  s->launch("a", MCTPM_MGMT_PCR_MODEL_SHARED);
  s->launch("b", MCTPM_MGMT_PCR_MODEL_SHARED);
  for (const char* vm : {"a", "b"}) ASSERT_EQ(rc_of(s->run(vm, kStartupClear)), 0u);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&, i] {
      for (int k = 0; k < 3; ++k) EXPECT_EQ(rc_of(s->run(i % 2 ? "a" : "b", kPcr16Read)), 0u);
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(s->stats().commands.at("a"), 7u);
  EXPECT_EQ(s->stats().commands.at("b"), 7u);
}

TEST_F(SchedulerOnChip, RecoversAfterACrashBetweenExitAndCommit) {
  Bytes pa;
  {
    auto s = make();
    s->launch("a", MCTPM_MGMT_PCR_MODEL_SHARED);
    ASSERT_EQ(rc_of(s->run("a", kStartupClear)), 0u);
    ASSERT_EQ(rc_of(s->run("a", pcr16_extend(0x5A))), 0u);
    pa = digest_of(s->run("a", kPcr16Read));
    s->exit("a");  // a committed blob exists
    ASSERT_EQ(rc_of(s->run("a", pcr16_extend(0x5B))), 0u);
    pa = digest_of(s->run("a", kPcr16Read));
  }
  {
    // The "crash": EXIT and the pending file written, COMMIT never sent.
    mctpm::Device dev(*chip.tpm);
    mctpm::ContextStore store(store_dir.path());
    store.save_pending("a", dev.exit());
  }
  auto s = make();  // a new scheduler on the same store and chip
  EXPECT_TRUE(logged("exited and committed")) << "recovery should commit the parked context";
  s->attach("a");  // recovery knows every stored context but serves none
  EXPECT_EQ(digest_of(s->run("a", kPcr16Read)), pa);
}

TEST_F(SchedulerOnChip, StateSurvivesAPowerCycleOfTheChip) {
  Bytes pa;
  {
    auto s = make();
    s->launch("a", MCTPM_MGMT_PCR_MODEL_SHARED);
    ASSERT_EQ(rc_of(s->run("a", kStartupClear)), 0u);
    ASSERT_EQ(rc_of(s->run("a", pcr16_extend(0x77))), 0u);
    pa = digest_of(s->run("a", kPcr16Read));
    s->exit("a");
  }
  chip.power_cycle();
  auto s = make();  // XON again (virtualization is off after power-on)
  s->attach("a");
  EXPECT_EQ(digest_of(s->run("a", kPcr16Read)), pa);
}

// mctpmd --store with a control socket session, as the CLI would speak it.
std::vector<std::string> control(const std::string& path, const std::string& request) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return {"error: connect"};
  }
  const std::string line = request + "\n";
  ::send(fd, line.data(), line.size(), 0);
  std::vector<std::string> out;
  std::string buf;
  char c;
  while (::recv(fd, &c, 1, 0) == 1) {
    if (c != '\n') {
      buf += c;
      continue;
    }
    out.push_back(buf);
    if (buf.rfind("ok", 0) == 0 || buf.rfind("error: ", 0) == 0) break;
    buf.clear();
  }
  ::close(fd);
  return out;
}

TEST(MctpmdControl, LaunchListExitResumeDetachAttachClear) {
  Chip chip(6);
  chip.tpm.reset();
  chip.transport.reset();
  TempDir store;
  const std::string sock = store.file("control.sock");
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const std::string dev = "sim:127.0.0.1:" + std::to_string(chip.sim->port());
    ::execl(MCTPMD_PATH, MCTPMD_PATH, "--device", dev.c_str(), "--store", store.path().c_str(), "--mssim-port", "0",
            "--swtpm-port", "0", "--poll-us", "0", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  for (int i = 0; i < 1200 && ::access(sock.c_str(), F_OK) != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto last = [](const std::vector<std::string>& r) { return r.empty() ? std::string() : r.back(); };

  EXPECT_EQ(last(control(sock, "launch web private")).rfind("ok web id=", 0), 0u);
  const auto listed = control(sock, "list");
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_NE(listed[0].find("model=private"), std::string::npos) << listed[0];
  // LAUNCH seals the new context out at once: its first blob is on disk.
  EXPECT_NE(listed[0].find("where=store"), std::string::npos) << listed[0];
  EXPECT_NE(listed[0].find("counter=1"), std::string::npos) << listed[0];
  EXPECT_EQ(last(control(sock, "resume web")), "ok web where=chip");
  EXPECT_NE(control(sock, "list")[0].find("where=chip"), std::string::npos);
  EXPECT_EQ(last(control(sock, "exit web")), "ok web where=store");
  EXPECT_NE(control(sock, "list")[0].find("where=store"), std::string::npos);
  EXPECT_EQ(last(control(sock, "resume web")), "ok web where=chip");
  EXPECT_EQ(last(control(sock, "detach web")), "ok web detached");
  EXPECT_EQ(last(control(sock, "attach web")).rfind("ok web id=", 0), 0u);
  EXPECT_EQ(last(control(sock, "launch web")).rfind("error: ", 0), 0u);
  EXPECT_EQ(last(control(sock, "launch ../x")).rfind("error: ", 0), 0u);
  EXPECT_EQ(last(control(sock, "status")), "ok");
  EXPECT_EQ(last(control(sock, "clear web")), "ok web cleared");
  EXPECT_EQ(control(sock, "list"), std::vector<std::string>{"ok"});
  EXPECT_EQ(::access(store.file("web.meta").c_str(), F_OK), -1);

  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
