#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "cli/commands.h"

namespace npeps::cli {

std::string read_input(const std::string& path) {
  std::ostringstream s;
  if (path == "-") {
    s << std::cin.rdbuf();
    return s.str();
  }
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot open '" + path + "'");
  s << f.rdbuf();
  return s.str();
}

}  // namespace npeps::cli
