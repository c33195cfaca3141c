// Host implementation of hal/nv.h for the firmware unit tests: a NOR flash
// in memory with the semantics of the SoC driver (firmware/soc/nv_flash.cpp):
// sector erase to 0xFF, program ANDs, out-of-range and misaligned calls fail.
//
// Knobs for tests (declare them where a test needs them, e.g. in
// host_hal.h): host_hal::nv_reset(size) starts over with an erased device of
// `size` bytes (0: no flash, every call fails); host_hal::nv_set_failure(true)
// makes every erase and program fail without changing anything, like a flash
// that stopped answering; host_hal::nv_contents() shows the array.
#include "nv_layout.h"
#include "soc_map.h"
#include <cstdint>
#include <cstring>
#include <mutex>
#include <vector>

#include "hal/nv.h"

namespace {
constexpr size_t kDefaultSize = MCTPM_NV_MIN_FLASH_SIZE;  // the smallest flash the layout allows

struct Device {
  std::mutex lock;
  std::vector<uint8_t> bytes = std::vector<uint8_t>(kDefaultSize, 0xFF);
  bool failing = false;
};

Device& device() {
  static Device d;
  return d;
}

bool in_range(const Device& d, uint32_t offset, size_t n) {
  return !d.bytes.empty() && n <= d.bytes.size() && offset <= d.bytes.size() - n;
}
}  // namespace

namespace host_hal {
void nv_reset(size_t size) {
  Device& d = device();
  std::lock_guard<std::mutex> g(d.lock);
  d.bytes.assign(size, 0xFF);
  d.failing = false;
}

void nv_set_failure(bool failing) {
  Device& d = device();
  std::lock_guard<std::mutex> g(d.lock);
  d.failing = failing;
}

const std::vector<uint8_t>& nv_contents() { return device().bytes; }
}  // namespace host_hal

namespace hal {

uint32_t nv_size() {
  Device& d = device();
  std::lock_guard<std::mutex> g(d.lock);
  return static_cast<uint32_t>(d.bytes.size());
}

bool nv_read(uint32_t offset, uint8_t* dst, size_t n) {
  Device& d = device();
  std::lock_guard<std::mutex> g(d.lock);
  if (!in_range(d, offset, n)) return false;
  if (n) std::memcpy(dst, d.bytes.data() + offset, n);
  return true;
}

bool nv_erase_sector(uint32_t offset) {
  Device& d = device();
  std::lock_guard<std::mutex> g(d.lock);
  if (d.failing || offset % kNvSectorSize != 0 || !in_range(d, offset, kNvSectorSize)) return false;
  std::memset(d.bytes.data() + offset, 0xFF, kNvSectorSize);
  return true;
}

bool nv_program(uint32_t offset, const uint8_t* src, size_t n) {
  Device& d = device();
  std::lock_guard<std::mutex> g(d.lock);
  if (d.failing || !in_range(d, offset, n)) return false;
  for (size_t i = 0; i < n; ++i) d.bytes[offset + i] &= src[i];
  return true;
}

}  // namespace hal
