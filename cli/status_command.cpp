// mctpm status: what the chip says about itself, decoded.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <string>

#include "mctpm/sim_transport.h"
#include "mctpm/tpm_spi.h"
#include "mctpm/transport.h"
#include "subcommands.h"
#include "tpm_spi_regs.h"

namespace po = boost::program_options;

namespace mctpm_cli {

namespace {

// Field layouts of INTF_CAPABILITY and INTERFACE_ID (TCG PC Client PTP).
constexpr unsigned kXferSizeShift = 9;         // INTF_CAPABILITY 10:9
constexpr unsigned kIntfVersionShift = 28;     // INTF_CAPABILITY 30:28
constexpr uint32_t kBurstCountStatic = 1u << 8;
constexpr uint32_t kIdCapLocality = 1u << 8;   // INTERFACE_ID
constexpr unsigned kIdXferShift = 11;          // INTERFACE_ID 12:11
constexpr uint32_t kIdCapFifo = 1u << 13;

const char* xfer_size(unsigned code) {
  switch (code & 3) {
    case 0: return "legacy (4 bytes)";
    case 1: return "8 bytes";
    case 2: return "32 bytes";
    default: return "64 bytes";
  }
}

void flag(std::string& out, bool on, const char* name) {
  if (on) out += std::string(" ") + name;
}

std::string decode_access(uint8_t a) {
  std::string s;
  flag(s, a & MCTPM_TPM_ACCESS_VALID, "tpmRegValidSts");
  flag(s, a & MCTPM_TPM_ACCESS_ACTIVE, "activeLocality");
  flag(s, a & MCTPM_TPM_ACCESS_BEEN_SEIZED, "beenSeized");
  flag(s, a & MCTPM_TPM_ACCESS_PENDING, "pendingRequest");
  s += (a & MCTPM_TPM_ACCESS_ESTABLISHMENT) ? " (not established)" : " (established)";
  return s;
}

std::string decode_sts(uint32_t v) {
  std::string s;
  flag(s, v & MCTPM_TPM_STS_VALID, "stsValid");
  flag(s, v & MCTPM_TPM_STS_COMMAND_READY, "commandReady");
  flag(s, v & MCTPM_TPM_STS_DATA_AVAIL, "dataAvail");
  flag(s, v & MCTPM_TPM_STS_EXPECT, "Expect");
  flag(s, v & MCTPM_TPM_STS_SELFTEST_DONE, "selfTestDone");
  s += " burstCount " + std::to_string((v >> MCTPM_TPM_STS_BURST_SHIFT) & 0xFFFF);
  s += (v & MCTPM_TPM_STS_FAMILY_TPM2) ? " family TPM 2.0" : " family not TPM 2.0";
  return s;
}

}  // namespace

int run_status(const GlobalOptions& g, const std::vector<std::string>& args) {
  unsigned locality = 0;
  po::options_description desc("mctpm status: print identity, interface registers and, for the simulator, clocks\n\nOptions");
  desc.add_options()
      ("help,h", "show this help")
      ("locality", po::value<unsigned>(&locality)->default_value(0), "locality whose registers are read");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(desc).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << desc;
    return 0;
  }
  if (locality > 4) throw po::error("--locality must be 0..4");
  const uint8_t loc = uint8_t(locality);

  auto transport = mctpm::open_transport(g.device);
  mctpm::TpmSpi tpm(*transport, tpm_options(g));
  const auto ids = tpm.ids(loc);
  const uint8_t access = tpm.read8(loc, MCTPM_TPM_ACCESS);
  const uint32_t sts = tpm.read32(loc, MCTPM_TPM_STS);

  std::printf("device           %s\n", transport->describe().c_str());
  std::printf("VID 0x%04X  DID 0x%04X  RID 0x%02X\n", ids.vid, ids.did, ids.rid);
  std::printf("INTF_CAPABILITY  0x%08X: interface version %u, transfers up to %s%s, interrupts 0x%02X\n",
              ids.intf_capability, (ids.intf_capability >> kIntfVersionShift) & 7,
              xfer_size(ids.intf_capability >> kXferSizeShift),
              (ids.intf_capability & kBurstCountStatic) ? ", static burstCount" : "", ids.intf_capability & 0xFF);
  std::printf("INTERFACE_ID     0x%08X: type %u%s, transfers up to %s%s%s, RID 0x%02X\n", ids.interface_id,
              ids.interface_id & 0xF, (ids.interface_id & 0xF) == 0 ? " (FIFO for TPM 2.0)" : "",
              xfer_size(ids.interface_id >> kIdXferShift), (ids.interface_id & kIdCapLocality) ? ", capLocality" : "",
              (ids.interface_id & kIdCapFifo) ? ", capFIFO" : "", ids.interface_id >> 24);
  std::printf("ACCESS(%u)        0x%02X:%s\n", unsigned(loc), access, decode_access(access).c_str());
  std::printf("STS(%u)           0x%08X:%s\n", unsigned(loc), sts, decode_sts(sts).c_str());

  if (auto* sim = dynamic_cast<mctpm::SimTransport*>(transport.get())) {
    const auto info = sim->info();
    std::printf("sim cycles       %llu (%llu ns simulated)\n", (unsigned long long)info.sys_cycles,
                (unsigned long long)info.time_ns);
    std::printf("sim clocks       system %u Hz, SPI %u Hz\n", info.sys_hz, info.spi_hz);
    std::printf("last command     %u cycles\n", info.exec_cycles);
    std::printf("PIRQ#            %s\n", info.pirq_asserted ? "asserted (low)" : "deasserted (high)");
  }
  return 0;
}

}  // namespace mctpm_cli
