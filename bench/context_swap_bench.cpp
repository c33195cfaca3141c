// mctpm-swap-bench: what switching the chip between two VMs' contexts costs,
// on the simulated chip (50 MHz core, 33 MHz SPI), end to end from the first
// SPI byte of a command to the last byte of its response. It drives the
// management commands one by one (spec/management.md) so that every step
// of a swap is measured on its own: the trap of the first management command
// in ring 1, EXIT (seal), COMMIT (NV log + scrub), RESUME (verify, unseal,
// enter ring 1). A benchmark, not a test: it prints tables.
#include <stdio.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "management.h"
#include "mctpm/error.h"
#include "mctpm/sim_transport.h"
#include "mctpm/tpm_spi.h"

namespace po = boost::program_options;

namespace {

using Bytes = std::vector<uint8_t>;

Bytes command(uint16_t tag, uint32_t cc, const Bytes& body) {
  const uint32_t size = uint32_t(10 + body.size());
  Bytes c = {uint8_t(tag >> 8),   uint8_t(tag),        uint8_t(size >> 24), uint8_t(size >> 16), uint8_t(size >> 8),
             uint8_t(size),       uint8_t(cc >> 24),   uint8_t(cc >> 16),   uint8_t(cc >> 8),    uint8_t(cc)};
  c.insert(c.end(), body.begin(), body.end());
  return c;
}

uint32_t rc_of(const Bytes& r) {
  return r.size() < 10 ? 0xFFFFFFFFu : uint32_t(r[6]) << 24 | uint32_t(r[7]) << 16 | uint32_t(r[8]) << 8 | r[9];
}

struct Sample {
  double cycles = 0, us = 0, fw = 0;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

class Bench {
 public:
  Bench(mctpm::SimTransport& sim, mctpm::TpmSpi& tpm) : sim_(sim), tpm_(tpm) {}

  // Sends one command; expect_rc is the response code it must get.
  Bytes send(const Bytes& cmd, uint32_t expect_rc, Sample* s = nullptr) {
    const auto a = sim_.info();
    Bytes r = tpm_.transmit(0, cmd);
    const auto b = sim_.info();
    if (rc_of(r) != expect_rc) {
      char msg[160];
      snprintf(msg, sizeof msg, "command 0x%02x%02x%02x%02x answered rc 0x%x, expected 0x%x", cmd[6], cmd[7], cmd[8],
               cmd[9], rc_of(r), expect_rc);
      throw mctpm::Error(mctpm::Error::Kind::Device, msg);
    }
    if (s) {
      s->cycles += double(b.sys_cycles - a.sys_cycles);
      s->us += double(b.time_ns - a.time_ns) / 1000.0;
      s->fw += double(b.exec_cycles);
    }
    return r;
  }

 private:
  mctpm::SimTransport& sim_;
  mctpm::TpmSpi& tpm_;
};

const Bytes kPwAuth = {0, 0, 0, 9, 0x40, 0, 0, 9, 0, 0, 0, 0, 0};  // TPM_RS_PW, empty auth

Bytes pcr_extend_16() {
  Bytes body = {0, 0, 0, 16};
  body.insert(body.end(), kPwAuth.begin(), kPwAuth.end());
  const Bytes tail = {0, 0, 0, 1, 0x00, 0x0b};
  body.insert(body.end(), tail.begin(), tail.end());
  body.insert(body.end(), 32, 0x22);
  return command(0x8002, 0x182, body);
}

Bytes sized(const Bytes& blob) {
  Bytes b = {uint8_t(blob.size() >> 8), uint8_t(blob.size())};
  b.insert(b.end(), blob.begin(), blob.end());
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  uint16_t port;
  int reps;
  po::options_description desc("mctpm-swap-bench: cost of context swaps on the simulated chip");
  desc.add_options()("help,h", "show this help")("host", po::value(&host)->default_value(host), "mctpm-sim host")(
      "port", po::value(&port)->required(), "mctpm-sim port (a fresh chip: the bench turns virtualization on)")(
      "reps", po::value(&reps)->default_value(10), "swaps to measure");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    if (vm.count("help")) {
      std::cout << desc;
      return 0;
    }
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "mctpm-swap-bench: " << e.what() << "\n" << desc;
    return 2;
  }

  try {
    mctpm::SimTransport sim(host, port);
    mctpm::TpmSpi tpm(sim);
    Bench b(sim, tpm);
    constexpr uint16_t kNoSessions = 0x8001;
    const Bytes startup = command(kNoSessions, 0x144, {0, 0});
    const Bytes extend = pcr_extend_16();
    const Bytes exit_cmd = command(kNoSessions, MCTPM_MGMT_CC_EXIT, {});
    const Bytes commit_cmd = command(kNoSessions, MCTPM_MGMT_CC_COMMIT, {});
    const uint32_t mask = MCTPM_MGMT_DEFAULT_PCR_MASK;

    b.send(startup, 0);  // the root TPM (ring 0)
    b.send(command(kNoSessions, MCTPM_MGMT_CC_XON, {uint8_t(mask >> 24), uint8_t(mask >> 16), uint8_t(mask >> 8),
                                                     uint8_t(mask)}),
           0);
    // Two contexts, A and B, each started; B ends up sealed on the host.
    Bytes blob[2];
    Sample launch;
    for (int i = 0; i < 2; ++i) {
      b.send(command(kNoSessions, MCTPM_MGMT_CC_LAUNCH, {MCTPM_MGMT_PCR_MODEL_SHARED}), 0, &launch);
      b.send(startup, 0);
      b.send(extend, 0);
      if (i == 0) {
        b.send(exit_cmd, MCTPM_MGMT_RC_TRAPPED);
        Bytes r = b.send(exit_cmd, 0);
        blob[0].assign(r.begin() + 12, r.end());
        b.send(commit_cmd, 0);
      }
    }
    // Now B is on the chip in ring 1, A is sealed. Alternate.
    std::vector<double> trap_c, exit_c, commit_c, resume_c, swap_c, swap_us, ext_c, ext_us, ext_sw_c, ext_sw_us;
    std::vector<double> exit_fw, commit_fw, resume_fw, trap_us, exit_us, commit_us, resume_us;
    size_t blob_bytes = 0;
    int on_chip = 1;
    for (int i = 0; i < reps; ++i) {
      Sample plain;
      b.send(extend, 0, &plain);  // PCR_Extend with no swap in front
      ext_c.push_back(plain.cycles);
      ext_us.push_back(plain.us);

      Sample trap, ex, co, re, ext;
      b.send(exit_cmd, MCTPM_MGMT_RC_TRAPPED, &trap);
      Bytes r = b.send(exit_cmd, 0, &ex);
      blob[on_chip].assign(r.begin() + 12, r.end());
      blob_bytes = blob[on_chip].size();
      b.send(commit_cmd, 0, &co);
      const int next = 1 - on_chip;
      b.send(command(kNoSessions, MCTPM_MGMT_CC_RESUME, sized(blob[next])), 0, &re);
      on_chip = next;
      b.send(extend, 0, &ext);  // the command the swap was for
      trap_c.push_back(trap.cycles);
      exit_c.push_back(ex.cycles);
      commit_c.push_back(co.cycles);
      resume_c.push_back(re.cycles);
      trap_us.push_back(trap.us);
      exit_us.push_back(ex.us);
      commit_us.push_back(co.us);
      resume_us.push_back(re.us);
      exit_fw.push_back(ex.fw);
      commit_fw.push_back(co.fw);
      resume_fw.push_back(re.fw);
      swap_c.push_back(trap.cycles + ex.cycles + co.cycles + re.cycles);
      swap_us.push_back(trap.us + ex.us + co.us + re.us);
      ext_sw_c.push_back(trap.cycles + ex.cycles + co.cycles + re.cycles + ext.cycles);
      ext_sw_us.push_back(trap.us + ex.us + co.us + re.us + ext.us);
    }

    const auto info = sim.info();
    printf("mctpm-swap-bench: %d swaps between two shared-PCR contexts; chip %.0f MHz, SPI %.0f MHz (simulated)\n\n",
           reps, info.sys_hz / 1e6, info.spi_hz / 1e6);
    printf("sealed TPMCS (blob) of a started context: %zu bytes (header %u, ciphertext %zu, MAC %u)\n\n", blob_bytes,
           unsigned(MCTPM_BLOB_HEADER_SIZE), blob_bytes - MCTPM_BLOB_HEADER_SIZE - MCTPM_BLOB_MAC_SIZE,
           unsigned(MCTPM_BLOB_MAC_SIZE));
    printf("| step                                   | cycles (median) | us end to end | firmware cycles |\n");
    printf("|----------------------------------------|----------------:|--------------:|----------------:|\n");
    auto row = [](const char* name, const std::vector<double>& c, const std::vector<double>& us,
                  const std::vector<double>* fw) {
      printf("| %-38s | %15.0f | %13.1f | %15s |\n", name, median(c), median(us),
             fw ? std::to_string(long(median(*fw))).c_str() : "-");
    };
    row("trap (EXIT arriving in ring 1)", trap_c, trap_us, nullptr);
    row("EXIT (seal, blob out)", exit_c, exit_us, &exit_fw);
    row("COMMIT (NV log record, scrub)", commit_c, commit_us, &commit_fw);
    row("RESUME (blob in, verify, unseal)", resume_c, resume_us, &resume_fw);
    row("full swap (trap+EXIT+COMMIT+RESUME)", swap_c, swap_us, nullptr);
    row("PCR_Extend, context already on chip", ext_c, ext_us, nullptr);
    row("PCR_Extend with a swap in front", ext_sw_c, ext_sw_us, nullptr);
    const double overhead = median(swap_us) / median(ext_sw_us) * 100.0;
    printf("\nswap overhead in a PCR_Extend that needs one: %.1f %% of its time (a command with RSA work would "
           "dilute it)\n",
           overhead);
  } catch (const mctpm::Error& e) {
    std::cerr << "mctpm-swap-bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
