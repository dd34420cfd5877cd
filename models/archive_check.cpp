#include "models/archive_check.h"

#include <zlib.h>

#include <array>
#include <string>

namespace npeps {
namespace {

// A record's name as messages show it: at most 64 bytes, anything but
// printable ASCII as '?' (a corrupt archive's "name" can be 65,535 bytes
// of binary; make fuzz found one that made a 64 KB message).
std::string printable_name(std::string_view name) {
  constexpr std::size_t kShown = 64;
  std::string out;
  for (std::size_t i = 0; i < name.size() && i < kShown; ++i)
    out += name[i] >= ' ' && name[i] <= '~' ? name[i] : '?';
  if (name.size() > kShown) out += "...";
  return out;
}

constexpr std::uint32_t kEndOfDirectory = 0x06054b50;
constexpr std::uint32_t kDirectoryEntry = 0x02014b50;
constexpr std::uint32_t kLocalHeader = 0x04034b50;
constexpr std::size_t kEndSize = 22, kEntrySize = 46, kLocalSize = 30;
constexpr std::size_t kMaxRecords = 1 << 16;

const std::array<std::uint32_t, 256>& crc_table() {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  return table;
}

// Little-endian fields; the caller checks the bounds.
std::uint32_t u16(std::string_view s, std::size_t at) {
  return static_cast<unsigned char>(s[at]) | static_cast<unsigned char>(s[at + 1]) << 8;
}
std::uint32_t u32(std::string_view s, std::size_t at) { return u16(s, at) | u16(s, at + 2) << 16; }

// Inflates a deflated record into `out`; false unless it gives exactly
// `size` bytes.
bool inflates_to(std::string_view deflated, std::size_t size, std::string& out) {
  // Deflate cannot shrink data more than ~1032:1; a larger claim is corrupt.
  if (size > 1032 * deflated.size() + 64) return false;
  out.assign(size, '\0');
  z_stream z{};
  if (inflateInit2(&z, -MAX_WBITS) != Z_OK) return false;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(deflated.data()));
  z.avail_in = static_cast<uInt>(deflated.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(size);
  const int r = inflate(&z, Z_FINISH);
  const bool ok = r == Z_STREAM_END && z.total_out == size;
  inflateEnd(&z);
  return ok;
}

}  // namespace

std::uint32_t crc32(std::string_view bytes) {
  const auto& table = crc_table();
  std::uint32_t c = 0xffffffffu;
  for (const char b : bytes) c = table[(c ^ static_cast<unsigned char>(b)) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

std::string archive_problem(std::string_view a) {
  // The end-of-directory record: the last signature within its maximal
  // comment length of the end.
  if (a.size() < kEndSize) return "too short for a zip archive";
  std::size_t end = std::string_view::npos;
  const std::size_t lowest = a.size() > kEndSize + 0xffff ? a.size() - kEndSize - 0xffff : 0;
  for (std::size_t at = a.size() - kEndSize + 1; at-- > lowest;)
    if (u32(a, at) == kEndOfDirectory) {
      end = at;
      break;
    }
  if (end == std::string_view::npos) return "no zip directory";
  const std::size_t records = u16(a, end + 10), dir_size = u32(a, end + 12),
                    dir_at = u32(a, end + 16);
  if (records == 0 || records > kMaxRecords) return "zip directory lists no records";
  if (dir_at > end || dir_size > end - dir_at) return "zip directory out of bounds";
  std::size_t at = dir_at;
  std::string inflated;
  for (std::size_t r = 0; r < records; ++r) {
    if (at + kEntrySize > end || u32(a, at) != kDirectoryEntry)
      return "zip directory entry " + std::to_string(r + 1) + " is corrupt";
    const std::uint32_t method = u16(a, at + 10), crc = u32(a, at + 16);
    const std::size_t size = u32(a, at + 20), stored = u32(a, at + 24);
    const std::size_t name_len = u16(a, at + 28), extra_len = u16(a, at + 30),
                      comment_len = u16(a, at + 32), local = u32(a, at + 42);
    if (at + kEntrySize + name_len > end) return "zip directory entry name out of bounds";
    const std::string record =
        "record '" + printable_name(a.substr(at + kEntrySize, name_len)) + "'";
    if (method != 0 && method != 8) return record + ": unknown compression method";
    if (method == 0 && size != stored) return record + ": sizes differ";
    if (local + kLocalSize > dir_at || u32(a, local) != kLocalHeader)
      return record + ": bad local header";
    const std::size_t data = local + kLocalSize + u16(a, local + 26) + u16(a, local + 28);
    if (data > dir_at || size > dir_at - data) return record + " is out of bounds";
    std::string_view bytes = a.substr(data, size);
    if (method == 8) {
      if (!inflates_to(bytes, stored, inflated)) return record + " does not inflate";
      bytes = inflated;
    }
    if (crc32(bytes) != crc) return record + " fails its CRC-32 check";
    at += kEntrySize + name_len + extra_len + comment_len;
  }
  return "";
}

}  // namespace npeps
