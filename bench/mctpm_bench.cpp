// mctpm-bench: what TPM commands cost on the simulated chip, in cycles of
// the 50 MHz system clock and in microseconds with SPI at 33 MHz, measured
// from the first SPI byte of a command to the last byte of its response the
// way Linux's tpm_tis sends them. A benchmark, not a test: it prints a table.
#include <stdio.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "mctpm/error.h"
#include "mctpm/sim_transport.h"
#include "mctpm/tpm_spi.h"

namespace po = boost::program_options;

namespace {

// Counts the SPI bytes a command costs, on top of the real transport.
class CountingTransport : public mctpm::Transport {
 public:
  explicit CountingTransport(mctpm::Transport& t) : t_(t) {}
  void transfer(const uint8_t* mosi, uint8_t* miso, size_t n) override {
    bytes += n;
    t_.transfer(mosi, miso, n);
  }
  void release() override { t_.release(); }
  void wait_us(uint32_t us) override { t_.wait_us(us); }
  uint64_t now_us() override { return t_.now_us(); }
  std::string describe() const override { return t_.describe(); }
  uint64_t bytes = 0;

 private:
  mctpm::Transport& t_;
};

std::vector<uint8_t> hex(const std::string& s) {
  std::vector<uint8_t> v;
  for (size_t i = 0; i + 1 < s.size(); i += 2) v.push_back(uint8_t(std::stoul(s.substr(i, 2), nullptr, 16)));
  return v;
}

std::string repeat(const std::string& h, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += h;
  return s;
}

// A command from its tag, code and body (hex); the size field is computed.
std::vector<uint8_t> command(uint16_t tag, uint32_t cc, const std::string& body_hex) {
  std::vector<uint8_t> body = hex(body_hex);
  const uint32_t size = uint32_t(10 + body.size());
  std::vector<uint8_t> c = {uint8_t(tag >> 8), uint8_t(tag), uint8_t(size >> 24), uint8_t(size >> 16),
                            uint8_t(size >> 8), uint8_t(size), uint8_t(cc >> 24), uint8_t(cc >> 16),
                            uint8_t(cc >> 8), uint8_t(cc)};
  c.insert(c.end(), body.begin(), body.end());
  return c;
}

struct Case {
  const char* name;
  std::vector<uint8_t> cmd;
};

struct Row {
  std::string name;
  size_t cmd_bytes, rsp_bytes;
  uint64_t spi_bytes;
  double cycles_med, cycles_min, cycles_max, us_med, fw_med;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  uint16_t port;
  int reps;
  po::options_description desc("mctpm-bench: cycles per TPM command on the simulated chip");
  desc.add_options()("help,h", "show this help")("host", po::value(&host)->default_value(host), "mctpm-sim host")(
      "port", po::value(&port)->required(), "mctpm-sim port")("reps", po::value(&reps)->default_value(20),
                                                               "repetitions per command");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    if (vm.count("help")) {
      std::cout << desc;
      return 0;
    }
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "mctpm-bench: " << e.what() << "\n" << desc;
    return 2;
  }

  try {
    mctpm::SimTransport sim(host, port);
    CountingTransport counting(sim);
    mctpm::TpmSpi tpm(counting);
    auto wall0 = std::chrono::steady_clock::now();
    const auto info0 = sim.info();

    const std::string d20 = repeat("11", 20), d32 = repeat("22", 32);
    const std::string pw_auth = "00000009" "40000009" "0000" "00" "0000";  // TPM_RS_PW, empty auth
    constexpr uint16_t kNoSessions = 0x8001, kSessions = 0x8002;
    tpm.transmit(0, command(kNoSessions, 0x144, "0000"));  // Startup(CLEAR)
    const std::vector<Case> cases = {
        {"PCR_Extend (sha256)", command(kSessions, 0x182, "00000010" + pw_auth + "00000001" "000b" + d32)},
        {"PCR_Extend (sha1+sha256)",
         command(kSessions, 0x182, "00000010" + pw_auth + "00000002" "0004" + d20 + "000b" + d32)},
        {"PCR_Event (64 bytes)", command(kSessions, 0x13c, "00000010" + pw_auth + "0040" + repeat("33", 64))},
        {"PCR_Read (sha256:16)", command(kNoSessions, 0x17e, "00000001" "000b" "03000001")},
        {"GetRandom (32)", command(kNoSessions, 0x17b, "0020")},
        {"GetCapability (fixed props)", command(kNoSessions, 0x17a, "00000006" "00000100" "0000007f")},
    };

    std::vector<Row> rows;
    for (const Case& c : cases) {
      std::vector<double> cyc, us, fw;
      size_t rsp_len = 0;
      uint64_t spi = 0;
      for (int i = 0; i < reps; ++i) {
        const auto a = sim.info();
        const uint64_t b0 = counting.bytes;
        const auto rsp = tpm.transmit(0, c.cmd);
        const auto b = sim.info();
        spi = counting.bytes - b0;
        if (rsp.size() < 10 || rsp[6] || rsp[7] || rsp[8] || rsp[9]) {
          fprintf(stderr, "mctpm-bench: %s failed: response code %02x%02x%02x%02x\n", c.name, rsp.size() > 9 ? rsp[6] : 0,
                  rsp.size() > 9 ? rsp[7] : 0, rsp.size() > 9 ? rsp[8] : 0, rsp.size() > 9 ? rsp[9] : 0);
          return 1;
        }
        rsp_len = rsp.size();
        cyc.push_back(double(b.sys_cycles - a.sys_cycles));
        us.push_back(double(b.time_ns - a.time_ns) / 1000.0);
        fw.push_back(double(b.exec_cycles));
      }
      rows.push_back(Row{c.name, c.cmd.size(), rsp_len, spi, median(cyc), *std::min_element(cyc.begin(), cyc.end()),
                         *std::max_element(cyc.begin(), cyc.end()), median(us), median(fw)});
    }
    const auto info1 = sim.info();
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();

    printf("mctpm-bench: %d repetitions per command; chip clock %.0f MHz, SPI %.0f MHz (simulated)\n\n", reps,
           info0.sys_hz / 1e6, info0.spi_hz / 1e6);
    printf("| command                       | cmd B | rsp B | SPI B | cycles (median) | min..max        | us end to end | firmware cycles |\n");
    printf("|-------------------------------|------:|------:|------:|----------------:|-----------------|--------------:|----------------:|\n");
    for (const Row& r : rows)
      printf("| %-29s | %5zu | %5zu | %5llu | %15.0f | %6.0f..%-7.0f | %13.1f | %15.0f |\n", r.name.c_str(), r.cmd_bytes,
             r.rsp_bytes, (unsigned long long)r.spi_bytes, r.cycles_med, r.cycles_min, r.cycles_max, r.us_med, r.fw_med);
    const double cycles = double(info1.sys_cycles - info0.sys_cycles);
    printf("\nsimulated cycles per second (whole run, incl. socket round trips): %.2f M (%.0f cycles in %.2f s)\n",
           cycles / wall / 1e6, cycles, wall);
  } catch (const mctpm::Error& e) {
    std::cerr << "mctpm-bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
