#include "models/heap.h"

#include <malloc.h>

namespace npeps {

void keep_freed_memory() {
  static const bool done = [] {
    mallopt(M_MMAP_THRESHOLD, 1 << 30);  // blocks under 1 GiB come from the heap
    mallopt(M_TRIM_THRESHOLD, 1 << 30);  // and the heap is not trimmed
    return true;
  }();
  (void)done;
}

}  // namespace npeps
