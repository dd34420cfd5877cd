// Throughput of the PCCoder network (default, PCCoder-size: ~1.13M
// parameters) on this machine: training states/s (one Adam step on a batch
// of 100 states, 5 examples each) and inference states/s (PCCoderPolicy on a
// batch of 100 partial programs from many tasks; InferenceBeam: 100 states
// of one task, as a CAB beam), per torch thread count.
//
//   build/bench/bench_model                      # all
//   OPENBLAS_NUM_THREADS=1 build/bench/bench_model --benchmark_filter=Train
// The counter "states/s" is the number to read; the inference benchmarks
// also give "GFLOP/s", the matrix products' arithmetic rate (2 flops per
// multiply-add, counted from the batch's distinct variables; the gathers,
// SELU and softmax are not counted), to compare with the core's peak.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <random>
#include <span>

#include "dsl/ops.h"
#include "dsl/parser.h"
#include "dsl/statement_space.h"
#include "models/blas_kernel.h"
#include "models/encoding.h"
#include "models/panel_gemm.h"
#include "models/pccoder_policy.h"
#include "models/pccoder_trainer.h"
#include "models/trace.h"
#include "models/var_instances.h"

namespace npeps {
namespace {

constexpr int kBatch = 100;

// Teacher-forced traces of a few programs on random 5-example inputs.
const std::vector<TaskTrace>& traces() {
  static const std::vector<TaskTrace> t = [] {
    const char* programs[] = {
        "LIST|FILTER,EVEN,0|MAP,/2,1|SORT,2|TAIL,3",
        "INT|LIST|TAKE,0,1|MAP,*3,2|SCAN1L,+,3|REVERSE,4",
        "LIST|LIST|ZIPWITH,max,0,1|SORT,2|MINIMUM,1|DROP,4,3|SUM,5",
        "LIST|MAP,-1,0|FILTER,>0,1|COUNT,ODD,2",
    };
    std::mt19937_64 rng(1);
    std::vector<TaskTrace> out;
    for (int rep = 0; rep < 60; ++rep)
      for (const char* text : programs) {
        const Program p = parse_compact(text);
        std::vector<Example> examples;
        while (examples.size() < 5) {
          Example ex;
          for (Type ty : p.inputs) {
            if (ty == Type::Int) {
              ex.inputs.push_back(Value::integer(static_cast<int>(rng() % 5)));
            } else {
              std::vector<int> xs(1 + rng() % 20);
              for (int& x : xs) x = static_cast<int>(rng() % 41) - 20;
              ex.inputs.push_back(Value::list(xs));
            }
          }
          const RunResult r = run(p, ex.inputs);
          if (r.status != EvalStatus::Ok) continue;
          ex.output = r.output;
          examples.push_back(ex);
        }
        out.push_back(build_trace(p, examples));
      }
    return out;
  }();
  return t;
}

void BM_TrainStep(benchmark::State& state) {
  set_torch_threads(static_cast<int>(state.range(0)));
  StateSet set(5);
  for (const TaskTrace& t : traces()) set.add(t);
  Learner learner(PCCoderNet(NetOptions{}, 1, false));
  std::vector<std::int64_t> idx(set.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = static_cast<std::int64_t>(i);
  std::size_t at = 0;
  for (auto _ : state) {
    if (at + kBatch > idx.size()) at = 0;
    benchmark::DoNotOptimize(learner.step(set, std::span(idx).subspan(at, kBatch)));
    at += kBatch;
  }
  state.counters["states/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * kBatch,
                                                  benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TrainStep)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();

// Multiply-adds of one forward pass over `batch` in the matrix products
// (models/state_encoder.cpp): each distinct variable's code times every
// layer's weight block for its slot; each (state, example) row's earlier
// layer outputs times the later layers' blocks; each state's code times
// the three heads.
double forward_flops(std::span<const PartialProgram> batch, const NetOptions& n) {
  EncodedBatch enc;
  encode_batch(batch, enc);
  std::vector<std::int64_t> tokens(enc.tokens.begin(), enc.tokens.end());
  std::vector<std::int64_t> counts(enc.example_count.begin(), enc.example_count.end());
  VarInstances vi;
  build_var_instances(tokens.data(), counts.data(), enc.batch, enc.examples, vi);
  const double g = n.dense_growth, h = n.hidden_dim, inner = n.dense_layers - 1;
  const double widths = inner * g + h;  // outputs of all layers
  double per_row = inner * g * h;       // last layer: every inner output
  for (int i = 1; i < n.dense_layers - 1; ++i) per_row += i * g * g;
  const double heads = h * (kNumStatements + kNumSlots + kNumOperators);
  const double mac = static_cast<double>(vi.instances()) * n.var_encoder_dim * widths +
                     static_cast<double>(vi.rows) * per_row +
                     static_cast<double>(enc.batch) * heads;
  return 2 * mac;
}

// Scores `batch` with a fresh network once per iteration.
void run_inference(benchmark::State& state, std::span<const PartialProgram> batch) {
  PCCoderPolicyOptions o;
  o.threads = static_cast<int>(state.range(0));
  PCCoderPolicy policy(PCCoderNet(NetOptions{}, 1, false), o);
  PolicyOutput out;
  for (auto _ : state) {
    policy.evaluate(batch, out);
    benchmark::DoNotOptimize(out.statement_logprob.data());
  }
  state.counters["states/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(batch.size()),
      benchmark::Counter::kIsRate);
  state.counters["GFLOP/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * forward_flops(batch, NetOptions{}) * 1e-9,
      benchmark::Counter::kIsRate);
}

void BM_Inference(benchmark::State& state) {
  std::vector<PartialProgram> batch;
  for (const TaskTrace& t : traces())
    for (std::size_t s = 0; s < t.steps.size() && batch.size() < kBatch; ++s)
      batch.push_back(t.state(s));
  run_inference(state, batch);
}
BENCHMARK(BM_Inference)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();

// A beam as CAB scores it: 100 states of one task (its inputs and outputs
// shared by all), differing in their intermediate variables (taken from
// other programs' traces at the same depth).
struct BeamBatch {
  std::vector<std::vector<Value>> storage;
  std::vector<PartialProgram> programs;
};
const BeamBatch& beam_batch() {
  static const BeamBatch b = [] {
    BeamBatch out;
    const auto& t = traces();
    out.storage.reserve(kBatch);
    for (int i = 0; i < kBatch; ++i) {
      const std::size_t depth = 1 + static_cast<std::size_t>(i) % 3;
      PartialProgram p = t[0].state(depth);  // LIST|FILTER|MAP|SORT|TAIL: one input
      std::vector<Value> own(p.slots.begin(), p.slots.end());
      const TaskTrace& other = t[1 + static_cast<std::size_t>(i) * 4 % (t.size() - 1)];
      const PartialProgram o = other.state(std::min(depth, other.steps.size() - 1));
      for (int s = 1; s < kNumSlots; ++s)
        if (p.occupied[s] && o.occupied[s] && p.slot_types[s] == o.slot_types[s])
          for (int e = 0; e < p.num_examples; ++e)
            own[s * p.num_examples + e] = o.slots[s * o.num_examples + e];
      out.storage.push_back(std::move(own));
      p.slots = out.storage.back();
      out.programs.push_back(p);
    }
    return out;
  }();
  return b;
}

void BM_InferenceBeam(benchmark::State& state) { run_inference(state, beam_batch().programs); }
BENCHMARK(BM_InferenceBeam)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();

// One dense-layer product as the pull chain runs it: 500 rows (100 states
// of 5 examples) of K earlier outputs times a [K, N] block of weights,
// added to the pre-activations. Args: K, N, 0 for torch's addmm (OpenBLAS)
// or 1 for the panel kernel (models/panel_gemm.h; AVX-512 only).
void BM_LayerProduct(benchmark::State& state) {
  const std::int64_t k = state.range(0), n = state.range(1), rows = 500;
  set_torch_threads(1);
  torch::manual_seed(1);
  const torch::Tensor a = torch::randn({rows, k}), w = torch::randn({n, k});
  const torch::Tensor b = w.t();  // as the chain reads its weights
  torch::Tensor c = torch::zeros({rows, n});
  if (state.range(2) == 1 && !panel_gemm_fast()) {
    state.SkipWithError("no AVX-512 on this CPU");
    return;
  }
  PackedPanels panels;
  for (auto _ : state) {
    if (state.range(2) == 0) {
      c.addmm_(a, b);
    } else {
      pack_panels(b.data_ptr<float>(), b.stride(0), b.stride(1), k, n, panels);
      panel_gemm(a.data_ptr<float>(), k, panels, c.data_ptr<float>(), n, rows);
    }
    benchmark::DoNotOptimize(c.data_ptr<float>());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * static_cast<double>(rows * k * n),
                                                 benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(state.range(2) == 0 ? "addmm" : "panel");
}
BENCHMARK(BM_LayerProduct)
    ->ArgsProduct({{56, 280, 504}, {56}, {0, 1}})
    ->ArgsProduct({{504}, {256}, {0, 1}})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace npeps

// The context names the kernels every figure ran with.
int main(int argc, char** argv) {
  const std::string choice = npeps::select_blas_kernel();
  benchmark::AddCustomContext("blas", npeps::blas_description());
  benchmark::AddCustomContext("blas_choice", choice);
  benchmark::AddCustomContext("dense_products", npeps::panel_gemm_variant());
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
