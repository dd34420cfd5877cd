// The Python module `npeps` (docs/PYTHON.md): npeps::Synthesizer and
// npeps::run_program from libnpeps. Tasks go to the library as the task
// JSON the CLI reads and results come back as the JSON object it prints
// (npeps::to_json), so validation and messages are the CLI's.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <limits>
#include <mutex>
#include <optional>
#include <string>

#include "npeps/synthesizer.h"

namespace py = pybind11;
using namespace pybind11::literals;

namespace {

py::object json_module() { return py::module_::import("json"); }

// The task JSON for `examples`: a list whose items are {"inputs": [...],
// "output": ...} dicts or (inputs, output) pairs, or a whole task dict
// ({"id": ..., "examples": [...]}).
std::string task_json(const py::handle& examples) {
  py::object task;
  if (py::isinstance<py::dict>(examples)) {
    task = py::reinterpret_borrow<py::object>(examples);
  } else {
    if (py::isinstance<py::str>(examples) || !py::hasattr(examples, "__iter__"))
      throw npeps::InvalidInput("task: examples must be a list of examples");
    py::list list;
    for (const py::handle e : examples) {
      if (py::isinstance<py::tuple>(e) && py::len(e) == 2)
        list.append(py::dict("inputs"_a = e[py::int_(0)], "output"_a = e[py::int_(1)]));
      else
        list.append(e);
    }
    task = py::dict("examples"_a = list);
  }
  try {
    return json_module().attr("dumps")(task).cast<std::string>();
  } catch (const py::error_already_set& e) {
    if (!e.matches(PyExc_TypeError) && !e.matches(PyExc_ValueError)) throw;
    throw npeps::InvalidInput(std::string("task: not a JSON value: ") + e.what());
  }
}

py::object result_dict(const npeps::SynthesisResult& r) {
  return json_module().attr("loads")(npeps::to_json(r));
}

npeps::SynthesizerOptions make_options(const std::optional<std::string>& method,
                                       std::optional<double> timeout, int threads,
                                       const std::optional<std::string>& model_dir,
                                       std::uint64_t max_nodes, std::uint64_t max_memory,
                                       double alpha, double pe_budget, int pe_solutions) {
  npeps::SynthesizerOptions o;
  o.method = method.value_or("");
  o.timeout_s = timeout.value_or(std::numeric_limits<double>::infinity());
  o.threads = threads;
  o.model_dir = model_dir.value_or("");
  o.max_nodes = max_nodes;
  o.max_memory_mb = max_memory;
  o.npeps.alpha = alpha;
  o.npeps.pe_budget_s = pe_budget;
  o.npeps.max_pe_solutions = pe_solutions;
  return o;
}

// npeps.Synthesizer: the models stay loaded across calls. The GIL is
// released while searching; one search at a time per object.
class PySynthesizer {
 public:
  explicit PySynthesizer(npeps::SynthesizerOptions options) : synth_(std::move(options)) {}

  py::object synthesize(const py::handle& examples) {
    const std::string task = task_json(examples);
    std::unique_lock<std::mutex> lock(busy_, std::try_to_lock);
    if (!lock.owns_lock())
      throw std::runtime_error("this Synthesizer is already searching (one call at a time)");
    npeps::SynthesisResult r;
    {
      py::gil_scoped_release release;
      r = synth_.synthesize_json(task, "task");
    }
    return result_dict(r);
  }

  void cancel() { synth_.cancel(); }
  const npeps::SynthesizerOptions& options() const { return synth_.options(); }

 private:
  npeps::Synthesizer synth_;
  std::mutex busy_;
};

}  // namespace

PYBIND11_MODULE(npeps, m) {
  m.doc() = "npeps: programs in the DeepCoder list DSL from input-output examples";
  m.attr("__version__") = npeps::version();
  static const npeps::SynthesizerOptions kDefaults;

  static py::exception<npeps::ExecutionError> execution_error(m, "ExecutionError",
                                                              PyExc_RuntimeError);
  static py::exception<npeps::ModelError> model_error(m, "ModelError", PyExc_RuntimeError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const npeps::InvalidInput& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const npeps::ExecutionError& e) {
      execution_error(e.what());
    } catch (const npeps::ModelError& e) {
      model_error(e.what());
    }
  });

  py::class_<PySynthesizer>(m, "Synthesizer",
                            "Synthesizer(method=None, timeout=5.0, threads=1, model_dir=None, "
                            "max_nodes=0, max_memory=0, alpha=0.8, pe_budget=0.8, pe_solutions=5)\n"
                            "Keeps its method's models loaded across synthesize() calls.")
      .def(py::init([](const std::optional<std::string>& method, std::optional<double> timeout,
                       int threads, const std::optional<std::string>& model_dir,
                       std::uint64_t max_nodes, std::uint64_t max_memory, double alpha,
                       double pe_budget, int pe_solutions) {
             return std::make_unique<PySynthesizer>(make_options(method, timeout, threads,
                                                                 model_dir, max_nodes, max_memory,
                                                                 alpha, pe_budget, pe_solutions));
           }),
           "method"_a = py::none(), "timeout"_a = 5.0, "threads"_a = 1, "model_dir"_a = py::none(),
           "max_nodes"_a = kDefaults.max_nodes, "max_memory"_a = kDefaults.max_memory_mb,
           "alpha"_a = kDefaults.npeps.alpha, "pe_budget"_a = kDefaults.npeps.pe_budget_s,
           "pe_solutions"_a = kDefaults.npeps.max_pe_solutions)
      .def("synthesize", &PySynthesizer::synthesize, "examples"_a,
           "Solves one task; returns the result dict (solved, program, readable, method, "
           "time_s, stats). Raises ValueError on an invalid task.")
      .def("cancel", &PySynthesizer::cancel,
           "Stops a synthesize() running in another thread (it returns unsolved).")
      .def_property_readonly("method", [](const PySynthesizer& s) { return s.options().method; })
      .def_property_readonly("timeout",
                             [](const PySynthesizer& s) { return s.options().timeout_s; })
      .def_property_readonly("threads", [](const PySynthesizer& s) { return s.options().threads; });

  m.def(
      "synthesize",
      [](const py::handle& examples, const std::optional<std::string>& method,
         std::optional<double> timeout, int threads, const std::optional<std::string>& model_dir) {
        const npeps::SynthesizerOptions d;  // the other options' defaults
        PySynthesizer synth(make_options(method, timeout, threads, model_dir, d.max_nodes,
                                         d.max_memory_mb, d.npeps.alpha, d.npeps.pe_budget_s,
                                         d.npeps.max_pe_solutions));
        return synth.synthesize(examples);
      },
      "examples"_a, "method"_a = py::none(), "timeout"_a = 5.0, "threads"_a = 1,
      "model_dir"_a = py::none(),
      "Solves one task with a new Synthesizer (models loaded for this call); returns the "
      "result dict.");

  m.def(
      "run",
      [](const std::string& program, const py::handle& inputs) {
        std::string in;
        try {
          in = json_module().attr("dumps")(inputs).cast<std::string>();
        } catch (const py::error_already_set& e) {
          if (!e.matches(PyExc_TypeError) && !e.matches(PyExc_ValueError)) throw;
          throw npeps::InvalidInput(std::string("bad inputs: not a JSON value: ") + e.what());
        }
        return json_module().attr("loads")(npeps::run_program(program, in));
      },
      "program"_a, "inputs"_a,
      "Runs a program (compact or readable form) on a list of inputs and returns its output. "
      "Raises ValueError for a malformed program or unfitting inputs, npeps.ExecutionError "
      "when a statement fails.");

  m.def("methods", &npeps::Synthesizer::methods, "The methods of this build.");
  m.def("default_method", &npeps::Synthesizer::default_method);
  m.def("default_model_dir", &npeps::default_model_dir,
        "Where the shipped models are found: $NPEPS_MODEL_DIR, else share/npeps/models "
        "beside libnpeps's directory.");
}
