// mctpm-sim: the whole mctpm SoC, Verilated, as a process. A host transport
// connects over TCP (spec/sim_socket.def) and moves SPI frames; the harness
// drives the chip's SPI pins with the system and SPI clocks interleaved in
// simulated time, so cycle counts mean what they would on a board.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "Vmctpm_sim_top.h"
#include "Vmctpm_sim_top__Dpi.h"
#include "dual_clock_sim.h"
#include "pc_profiler.h"
#include "sim_server.h"
#include "spi_flash_model.h"
#include "sim_socket.h"
#include "nv_layout.h"
#include "soc_map.h"
#include "verilated.h"
#include "verilated_fst_c.h"

namespace po = boost::program_options;

namespace {
// The temporary flash file to remove when a signal ends the simulator (the
// flash model syncs every program and erase, so stopping is always safe).
char g_temp_flash[64] = {0};
// The temporary fuse file (no --fuses) to remove likewise.
char g_temp_fuses[64] = {0};
// The profile to write when a signal ends the simulator (--profile).
const PcProfiler* g_profiler = nullptr;

void on_stop_signal(int) {
  if (g_profiler) g_profiler->write();
  if (g_temp_flash[0]) unlink(g_temp_flash);
  if (g_temp_fuses[0]) unlink(g_temp_fuses);
  _exit(0);
}

// State of the noise-source model: the host's RNG, or a seeded generator
// when a reproducible run is asked for (--entropy-seed).
bool g_entropy_seeded = false;
uint64_t g_entropy_state = 0;
}  // namespace

// DPI: called by entropy_source_sim_model.v (a model, not a noise source).
extern "C" unsigned int mctpm_sim_entropy_word() {
  if (g_entropy_seeded) {
    // splitmix64: reproducible, statistically fine for a model.
    uint64_t z = (g_entropy_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return unsigned(z ^ (z >> 31));
  }
  unsigned int w = 0;
  if (getrandom(&w, sizeof w, 0) != sizeof w) {
    fprintf(stderr, "mctpm-sim: getrandom failed\n");
    abort();
  }
  return w;
}

namespace {

// ---- the fuses: the device secret, one line of 64 hex digits ----
// device_secret.v reads the file with $readmemh (+fuses=FILE), so it is the
// chip's identity: the same file makes a restarted simulator the same chip.
constexpr size_t kSecretBytes = MCTPM_SEAL_DEVICE_SECRET_BYTES;
constexpr size_t kMaxPlusargPath = 512;  // device_secret.v keeps 4096 bits of path

// Empty when `path` holds exactly one line of 64 hex digits, else what is wrong.
std::string check_fuse_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return "cannot read it";
  std::string line, extra;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  while (std::getline(in, extra)) {
    if (extra.find_first_not_of(" \t\r") != std::string::npos) return "it has more than one line";
  }
  if (line.size() != 2 * kSecretBytes) {
    return "its line has " + std::to_string(line.size()) + " characters, not " + std::to_string(2 * kSecretBytes) +
           " hex digits";
  }
  if (line.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) return "its line is not all hex digits";
  return "";
}

// A fresh random secret written to `path`, which must not exist: mode 0600,
// created exclusively so an existing chip identity is never overwritten.
bool write_new_fuse_file(const std::string& path, std::string& why) {
  unsigned char secret[kSecretBytes];
  if (getrandom(secret, sizeof secret, 0) != ssize_t(sizeof secret)) {
    why = "getrandom failed";
    return false;
  }
  std::string hex;
  char buf[3];
  for (unsigned char b : secret) {
    snprintf(buf, sizeof buf, "%02x", b);
    hex += buf;
  }
  hex += "\n";
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    why = strerror(errno);
    return false;
  }
  const bool ok = write(fd, hex.data(), hex.size()) == ssize_t(hex.size()) && fsync(fd) == 0;
  if (!ok) why = strerror(errno);
  close(fd);
  if (!ok) unlink(path.c_str());
  return ok;
}

using mctpm_sim::Reply;
using mctpm_sim::Request;

void put_be(std::vector<uint8_t>& v, uint64_t x, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) v.push_back(uint8_t(x >> (8 * i)));
}

Reply error(const std::string& msg) { return Reply{MCTPM_SIM_STATUS_ERROR, std::vector<uint8_t>(msg.begin(), msg.end())}; }

class Chip {
 public:
  Chip(VerilatedContext& ctx, uint32_t sys_hz, uint32_t spi_hz, const std::string& trace,
       const std::string& flash_path, size_t flash_size)
      : top_(new Vmctpm_sim_top(&ctx)),
        sim_(*top_, sys_hz, spi_hz),
        flash_(flash_path, flash_size),
        sys_hz_(sys_hz),
        spi_hz_(spi_hz) {
    if (!trace.empty()) {
      ctx.traceEverOn(true);
      fst_.reset(new VerilatedFstC);
      top_->trace(fst_.get(), 99);
      fst_->open(trace.c_str());
    }
    sim_.set_on_eval([this](uint64_t time_ps) { on_eval(time_ps); });
  }
  ~Chip() {
    if (fst_) fst_->close();
    top_->final();
  }

  // Reset, then run until the firmware waits for its first command.
  uint64_t boot() {
    booting_ = true;
    struct Booted {
      bool& b;
      ~Booted() { b = false; }
    } booted{booting_};
    cs_low_ = false;
    sim_.reset(16);
    const uint64_t start = sim_.sys_cycles();
    while ((top_->fw_status_o & 2u) == 0) {
      if (sim_.sys_cycles() - start > 20000000ull) throw std::runtime_error("firmware did not boot in 20 M cycles");
      sim_.run_sys_cycles(1000);
    }
    return sim_.sys_cycles() - start;
  }

  Reply handle(const Request& rq) {
    switch (rq.op) {
      case MCTPM_SIM_OP_XFER: {
        if (!cs_low_) {
          sim_.cs_assert();
          cs_low_ = true;
        }
        std::vector<uint8_t> miso(rq.payload.size());
        for (size_t i = 0; i < rq.payload.size(); ++i) miso[i] = sim_.spi_byte(rq.payload[i]);
        return Reply{MCTPM_SIM_STATUS_OK, miso};
      }
      case MCTPM_SIM_OP_CS_RELEASE:
        release();
        return Reply{MCTPM_SIM_STATUS_OK, {}};
      case MCTPM_SIM_OP_IDLE: {
        if (rq.payload.size() != 4) return error("IDLE takes a 4-byte nanosecond count");
        const uint32_t ns = (uint32_t(rq.payload[0]) << 24) | (uint32_t(rq.payload[1]) << 16) |
                            (uint32_t(rq.payload[2]) << 8) | rq.payload[3];
        sim_.advance_ns(ns);
        return Reply{MCTPM_SIM_STATUS_OK, {}};
      }
      case MCTPM_SIM_OP_INFO: {
        std::vector<uint8_t> p;
        put_be(p, sim_.sys_cycles(), 8);
        put_be(p, sim_.time_ps() / 1000, 8);
        put_be(p, sys_hz_, 4);
        put_be(p, spi_hz_, 4);
        put_be(p, top_->fw_cmd_cycles_o, 4);
        put_be(p, top_->pirq_no ? 1 : 0, 1);
        return Reply{MCTPM_SIM_STATUS_OK, p};
      }
      case MCTPM_SIM_OP_RESET: {
        const uint64_t c = boot();
        fprintf(stderr, "mctpm-sim: chip reset, firmware booted again in %llu cycles\n", (unsigned long long)c);
        return Reply{MCTPM_SIM_STATUS_OK, {}};
      }
      default:
        return error("unknown request op " + std::to_string(rq.op));
    }
  }

  // A client that vanishes mid-frame must not leave CS asserted.
  void release() {
    if (cs_low_) sim_.cs_release();
    cs_low_ = false;
  }

  bool trapped() const { return trapped_; }

  const PcProfiler* enable_profile(const std::string& path, uint32_t every) {
    profiler_.reset(new PcProfiler(path, MCTPM_ROM_BASE, MCTPM_ROM_SIZE, every));
    return profiler_.get();
  }
  void write_profile() {
    if (profiler_ && !profiler_->write()) fprintf(stderr, "mctpm-sim: cannot write the profile\n");
  }

 private:
  void on_eval(uint64_t time_ps) {
    if (fst_) fst_->dump(time_ps);
    // The NV flash model sits on the SoC's flash pins like the board's chip.
    flash_.eval(top_->flash_sck_o, top_->flash_cs_no, top_->flash_mosi_o, time_ps);
    top_->flash_miso_i = flash_.miso();
    const uint64_t c = sim_.sys_cycles();
    // Sample after a falling clock edge, once per cycle: the strobe is stable then.
    if (!top_->clk_i && c != last_sample_cycle_) {
      last_sample_cycle_ = c;
      if (top_->console_valid_o) fputc(top_->console_data_o, stderr);
      // Boot and the idle loop waiting for a command are not profiled.
      if (profiler_) {
        profiler_->cycle(top_->dbg_fetch_valid_o, top_->dbg_fetch_addr_o,
                         !booting_ && (top_->fw_status_o & 2u) == 0);
      }
    }
    if (top_->trap_o && !trapped_) {
      trapped_ = true;
      fprintf(stderr, "mctpm-sim: the CPU trapped at cycle %llu (firmware fault)\n", (unsigned long long)c);
    }
  }

  std::unique_ptr<Vmctpm_sim_top> top_;
  DualClockSim<Vmctpm_sim_top> sim_;
  std::unique_ptr<VerilatedFstC> fst_;
  SpiFlashModel flash_;
  uint32_t sys_hz_, spi_hz_;
  bool cs_low_ = false;
  bool trapped_ = false;
  bool booting_ = false;
  uint64_t last_sample_cycle_ = ~0ull;
  std::unique_ptr<PcProfiler> profiler_;
};

}  // namespace

int main(int argc, char** argv) {
  po::options_description desc("mctpm-sim: the mctpm chip, Verilated, reachable over a local socket");
  std::string firmware, trace, port_file, flash_path, fuses_path;
  size_t flash_size;
  uint32_t sys_hz, spi_hz;
  uint16_t port;
  uint64_t seed = 0;
  std::string profile;
  uint32_t profile_every;
  desc.add_options()
    ("help,h", "show this help")
    ("port", po::value(&port)->default_value(MCTPM_SIM_DEFAULT_PORT), "TCP port on 127.0.0.1 (0: any free port)")
    ("port-file", po::value(&port_file), "write the port actually bound to this file")
    ("firmware", po::value(&firmware)->default_value(MCTPM_DEFAULT_FIRMWARE_HEX), "firmware ROM image ($readmemh words)")
    ("sys-hz", po::value(&sys_hz)->default_value(MCTPM_SYS_CLOCK_HZ), "system clock of the simulated chip")
    ("spi-hz", po::value(&spi_hz)->default_value(MCTPM_SPI_CLOCK_HZ), "SPI clock the host drives")
    ("flash", po::value(&flash_path),
     "file backing the NV flash model (a model of the board's SPI flash; created erased if missing). "
     "Without it the model uses a temporary file and nothing survives mctpm-sim")
    ("flash-size", po::value(&flash_size)->default_value(MCTPM_NV_MIN_FLASH_SIZE), "flash model bytes; 0 = size of the existing file")
    ("fuses", po::value(&fuses_path),
     "file holding the device secret (the model of the chip's fuses): one line of 64 hex digits. Created "
     "with a fresh random secret (mode 0600) if missing, so restarting with the same file is the same chip "
     "(its sealed context blobs load again). Without it the chip gets a random secret in a temporary file "
     "removed at exit: a new chip every run")
    ("trace", po::value(&trace), "dump an FST waveform to this file (slow: ~0.3 M cycles/s)")
    ("entropy-seed", po::value(&seed), "make the noise-source model reproducible from this seed")
    ("profile", po::value(&profile),
     "write a PC histogram (cycles per instruction address while the firmware runs commands) to this "
     "file each time a client disconnects and when stopped; scripts/profile_report.py names the functions")
    ("profile-every", po::value(&profile_every)->default_value(1), "sample one cycle in N for --profile");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "mctpm-sim: " << e.what() << "\n" << desc;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << desc;
    return 0;
  }
  if (vm.count("entropy-seed")) {
    g_entropy_seeded = true;
    g_entropy_state = seed;
  }
  if (!std::ifstream(firmware)) {
    std::cerr << "mctpm-sim: cannot read firmware image " << firmware << "\n";
    return 2;
  }

  // Without --flash, NV lives in a temporary file removed at exit.
  std::string temp_flash;
  if (flash_path.empty()) {
    char tmpl[] = "/tmp/mctpm-sim-flash-XXXXXX";
    const int fd = mkstemp(tmpl);
    if (fd < 0) {
      std::cerr << "mctpm-sim: cannot create a temporary flash file\n";
      return 1;
    }
    close(fd);
    unlink(tmpl);  // the model creates it erased
    temp_flash = flash_path = tmpl;
    snprintf(g_temp_flash, sizeof g_temp_flash, "%s", tmpl);
  }
  // The device secret: --fuses FILE (created if missing), else a temporary
  // file with a fresh secret, removed at exit.
  std::string temp_fuses;
  if (fuses_path.empty()) {
    char tmpl[] = "/tmp/mctpm-sim-fuses-XXXXXX";
    const int fd = mkstemp(tmpl);  // mode 0600
    if (fd < 0) {
      std::cerr << "mctpm-sim: cannot create a temporary fuse file\n";
      return 1;
    }
    close(fd);
    unlink(tmpl);
    std::string why;
    if (!write_new_fuse_file(tmpl, why)) {
      std::cerr << "mctpm-sim: cannot write the temporary fuse file " << tmpl << ": " << why << "\n";
      return 1;
    }
    temp_fuses = fuses_path = tmpl;
    snprintf(g_temp_fuses, sizeof g_temp_fuses, "%s", tmpl);
  } else {
    struct stat st;
    if (stat(fuses_path.c_str(), &st) != 0) {
      std::string why;
      if (errno != ENOENT || !write_new_fuse_file(fuses_path, why)) {
        std::cerr << "mctpm-sim: cannot create the fuse file " << fuses_path << ": "
                  << (why.empty() ? strerror(errno) : why) << "\n";
        return 2;
      }
      std::cerr << "mctpm-sim: new chip: a fresh device secret is in " << fuses_path << "\n";
    }
    if (fuses_path.size() > kMaxPlusargPath) {
      std::cerr << "mctpm-sim: the fuse file's path is longer than " << kMaxPlusargPath
                << " characters (the RTL's +fuses plusarg holds no more)\n";
      return 2;
    }
    const std::string bad = check_fuse_file(fuses_path);
    if (!bad.empty()) {
      std::cerr << "mctpm-sim: the fuse file " << fuses_path << " is not one line of 64 hex digits: " << bad
                << " (left unchanged)\n";
      return 2;
    }
  }

  signal(SIGTERM, on_stop_signal);
  signal(SIGINT, on_stop_signal);
  struct RemoveAtExit {
    std::string path;
    ~RemoveAtExit() {
      if (!path.empty()) unlink(path.c_str());
    }
  } remove_temp{temp_flash}, remove_temp_fuses{temp_fuses};

  try {
    VerilatedContext ctx;
    const std::string plus = "+firmware=" + firmware;
    const std::string plus_fuses = "+fuses=" + fuses_path;
    const char* vargs[] = {"mctpm-sim", plus.c_str(), plus_fuses.c_str()};
    ctx.commandArgs(3, vargs);
    Chip chip(ctx, sys_hz, spi_hz, trace, flash_path, flash_size);
    if (!profile.empty()) g_profiler = chip.enable_profile(profile, profile_every);
    mctpm_sim::SimServer server(port);
    const auto t0 = std::chrono::steady_clock::now();
    const uint64_t boot = chip.boot();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!port_file.empty()) std::ofstream(port_file) << server.port() << "\n";
    fprintf(stderr,
            "mctpm-sim: firmware booted in %llu cycles (simulated at %.1f M cycles/s); sys %u Hz, SPI %u Hz; "
            "listening on 127.0.0.1:%u\n",
            (unsigned long long)boot, boot / secs / 1e6, sys_hz, spi_hz, server.port());
    server.serve([&](const Request& rq) { return chip.handle(rq); },
                 [&] {
                   chip.release();
                   chip.write_profile();
                 });
    chip.write_profile();
    g_profiler = nullptr;
  } catch (const std::exception& e) {
    std::cerr << "mctpm-sim: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
