// Integrity check of a checkpoint's torch archive before torch reads it.
// The archive is a zip file whose records (stored, or deflated for some
// code) each have their CRC-32 in the zip's central directory. libtorch trusts those
// bytes: a flipped byte in the TorchScript code or the pickled tensor table
// made it allocate 20 GB or crash. Checking the directory's structure and
// every record's CRC-32 first catches any corruption of a file on its way
// (disk, copy, download). It is no defence against a crafted archive: a
// checkpoint, like a PyTorch file, is loaded only from a source you trust.
// Torch-free, so the check is fuzzed on its own (fuzz/fuzz_checkpoint.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace npeps {

// CRC-32 (zip, IEEE 802.3) of `bytes`.
std::uint32_t crc32(std::string_view bytes);

// "" when `archive` is a well-formed zip whose every record lies inside it
// and matches its CRC-32; otherwise what is wrong, e.g. "record
// 'archive/data.pkl' fails its CRC-32 check".
std::string archive_problem(std::string_view archive);

}  // namespace npeps
