// Memory-mapped register access. Addresses come from the generated
// soc_map.h; nothing here names a raw address.
//
// With MCTPM_HOST_MMIO (the host unit tests) the accesses go to register
// models of the blocks instead (tests/firmware/host_mmio.cpp), so the SoC
// drivers that use only these two functions run unchanged against them.
#pragma once
#include <stdint.h>
#include "soc_map.h"

namespace soc {
#ifdef MCTPM_HOST_MMIO
uint32_t read32(uint32_t addr);
void write32(uint32_t addr, uint32_t v);
#else
inline uint32_t read32(uint32_t addr) { return *reinterpret_cast<volatile uint32_t*>(addr); }
inline void write32(uint32_t addr, uint32_t v) { *reinterpret_cast<volatile uint32_t*>(addr) = v; }
#endif
}  // namespace soc
