// soc/mmio.h for the host tests (MCTPM_HOST_MMIO): bus accesses of the SoC
// drivers go to the register models of the blocks they address; anything
// else is a test failure (a driver touched a block no model stands for).
#include <gtest/gtest.h>

#include "ring_host_model.h"
#include "seal_engine_host_model.h"
#include "soc/mmio.h"

namespace {
constexpr uint32_t kWindow = 0x1000;
bool in(uint32_t addr, uint32_t base) { return addr >= base && addr < base + kWindow; }
}  // namespace

namespace soc {

uint32_t read32(uint32_t addr) {
  if (in(addr, MCTPM_SEAL_BASE)) return seal_model::read(addr - MCTPM_SEAL_BASE);
  if (in(addr, MCTPM_RING_BASE)) return ring_model::read(addr - MCTPM_RING_BASE);
  ADD_FAILURE() << "read of unmodelled address 0x" << std::hex << addr;
  return 0;
}

void write32(uint32_t addr, uint32_t v) {
  if (in(addr, MCTPM_SEAL_BASE)) return seal_model::write(addr - MCTPM_SEAL_BASE, v);
  if (in(addr, MCTPM_RING_BASE)) return ring_model::write(addr - MCTPM_RING_BASE, v);
  ADD_FAILURE() << "write of unmodelled address 0x" << std::hex << addr;
}

}  // namespace soc
