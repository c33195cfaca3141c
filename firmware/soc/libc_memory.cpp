// memcpy, memset and memcmp for the soft CPU. Debian's picolibc for rv32 is
// built for size: its versions move one byte per loop turn (~20 cycles a
// byte on PicoRV32). These move aligned data a word at a time; the linker
// takes them before the library's. GCC must not turn their loops back into
// calls to themselves: the firmware is built with
// -fno-tree-loop-distribute-patterns (firmware/CMakeLists.txt). `used` keeps
// the global symbols under LTO, so calls the compiler emits late (block
// moves) bind here too and not to the library.
#include <stddef.h>
#include <stdint.h>

namespace {
// Words that may alias the callers' objects of any type.
typedef uint32_t __attribute__((may_alias)) word_t;
inline bool aligned4(uintptr_t a) { return (a & 3u) == 0; }
}  // namespace

extern "C" {

__attribute__((used)) void* memcpy(void* __restrict dst, const void* __restrict src, size_t n) {
  uint8_t* d = static_cast<uint8_t*>(dst);
  const uint8_t* s = static_cast<const uint8_t*>(src);
  if (n >= 8) {
    // Bytes up to a word boundary of the destination, then words.
    while (!aligned4(reinterpret_cast<uintptr_t>(d))) {
      *d++ = *s++;
      --n;
    }
    word_t* dw = reinterpret_cast<word_t*>(d);
    const uintptr_t off = reinterpret_cast<uintptr_t>(s) & 3u;
    if (off == 0) {
      const word_t* sw = reinterpret_cast<const word_t*>(s);
      for (; n >= 16; n -= 16, dw += 4, sw += 4) {
        const uint32_t a = sw[0], b = sw[1], c = sw[2], e = sw[3];
        dw[0] = a;
        dw[1] = b;
        dw[2] = c;
        dw[3] = e;
      }
      for (; n >= 4; n -= 4) *dw++ = *sw++;
      s = reinterpret_cast<const uint8_t*>(sw);
    } else {
      // Source not aligned: aligned word loads, each output word merged
      // from two of them (little-endian). The loads stay within the words
      // that hold source bytes.
      const word_t* sw = reinterpret_cast<const word_t*>(s - off);
      const unsigned rs = 8 * off, ls = 32 - rs;
      uint32_t cur = *sw++;
      for (; n >= 16; n -= 16, dw += 4, sw += 4) {
        const uint32_t a = sw[0], b = sw[1], c = sw[2], e = sw[3];
        dw[0] = (cur >> rs) | (a << ls);
        dw[1] = (a >> rs) | (b << ls);
        dw[2] = (b >> rs) | (c << ls);
        dw[3] = (c >> rs) | (e << ls);
        cur = e;
      }
      for (; n >= 8; n -= 8, dw += 2, sw += 2) {
        const uint32_t a = sw[0], b = sw[1];
        dw[0] = (cur >> rs) | (a << ls);
        dw[1] = (a >> rs) | (b << ls);
        cur = b;
      }
      if (n >= 4) {
        const uint32_t a = *sw++;
        *dw++ = (cur >> rs) | (a << ls);
        n -= 4;
      }
      s = reinterpret_cast<const uint8_t*>(sw) - 4 + off;
    }
    d = reinterpret_cast<uint8_t*>(dw);
  }
  while (n != 0) {
    *d++ = *s++;
    --n;
  }
  return dst;
}

__attribute__((used)) void* memset(void* dst, int value, size_t n) {
  uint8_t* d = static_cast<uint8_t*>(dst);
  const uint8_t v = static_cast<uint8_t>(value);
  while (n != 0 && !aligned4(reinterpret_cast<uintptr_t>(d))) {
    *d++ = v;
    --n;
  }
  const uint32_t w = v * 0x01010101u;
  word_t* dw = reinterpret_cast<word_t*>(d);
  for (; n >= 16; n -= 16, dw += 4) {
    dw[0] = w;
    dw[1] = w;
    dw[2] = w;
    dw[3] = w;
  }
  for (; n >= 4; n -= 4) *dw++ = w;
  d = reinterpret_cast<uint8_t*>(dw);
  while (n != 0) {
    *d++ = v;
    --n;
  }
  return dst;
}

__attribute__((used)) int memcmp(const void* a, const void* b, size_t n) {
  const uint8_t* p = static_cast<const uint8_t*>(a);
  const uint8_t* q = static_cast<const uint8_t*>(b);
  if (aligned4(reinterpret_cast<uintptr_t>(p) | reinterpret_cast<uintptr_t>(q))) {
    // Skip equal words; the first differing word is compared bytewise below.
    while (n >= 4 && *reinterpret_cast<const word_t*>(p) == *reinterpret_cast<const word_t*>(q)) {
      p += 4;
      q += 4;
      n -= 4;
    }
  }
  for (; n != 0; --n, ++p, ++q) {
    if (*p != *q) return int(*p) - int(*q);
  }
  return 0;
}

}  // extern "C"
