// Shared fixtures for the models tests: small tasks with reference
// programs, and a tiny network configuration that trains in milliseconds.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "datasets/task.h"
#include "dsl/parser.h"
#include "models/cross_aggregator.h"
#include "models/pccoder_net.h"

namespace npeps::test {

inline NetOptions tiny_net() {
  NetOptions o;
  o.embedding_dim = 4;
  o.var_encoder_dim = 8;
  o.dense_layers = 3;
  o.dense_growth = 8;
  o.hidden_dim = 16;
  return o;
}

// A cross aggregator as wide as tiny_net()'s state embedding.
inline AggregatorOptions tiny_aggregator(bool use_scores = false) {
  AggregatorOptions o;
  o.d_model = tiny_net().hidden_dim;
  o.heads = 2;
  o.d_k = 4;
  o.d_v = 4;
  o.d_inner = 32;
  o.dropout = 0;
  o.max_positions = 16;
  o.use_scores = use_scores;
  return o;
}

// A task for `program` (compact form) with `num_examples` random examples
// (small lists and ints, so that no statement overflows).
inline Task make_task(const std::string& program, int num_examples, std::uint64_t seed) {
  Task t;
  t.id = program;
  t.program = parse_compact(program);
  std::mt19937_64 rng(seed);
  while (static_cast<int>(t.examples.size()) < num_examples) {
    Example ex;
    for (Type ty : t.program->inputs) {
      if (ty == Type::Int) {
        ex.inputs.push_back(Value::integer(static_cast<int>(rng() % 6)));
      } else {
        std::vector<int> xs(1 + rng() % 8);
        for (int& x : xs) x = static_cast<int>(rng() % 21) - 10;
        ex.inputs.push_back(Value::list(xs));
      }
    }
    const RunResult r = run(*t.program, ex.inputs);
    if (r.status != EvalStatus::Ok) continue;
    ex.output = r.output;
    t.examples.push_back(ex);
  }
  return t;
}

inline const std::vector<std::string>& sample_programs() {
  static const std::vector<std::string> p = {
      "LIST|FILTER,EVEN,0|MAP,/2,1|SORT,2|TAIL,3",
      "LIST|SORT,0|REVERSE,1",
      "INT|LIST|TAKE,0,1|SUM,2",
      "LIST|LIST|ZIPWITH,+,0,1|MAXIMUM,2",
      "LIST|MAP,*2,0|FILTER,>0,1|COUNT,ODD,0",
      "LIST|INT|TAKE,1,0|SORT,0|ZIPWITH,+,2,3|SUM,4",
      "LIST|MAXIMUM,0|SCAN1L,max,0|DROP,1,2",
      "LIST|INT|ACCESS,1,0|MAP,-1,0|TAKE,2,3",
  };
  return p;
}

// One aggregator instance line for task `t` (made from `program`): the
// program itself as example 0's PE solution and, for a LIST first input,
// SORT as example 1's.
inline std::string aggregator_instance_line(const Task& t, const std::string& program,
                                            const std::string& id) {
  nlohmann::json j = task_to_json(t);
  j["id"] = id;
  j["pe_solutions"] =
      nlohmann::json::array({{{"example", 0}, {"program", program}, {"score", 1.0}},
                             {{"example", 1}, {"program", "LIST|SORT,0"}, {"score", 0.0}}});
  if (t.program->inputs[0] != Type::List) j["pe_solutions"].erase(1);
  j["full"] = false;
  return j.dump();
}

// A fresh, empty directory for one test.
inline std::filesystem::path temp_dir(const std::string& name) {
  auto d = std::filesystem::temp_directory_path() /
           ("npeps_models_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

}  // namespace npeps::test
