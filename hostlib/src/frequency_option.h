// The freq=HZ option of the hardware device URIs: decimal Hz with an optional
// k or M suffix ("250k", "10M", "1000000").
#ifndef MCTPM_FREQUENCY_OPTION_H
#define MCTPM_FREQUENCY_OPTION_H

#include <cstdint>
#include <string>

namespace mctpm {

// False for empty, non-numeric, zero or > 2^32-1 Hz.
inline bool parse_frequency_hz(const std::string& s, uint32_t& out) {
  if (s.empty()) return false;
  uint64_t mult = 1;
  std::string digits = s;
  if (s.back() == 'k' || s.back() == 'K') mult = 1000, digits.pop_back();
  else if (s.back() == 'M') mult = 1000000, digits.pop_back();
  if (digits.empty() || digits.size() > 10) return false;
  uint64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + uint64_t(c - '0');
  }
  v *= mult;
  if (v == 0 || v > 0xFFFFFFFFull) return false;
  out = uint32_t(v);
  return true;
}

}  // namespace mctpm

#endif
