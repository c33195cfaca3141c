// TPM2_GetCapability: lists, paging (moreData) and the fixed properties
// tpm2-tools and tpm2-tss read.
#include <algorithm>
#include <map>

#include "tpm_client.h"

using namespace tpmtest;

namespace {

struct CapList {
  uint32_t rc = 0;
  uint8_t more = 0;
  uint32_t cap = 0;
  std::vector<std::pair<uint32_t, uint32_t>> items;  // (key, value)
};

class Capability : public TpmTest {
 protected:
  void SetUp() override {
    TpmTest::SetUp();
    startup();
  }
  CapList get(uint32_t cap, uint32_t property, uint32_t count) {
    Rsp r = exec(Cmd(kNoSessions, 0x17A).u32(cap).u32(property).u32(count).done());
    CapList out;
    out.rc = r.rc();
    if (out.rc != 0) return out;
    out.more = r.u8();
    out.cap = r.u32();
    EXPECT_EQ(out.cap, cap);
    const uint32_t n = r.u32();
    for (uint32_t i = 0; i < n; ++i) {
      switch (cap) {
        case 0x0: {  // TPMS_ALG_PROPERTY
          const uint32_t alg = r.u16();
          out.items.emplace_back(alg, r.u32());
          break;
        }
        case 0x6: {  // TPMS_TAGGED_PROPERTY
          const uint32_t pt = r.u32();
          out.items.emplace_back(pt, r.u32());
          break;
        }
        case 0x7: {  // TPMS_TAGGED_PCR_SELECT
          const uint32_t tag = r.u32();
          EXPECT_EQ(r.u8(), 3u);
          uint32_t bits = r.u8();
          bits |= r.u8() << 8;
          bits |= r.u8() << 16;
          out.items.emplace_back(tag, bits);
          break;
        }
        case 0x5: {  // TPMS_PCR_SELECTION
          const uint32_t alg = r.u16();
          EXPECT_EQ(r.u8(), 3u);
          uint32_t bits = r.u8();
          bits |= r.u8() << 8;
          bits |= r.u8() << 16;
          out.items.emplace_back(alg, bits);
          break;
        }
        case 0x8:
          out.items.emplace_back(r.u16(), 0);
          break;
        default:
          out.items.emplace_back(r.u32(), 0);
          break;
      }
    }
    EXPECT_EQ(r.left(), 0u);
    return out;
  }
  std::map<uint32_t, uint32_t> all_fixed() {
    const CapList l = get(6, 0x100, 127);
    EXPECT_EQ(l.rc, 0u);
    EXPECT_EQ(l.more, 0u);
    return {l.items.begin(), l.items.end()};
  }
};

uint32_t chars(const char* s) {
  return static_cast<uint32_t>(s[0]) << 24 | s[1] << 16 | s[2] << 8 | s[3];
}

}  // namespace

TEST_F(Capability, AlgorithmsAreTheHashesAndNullOnly) {
  const CapList l = get(0, 0, 127);
  ASSERT_EQ(l.rc, 0u);
  EXPECT_EQ(l.more, 0u);
  ASSERT_EQ(l.items.size(), 3u);
  EXPECT_EQ(l.items[0], std::make_pair(0x0004u, 0x4u));  // sha1: hash
  EXPECT_EQ(l.items[1], std::make_pair(0x000Bu, 0x4u));  // sha256: hash
  EXPECT_EQ(l.items[2].first, 0x0010u);                  // null
}

TEST_F(Capability, AlgorithmListPagesWithMoreData) {
  CapList l = get(0, 0, 1);
  ASSERT_EQ(l.items.size(), 1u);
  EXPECT_EQ(l.more, 1u);
  l = get(0, 0x0005, 1);
  ASSERT_EQ(l.items.size(), 1u);
  EXPECT_EQ(l.items[0].first, 0x000Bu);
  EXPECT_EQ(l.more, 1u);
  l = get(0, 0x000C, 1);
  EXPECT_EQ(l.items[0].first, 0x0010u);
  EXPECT_EQ(l.more, 0u);
}

TEST_F(Capability, CommandsListEveryImplementedCommandInOrder) {
  const CapList l = get(2, 0, 254);
  ASSERT_EQ(l.rc, 0u);
  EXPECT_EQ(l.more, 0u);
  const std::vector<uint32_t> want = {0x13C, 0x13D, 0x13E, 0x142, 0x143, 0x144, 0x145, 0x146,
                                      0x15C, 0x165, 0x16B, 0x176, 0x17A, 0x17B, 0x17C, 0x17E,
                                      0x17F, 0x180, 0x181, 0x182, 0x185, 0x186, 0x189, 0x18C};
  auto in = [](const std::vector<uint32_t>& v, uint32_t cc) {
    return std::find(v.begin(), v.end(), cc) != v.end();
  };
  // Handles: a PCR, a policy session or a sequence; two for StartAuthSession
  // and EventSequenceComplete.
  const std::vector<uint32_t> one = {0x13C, 0x13D, 0x13E, 0x15C, 0x16B, 0x17F, 0x180, 0x182, 0x189, 0x18C};
  const std::vector<uint32_t> two = {0x176, 0x185};
  const std::vector<uint32_t> rhandle = {0x176, 0x186};  // StartAuthSession, HashSequenceStart
  const std::vector<uint32_t> flushed = {0x13E, 0x185};  // the sequence completions
  ASSERT_EQ(l.items.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    const uint32_t a = l.items[i].first;
    EXPECT_EQ(a & 0xFFFF, want[i]);
    EXPECT_EQ((a >> 25) & 7, in(two, want[i]) ? 2u : in(one, want[i]) ? 1u : 0u) << std::hex << want[i];
    EXPECT_EQ((a >> 28) & 1, in(rhandle, want[i]) ? 1u : 0u) << std::hex << want[i];
    EXPECT_EQ((a >> 24) & 1, in(flushed, want[i]) ? 1u : 0u) << std::hex << want[i];
  }
  const auto fixed = all_fixed();
  EXPECT_EQ(fixed.at(0x129), want.size());  // TOTAL_COMMANDS
}

TEST_F(Capability, CommandsPageFromTheRequestedCode) {
  const CapList l = get(2, 0x17B, 2);
  ASSERT_EQ(l.items.size(), 2u);
  EXPECT_EQ(l.items[0].first & 0xFFFF, 0x17Bu);
  EXPECT_EQ(l.items[1].first & 0xFFFF, 0x17Cu);
  EXPECT_EQ(l.more, 1u);
}

TEST_F(Capability, PcrsAreBothBanksWithAll24Selected) {
  const CapList l = get(5, 0, 1);
  ASSERT_EQ(l.rc, 0u);
  ASSERT_EQ(l.items.size(), 2u);
  EXPECT_EQ(l.items[0], std::make_pair(0x0004u, 0xFFFFFFu));
  EXPECT_EQ(l.items[1], std::make_pair(0x000Bu, 0xFFFFFFu));
  EXPECT_EQ(l.more, 0u);
}

TEST_F(Capability, FixedPropertiesAreWhatTpm2ToolsExpects) {
  const auto p = all_fixed();
  EXPECT_EQ(p.at(0x100), chars("2.0\0"));  // FAMILY_INDICATOR
  EXPECT_EQ(p.at(0x101), 0u);             // LEVEL
  EXPECT_EQ(p.at(0x102), 159u);           // REVISION 1.59
  EXPECT_EQ(p.at(0x105), chars("MCTP"));  // MANUFACTURER
  EXPECT_NE(p.at(0x105), chars("SW  "));
  EXPECT_EQ(p.at(0x106), chars("mctp"));
  EXPECT_EQ(p.at(0x10D), 1024u);          // INPUT_BUFFER
  EXPECT_EQ(p.at(0x112), 24u);            // PCR_COUNT
  EXPECT_EQ(p.at(0x113), 3u);             // PCR_SELECT_MIN
  EXPECT_EQ(p.at(0x11A), 0x000Bu);        // CONTEXT_HASH
  EXPECT_EQ(p.at(0x11E), 4096u);          // MAX_COMMAND_SIZE
  EXPECT_EQ(p.at(0x11F), 4096u);          // MAX_RESPONSE_SIZE
  EXPECT_EQ(p.at(0x120), 32u);            // MAX_DIGEST
  EXPECT_EQ(p.at(0x123), 1u);             // PS_FAMILY_INDICATOR: PC Client
  EXPECT_EQ(p.at(0x12C), 1024u);          // NV_BUFFER_MAX
  for (uint32_t pt : {0x103u, 0x104u, 0x107u, 0x108u, 0x109u, 0x10Au, 0x10Bu, 0x10Cu, 0x10Eu,
                      0x10Fu, 0x110u, 0x111u, 0x114u, 0x117u, 0x118u, 0x119u, 0x11Bu, 0x121u,
                      0x122u, 0x124u, 0x125u, 0x128u, 0x12Au, 0x12Bu, 0x12Du}) {
    EXPECT_EQ(p.count(pt), 1u) << std::hex << pt;
  }
  for (const auto& kv : p) EXPECT_LT(kv.first, 0x200u) << "left the fixed group";
}

TEST_F(Capability, PropertyListsStartAtTheRequestedPropertyAndPage) {
  const auto all = all_fixed();
  std::map<uint32_t, uint32_t> paged;
  uint32_t next = 0x100;
  for (int guard = 0; guard < 100; ++guard) {
    const CapList l = get(6, next, 5);
    ASSERT_EQ(l.rc, 0u);
    ASSERT_LE(l.items.size(), 5u);
    for (const auto& kv : l.items) {
      EXPECT_GE(kv.first, next);
      paged.insert(kv);
    }
    if (!l.more) break;
    ASSERT_EQ(l.items.size(), 5u);
    next = l.items.back().first + 1;
  }
  EXPECT_EQ(paged, all);

  CapList one = get(6, 0x105, 1);
  ASSERT_EQ(one.items.size(), 1u);
  EXPECT_EQ(one.items[0].first, 0x105u);
  EXPECT_EQ(one.more, 1u);
  CapList from_none = get(6, 0, 1);  // TPM_PT_NONE: from the first property
  EXPECT_EQ(from_none.items[0].first, 0x100u);
}

TEST_F(Capability, VariablePropertiesStayInTheirGroup) {
  const CapList l = get(6, 0x200, 127);
  ASSERT_EQ(l.rc, 0u);
  EXPECT_EQ(l.more, 0u);
  std::map<uint32_t, uint32_t> p(l.items.begin(), l.items.end());
  for (uint32_t pt = 0x200; pt <= 0x214; ++pt) EXPECT_EQ(p.count(pt), 1u) << std::hex << pt;
  for (const auto& kv : p) EXPECT_LT(kv.first, 0x300u);
  // The fixed group's last property does not run on into the variable group.
  const CapList tail = get(6, 0x12D, 127);
  for (const auto& kv : tail.items) EXPECT_LT(kv.first, 0x200u);
  EXPECT_EQ(tail.more, 0u);
  EXPECT_TRUE(get(6, 0x300, 10).items.empty());
}

TEST_F(Capability, PropertyCountIsClippedToMaxTpmProperties) {
  const CapList l = get(6, 0x100, 0xFFFFFFFF);
  ASSERT_EQ(l.rc, 0u);
  EXPECT_EQ(l.items.size(), all_fixed().size());
}

TEST_F(Capability, HandleListsPerType) {
  CapList l = get(1, 0x00000000, 254);
  ASSERT_EQ(l.items.size(), 24u);
  for (uint32_t i = 0; i < 24; ++i) EXPECT_EQ(l.items[i].first, i);
  EXPECT_EQ(l.more, 0u);
  l = get(1, 20, 2);
  ASSERT_EQ(l.items.size(), 2u);
  EXPECT_EQ(l.items[0].first, 20u);
  EXPECT_EQ(l.more, 1u);
  l = get(1, 0x40000000, 254);
  std::vector<uint32_t> perm;
  for (auto& kv : l.items) perm.push_back(kv.first);
  EXPECT_EQ(perm, (std::vector<uint32_t>{0x40000001, 0x40000007, 0x40000009, 0x4000000A,
                                         0x4000000B, 0x4000000C, 0x4000000D}));
  for (uint32_t empty : {0x80000000u, 0x81000000u, 0x01000000u, 0x02000000u, 0x03000000u}) {
    l = get(1, empty, 254);
    EXPECT_EQ(l.rc, 0u);
    EXPECT_TRUE(l.items.empty()) << std::hex << empty;
    EXPECT_EQ(l.more, 0u);
  }
  EXPECT_EQ(get(1, 0x05000000, 1).rc, 0x2C4u);  // VALUE + P + 2
}

TEST_F(Capability, PcrPropertiesFollowThePcClientTable) {
  const CapList l = get(7, 0, 127);
  ASSERT_EQ(l.rc, 0u);
  std::map<uint32_t, uint32_t> p(l.items.begin(), l.items.end());
  EXPECT_EQ(p.at(0x00), 0x00FFFFu);                          // SAVE: 0-15
  EXPECT_EQ(p.at(0x01), 0x81FFFFu);                          // EXTEND_L0: 0-16, 23
  EXPECT_EQ(p.at(0x02), (1u << 16) | (1u << 23));            // RESET_L0: 16, 23
  EXPECT_EQ(p.at(0x06), (1u << 16) | (1u << 23) | (7u << 20));  // RESET_L2: + 20-22
  EXPECT_EQ(p.at(0x0A), 0x3Fu << 17);                        // RESET_L4: 17-22
  EXPECT_EQ(p.at(0x12), 0x3Fu << 17);                        // DRTM_RESET
  const CapList page = get(7, 0x02, 1);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].first, 0x02u);
  EXPECT_EQ(page.more, 1u);
}

TEST_F(Capability, EccCurvesIsAnEmptyList) {
  const CapList l = get(8, 0, 10);
  EXPECT_EQ(l.rc, 0u);
  EXPECT_TRUE(l.items.empty());
  EXPECT_EQ(l.more, 0u);
}

TEST_F(Capability, UnknownCapabilityIsParameterOneValue) {
  EXPECT_EQ(get(3, 0, 1).rc, 0x1C4u);
  EXPECT_EQ(get(0x100, 0, 1).rc, 0x1C4u);
}
