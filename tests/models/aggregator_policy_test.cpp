// Aggregator keys, the N-PEPS policies, the instance files and the trainer,
// with tiny random networks (torch-free).
#include "models/aggregator_policy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "dsl/parser.h"
#include "dsl/printer.h"
#include "model_test_util.h"
#include "models/aggregator_trainer.h"
#include "models/checkpoint.h"
#include "models/trace.h"

namespace npeps {
namespace {

AggregatorOptions tiny_agg() { return test::tiny_aggregator(); }

std::vector<double> softmax(const float* x, int n) {
  double mx = -INFINITY, z = 0;
  for (int i = 0; i < n; ++i) mx = std::max(mx, double(x[i]));
  std::vector<double> p(n);
  for (int i = 0; i < n; ++i) z += p[i] = std::exp(x[i] - mx);
  for (double& v : p) v /= z;
  return p;
}

PEProgram pe(const std::string& program, double score) { return {parse_compact(program), score}; }

// One instance line per sample program (3 examples each), ids t0, t1, ...
void write_sample_instances(std::ofstream& f) {
  int i = 0;
  for (const std::string& prog : test::sample_programs()) {
    const Task t = test::make_task(prog, 3, 10 + i);
    std::string id = "t";
    id += std::to_string(i++);
    f << test::aggregator_instance_line(t, prog, id) << "\n";
  }
}

TEST(AggregatorKeys, ReplayEveryExampleAndStopAfterAFailure) {
  // HEAD of [] is NULL; TAKE then fails on that example.
  const std::vector<PEProgram> sols = {pe("LIST|HEAD,0|TAKE,1,0|SORT,2", 0.5)};
  const std::vector<Example> ex = {{{Value::list({3, 1, 2})}, Value::list({1, 2, 3})},
                                   {{Value::list({})}, Value::list({})}};
  const KeyStates ks = build_key_states(ex, sols);
  ASSERT_EQ(ks.count, 5);
  EXPECT_EQ(ks.example, (std::vector<int>{0, 0, 0, 1, 1}));
  EXPECT_EQ(ks.step, (std::vector<int>{0, 1, 2, 0, 1}));
  const std::vector<StatementIndex> slot = slot_form_statements(sols[0].program);
  ASSERT_EQ(slot.size(), 3u);
  EXPECT_EQ(ks.statement,
            (std::vector<StatementIndex>{slot[0], slot[1], slot[2], slot[0], slot[1]}));
  // Example 1 before TAKE: slot 1 holds HEAD's NULL.
  const PartialProgram p = ks.state(4);
  EXPECT_EQ(p.num_examples, 1);
  EXPECT_TRUE(p.occupied[1]);
  EXPECT_TRUE(p.slots[1].is_null());
  EXPECT_EQ(p.outputs[0], Value::list({}));
  // Example 0 before SORT: slot 2 holds TAKE's result.
  EXPECT_EQ(ks.state(2).slots[2], Value::list({3, 1, 2}));
  // Slot form equals the trace's where the program runs.
  const TaskTrace tr = build_trace(sols[0].program, {ex[0]});
  for (int t = 0; t < 3; ++t) EXPECT_EQ(tr.steps[t].statement, slot[t]);
}

struct Nets {
  PCCoderNet global{test::tiny_net(), 3};
  PCCoderNet keys{test::tiny_net(), 4};
  CrossAggregator ca{tiny_agg(), 5, &global};
};

TEST(AggregatorPolicy, MixtureIsAlphaCaPlusGlobalAndNormalised) {
  Nets n;
  const Task t = test::make_task("LIST|FILTER,EVEN,0|MAP,/2,1|SORT,2|TAIL,3", 3, 1);
  const std::vector<PEProgram> sols = {pe("LIST|SORT,0|TAIL,1", 0.34),
                                       pe("LIST|FILTER,EVEN,0|MAP,/2,1|MAXIMUM,2", 0.67)};
  AggregatorPolicyOptions po;
  po.alpha = 0.7;
  AggregatorPolicy policy(n.global, &n.ca, &n.keys, po);
  policy.set_solutions(t.examples, sols);
  const TaskTrace tr = build_trace(*t.program, t.examples);
  const std::vector<PartialProgram> batch = {tr.state(0), tr.state(1), tr.state(3)};
  PolicyOutput out;
  policy.evaluate(batch, out);

  EncodedBatch enc;
  encode_batch(batch, enc);
  NetOutput g;
  std::vector<float> emb, ca_logits;
  n.global.embed(enc, emb, &g);
  CrossAggregator ca2(tiny_agg(), 5, &n.global);  // same seed, same weights
  ca2.set_keys(make_aggregator_keys(t.examples, sols, n.keys));
  ca2.predict(emb, std::vector<int>{0, 1, 3}, ca_logits);
  for (std::size_t r = 0; r < batch.size(); ++r) {
    const auto pg = softmax(g.statement_logits.data() + r * kNumStatements, kNumStatements);
    const auto pa = softmax(ca_logits.data() + r * kNumStatements, kNumStatements);
    double z = 0, diff = 0;
    for (int s = 0; s < kNumStatements; ++s) {
      const double p = std::exp(double(out.statement_logprob[r * kNumStatements + s]));
      z += p;
      diff = std::max(diff, std::abs(p - (0.7 * pa[s] + 0.3 * pg[s])));
    }
    EXPECT_NEAR(z, 1.0, 1e-4);
    EXPECT_LT(diff, 1e-6);
    for (int s = 0; s < kNumSlots; ++s)
      EXPECT_FLOAT_EQ(out.drop_logit[r * kNumSlots + s], g.drop_logits[r * kNumSlots + s]);
  }
  // The aggregate changes the scores (the CA is not a no-op)...
  AggregatorPolicy global_only(n.global, &n.ca, &n.keys, AggregatorPolicyOptions{0.0});
  global_only.set_solutions(t.examples, sols);
  PolicyOutput o0;
  global_only.evaluate(batch, o0);
  EXPECT_GT(std::abs(o0.statement_logprob[7] - out.statement_logprob[7]), 1e-6);
  // ...and with no PE solution the policy is the global model's.
  policy.set_solutions(t.examples, {});
  PolicyOutput none;
  policy.evaluate(batch, none);
  for (int s = 0; s < kNumStatements; s += 13)
    EXPECT_NEAR(none.statement_logprob[s], o0.statement_logprob[s], 1e-5);
}

TEST(AggregatorPolicy, SumAndMeanCountPEStatementsAtTheEntrysDepth) {
  PCCoderNet global(test::tiny_net(), 3);
  const std::vector<PEProgram> sols = {pe("LIST|SORT,0|REVERSE,1", 0.2),
                                       pe("LIST|SORT,0|SUM,1", 0.2), pe("LIST|REVERSE,0", 0.4)};
  const StatementIndex sort0 = *statement_index(parse_compact("LIST|SORT,0").statements[0]);
  const StatementIndex rev0 = *statement_index(parse_compact("LIST|REVERSE,0").statements[0]);
  const StatementIndex rev1 =
      *statement_index(Statement{parse_compact("LIST|REVERSE,0").statements[0].op, {1, 0}});
  const StatementIndex sum1 =
      *statement_index(Statement{parse_compact("LIST|SUM,0").statements[0].op, {1, 0}});
  const Task t = test::make_task("LIST|SORT,0|REVERSE,1", 2, 3);
  const TaskTrace tr = build_trace(*t.program, t.examples);
  // Same state at depths 0, 1, 2 (the depth alone selects the PE statements).
  std::vector<PartialProgram> batch = {tr.state(0), tr.state(0), tr.state(0)};
  for (int d = 0; d < 3; ++d) batch[d].depth = d;
  EncodedBatch enc;
  encode_batch(batch, enc);
  NetOutput g;
  global.forward(enc, g);
  for (Aggregation kind : {Aggregation::Sum, Aggregation::Mean}) {
    AggregatorPolicy policy(global, nullptr, nullptr, AggregatorPolicyOptions{0.8, kind});
    policy.set_solutions(t.examples, sols);
    PolicyOutput out;
    policy.evaluate(batch, out);
    const bool mean = kind == Aggregation::Mean;
    for (int d = 0; d < 3; ++d) {
      std::vector<double> pa(kNumStatements, 0.0);
      if (d == 0) pa[sort0] = mean ? 2.0 / 3 : 2, pa[rev0] = mean ? 1.0 / 3 : 1;
      if (d == 1) pa[rev1] = mean ? 0.5 : 1, pa[sum1] = mean ? 0.5 : 1;
      const auto pg = softmax(g.statement_logits.data() + d * kNumStatements, kNumStatements);
      for (int s = 0; s < kNumStatements; ++s) {
        const double expect = d == 2 ? pg[s] : 0.8 * pa[s] + 0.2 * pg[s];
        ASSERT_NEAR(std::exp(double(out.statement_logprob[d * kNumStatements + s])), expect,
                    1e-6 + 1e-5 * expect)
            << (mean ? "mean" : "sum") << " depth " << d << " statement " << s;
      }
    }
  }
  EXPECT_THROW(AggregatorPolicy(global, nullptr, nullptr, AggregatorPolicyOptions{}),
               std::invalid_argument);
  EXPECT_THROW(
      AggregatorPolicy(global, nullptr, nullptr, AggregatorPolicyOptions{1.5, Aggregation::Sum}),
      std::invalid_argument);
}

TEST(AggregatorPolicy, TrainingAndInferenceBuildTheSameKeys) {
  Nets n;
  const Task t = test::make_task("LIST|INT|TAKE,1,0|SORT,0|ZIPWITH,+,2,3|SUM,4", 4, 2);
  AggregatorInstance inst;
  inst.examples = t.examples;
  inst.program = *t.program;
  inst.solutions = {pe("LIST|INT|TAKE,1,0|SUM,2", 0.25), pe("LIST|INT|ACCESS,1,0", 0.5)};
  const PreparedInstance prep = prepare_instance(inst, n.global, n.keys);
  AggregatorPolicy policy(n.global, &n.ca, &n.keys);
  policy.set_solutions(inst.examples, inst.solutions);
  const AggregatorKeys& k = policy.keys();
  EXPECT_GT(k.count, 0);
  EXPECT_EQ(prep.keys.count, k.count);
  EXPECT_EQ(prep.keys.embedding, k.embedding);
  EXPECT_EQ(prep.keys.position, k.position);
  EXPECT_EQ(prep.keys.statement, k.statement);
  EXPECT_EQ(prep.keys.op, k.op);
  EXPECT_EQ(prep.keys.score, k.score);
  // Queries are the global embeddings of the reference program's states.
  const TaskTrace tr = build_trace(inst.program, inst.examples);
  ASSERT_EQ(prep.steps, static_cast<int>(tr.steps.size()));
  std::vector<PartialProgram> states;
  for (int s = 0; s < prep.steps; ++s) states.push_back(tr.state(s));
  EncodedBatch enc;
  encode_batch(states, enc);
  std::vector<float> emb;
  n.global.embed(enc, emb);
  EXPECT_EQ(prep.queries, emb);
  EXPECT_EQ(prep.depths, (std::vector<int>{0, 1, 2, 3}));
}

// Tiny global and PE checkpoints saved in `dir`, and trainer options on
// them (a tiny aggregator, batch 2, learning rate 1e-2, on the CPU); the
// data files are left to the caller.
AggregatorTrainOptions tiny_trainer_options(const std::filesystem::path& dir) {
  PCCoderNet global(test::tiny_net(), 3), pen(test::tiny_net(), 4);
  save_checkpoint((dir / "g.ckpt").string(), global, CheckpointHeader{});
  save_checkpoint((dir / "pe.ckpt").string(), pen, CheckpointHeader{});
  AggregatorTrainOptions o;
  o.validation_fraction = 0.25;
  o.global_checkpoint = (dir / "g.ckpt").string();
  o.pe_checkpoint = (dir / "pe.ckpt").string();
  o.model = tiny_agg();
  o.batch_size = 2;
  o.learning_rate = 1e-2;
  o.use_cuda = false;
  return o;
}

// Hand-made instance files -> trainer: checkpoints, log, resume.
TEST(AggregatorTrainer, TrainsCheckpointsAndResumes) {
  const auto dir = test::temp_dir("aggregator_train");
  AggregatorTrainOptions o = tiny_trainer_options(dir);
  const std::string data = (dir / "inst.jsonl").string();
  {
    std::ofstream f(data);
    write_sample_instances(f);
    f << "not json\n";
    f << R"({"id":"none","examples":[{"inputs":[[1]],"output":[1]}],"program":"LIST|SORT,0","pe_solutions":[]})"
      << "\n";
  }
  std::vector<std::string> errors;
  const auto inst = load_aggregator_instances(data, &errors);
  EXPECT_EQ(inst.size(), test::sample_programs().size() + 1);
  EXPECT_EQ(errors.size(), 1u);

  o.data_files = {data};
  o.epochs = 3;
  o.checkpoint_path = (dir / "agg.ckpt").string();
  o.log_path = (dir / "log.jsonl").string();
  const AggregatorTrainReport r = train_aggregator(o);
  EXPECT_EQ(r.instances_used, test::sample_programs().size());
  EXPECT_EQ(r.instances_skipped, 2u);  // the bad line, the one without PE solutions
  EXPECT_EQ(r.epochs_done, 3);
  EXPECT_GT(r.train_states, 0u);
  EXPECT_GT(r.val_states, 0u);
  EXPECT_TRUE(std::isfinite(r.best_val_loss));
  EXPECT_TRUE(std::filesystem::exists(o.checkpoint_path));
  EXPECT_EQ(read_aggregator_header(o.checkpoint_path + ".last").epoch, 3);
  EXPECT_TRUE(read_aggregator_header(o.checkpoint_path + ".last").has_optimizer);
  EXPECT_EQ(load_aggregator(o.checkpoint_path).model.options(), o.model);
  // Resume: two more epochs.
  o.resume = true;
  o.epochs = 5;
  const AggregatorTrainReport r2 = train_aggregator(o);
  EXPECT_EQ(r2.start_epoch, 3);
  EXPECT_EQ(r2.epochs_done, 5);
  std::ifstream log(o.log_path);
  int lines = 0;
  for (std::string l; std::getline(log, l);) ++lines;
  EXPECT_EQ(lines, 5);
  // A different architecture is refused on resume.
  o.model.heads = 4;
  EXPECT_THROW(train_aggregator(o), CheckpointError);
  std::filesystem::remove_all(dir);
}

// --init: a new run starts from another aggregator's weights. With a zero
// learning rate the weights never move, so the run's validation loss is the
// initial model's: the trained model's best, not a fresh model's.
TEST(AggregatorTrainer, InitStartsFromTheGivenWeights) {
  const auto dir = test::temp_dir("aggregator_init");
  AggregatorTrainOptions o = tiny_trainer_options(dir);
  const std::string data = (dir / "inst.jsonl").string();
  {
    std::ofstream f(data);
    write_sample_instances(f);
  }
  o.data_files = {data};
  o.epochs = 4;
  o.checkpoint_path = (dir / "trained.ckpt").string();
  const double trained = train_aggregator(o).best_val_loss;

  o.epochs = 1;
  o.learning_rate = 0;
  o.checkpoint_path = (dir / "fresh.ckpt").string();
  const double fresh = train_aggregator(o).best_val_loss;
  o.init_from = (dir / "trained.ckpt").string();
  o.checkpoint_path = (dir / "init.ckpt").string();
  const double init = train_aggregator(o).best_val_loss;
  EXPECT_NEAR(init, trained, 1e-5 * std::abs(trained));
  EXPECT_GT(std::abs(init - fresh), 1e-3);
  // Another architecture is refused.
  o.model.heads = 4;
  o.checkpoint_path = (dir / "other.ckpt").string();
  EXPECT_THROW(train_aggregator(o), CheckpointError);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace npeps
