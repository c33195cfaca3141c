# Portable firmware sources (no SoC access): built for rv32 by
# firmware/CMakeLists.txt and for the host by tests/firmware/CMakeLists.txt.
# Include directory: firmware/ (plus the generated soc_map.h directory).
# They call the HAL (firmware/hal/*.h), which each build supplies.
set(MCTPM_FW_PORTABLE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/crypto/sha.cpp
  ${CMAKE_CURRENT_LIST_DIR}/crypto/hmac.cpp
  ${CMAKE_CURRENT_LIST_DIR}/crypto/kdf.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tpm/marshal.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tpm/dispatch.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tpm/startup.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tpm/testing.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tpm/capability.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tpm/random.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tpm/pcr.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tpm/clock.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tpm/nv_state.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tpm/session.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tpm/policy.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tpm/sequence.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tpm/management.cpp
  ${CMAKE_CURRENT_LIST_DIR}/context/tpmcs.cpp
  ${CMAKE_CURRENT_LIST_DIR}/context/sealed_blob.cpp
  ${CMAKE_CURRENT_LIST_DIR}/context/context_log.cpp
)
# SoC drivers that touch registers only through soc/mmio.h: the host tests
# build them too, against register models (tests/firmware/host_mmio.cpp).
set(MCTPM_FW_MMIO_DRIVER_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/soc/seal_engine.cpp
  ${CMAKE_CURRENT_LIST_DIR}/soc/ring.cpp
)
set(MCTPM_FW_PORTABLE_INCLUDE_DIR ${CMAKE_CURRENT_LIST_DIR})
