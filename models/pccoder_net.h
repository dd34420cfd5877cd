// The PCCoder network (Zohar & Wolf, NeurIPS 2018), torch-free facade.
//
// Per example: each of the 12 state variables (11 slots + output) is
// embedded (value tokens -> embedding_dim each, 20 of them, plus the
// 2-float type vector) and mapped by a linear layer + SELU to
// var_encoder_dim; the 12 codes are concatenated and fed to a dense block
// (DenseNet-style: each layer sees the concatenation of the input and all
// previous layer outputs; linear + SELU). The per-example codes are
// averaged over the examples, and three linear heads give statement logits
// (1,298), drop logits (11; sigmoid = P(droppable)) and operator logits (38).
// Defaults are PCCoder's params.py sizes: 1,132,407 parameters.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "models/encoding.h"

namespace npeps {

struct NetOptions {
  int embedding_dim = 20;    // size of each integer token's embedding (params.embedding_size)
  int var_encoder_dim = 56;  // code of one variable (params.var_encoder_size)
  int dense_layers = 10;     // layers of the dense block, >= 2 (PCCoder: 10)
  int dense_growth = 56;     // output size of each inner dense layer (params.dense_growth_size)
  int hidden_dim = 256;  // last dense layer = the code the heads read (params.dense_output_size)

  friend bool operator==(const NetOptions&, const NetOptions&) = default;
};

// Raw network outputs, row-major, batch rows.
struct NetOutput {
  int batch = 0;
  std::vector<float> statement_logits;  // batch x kNumStatements
  std::vector<float> drop_logits;       // batch x kNumSlots
  std::vector<float> operator_logits;   // batch x kNumOperators
};

// Owns one network (its parameters live on the CPU, or on CUDA when
// constructed with use_cuda and CUDA is available). Not thread-safe.
class PCCoderNet {
 public:
  // Randomly initialised from `seed` (torch's global generator is reseeded).
  explicit PCCoderNet(const NetOptions& options = {}, std::uint64_t seed = 1,
                      bool use_cuda = false);
  ~PCCoderNet();
  PCCoderNet(PCCoderNet&&) noexcept;
  PCCoderNet& operator=(PCCoderNet&&) noexcept;

  const NetOptions& options() const;
  std::int64_t num_parameters() const;
  bool on_cuda() const;

  // Inference (no gradients) on an encoded batch.
  void forward(const EncodedBatch& batch, NetOutput& out);

  // The state embedding the heads read (hidden_dim per state, the mean
  // over each state's real examples), row-major batch x hidden_dim, no
  // gradients. When `out` is not null, the heads' outputs of the same pass
  // are written to it too (one forward pass for both).
  void embed(const EncodedBatch& batch, std::vector<float>& embedding, NetOutput* out = nullptr);

  struct Impl;  // defined in models/pccoder_module.h (torch)
  Impl& impl() { return *impl_; }
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// Prepares torch for `threads` search or training threads of this process
// (process-wide; <= 0 leaves the settings): selects the BLAS kernels
// (models/blas_kernel.h), sets torch's intra-op pool and OpenBLAS's pool
// to one thread each, and, the first time only, torch's inter-op pool to 1.
// One thread per process is never slower here: this network's matrices are
// too small for a second intra-op thread to pay for its synchronisation,
// and the two busy-waiting pools (libgomp's, OpenBLAS's) then compete with
// the working threads (docs/PERFORMANCE.md). npeps gets its parallelism
// from search workers and data-parallel processes instead.
// NPEPS_TORCH_THREADS=N in the environment overrides the intra-op count
// (then also set OMP_WAIT_POLICY=PASSIVE before the process starts).
void set_torch_threads(int threads);

// Whether this build of libtorch sees a CUDA device.
bool cuda_available();

}  // namespace npeps
