"""ctest Python.Module: the `npeps` module from the build tree.

Run as tests/CMakeLists.txt does: PYTHONPATH=<build>/python
NPEPS_CLI=<build>/cli/npeps python3 tests/python/test_npeps.py -v
"""
import json
import os
import subprocess
import tempfile
import threading
import time
import unittest

import npeps

SORT = [([[3, 1, 2]], [1, 2, 3]), ([[9, -4, 7, 0]], [-4, 0, 7, 9]), ([[5, 5, 1]], [1, 5, 5])]
# No short DSL program maps these: a search runs until its budget or a cancel.
UNSOLVABLE = [([[5, 2, 9]], [17, -3, 4, 4]), ([[1, 8]], [-6, 11]), ([[4]], [0, 0, 13])]


class SynthesizeTest(unittest.TestCase):
    def test_solves_sorting(self):
        r = npeps.synthesize(SORT, method="enum", timeout=30)
        self.assertTrue(r["solved"], r)
        self.assertTrue(r["program"])
        self.assertTrue(r["readable"])
        self.assertEqual(r["method"], "enum")
        self.assertGreaterEqual(r["time_s"], 0)
        self.assertGreater(r["stats"]["nodes"], 0)
        for inputs, output in SORT:  # the program really maps every input
            self.assertEqual(npeps.run(r["program"], inputs), output)

    def test_dict_examples_and_task(self):
        examples = [{"inputs": i, "output": o} for i, o in SORT]
        self.assertTrue(npeps.synthesize(examples, method="enum")["solved"])
        r = npeps.synthesize({"id": "t1", "examples": examples}, method="enum")
        self.assertTrue(r["solved"])
        self.assertEqual(r["id"], "t1")

    def test_default_method(self):
        self.assertIn(npeps.default_method(), npeps.methods())
        self.assertIn("enum", npeps.methods())
        self.assertEqual(npeps.Synthesizer().method, npeps.default_method())

    def test_model_dir(self):
        if "NPEPS_MODEL_DIR" in os.environ:
            self.skipTest("NPEPS_MODEL_DIR is set")
        d = npeps.default_model_dir()  # build/lib/../share/npeps/models, a link to assets/models
        self.assertTrue(d.endswith(os.path.join("share", "npeps", "models")), d)
        self.assertTrue(os.path.isfile(os.path.join(d, "pccoder.ckpt")), d)

    def test_synthesizer_serves_several_tasks(self):
        s = npeps.Synthesizer(method="enum", timeout=30, threads=1)
        self.assertTrue(s.synthesize(SORT)["solved"])
        r = s.synthesize([([[1, 2, 3]], [3, 2, 1]), ([[7, 0]], [0, 7])])
        self.assertTrue(r["solved"], r)
        self.assertEqual(npeps.run(r["program"], [[1, 2, 3]]), [3, 2, 1])

    def test_unsolved_is_a_result(self):
        r = npeps.synthesize(UNSOLVABLE, method="enum", timeout=0.3)
        self.assertFalse(r["solved"])
        self.assertIsNone(r["program"])


class InvalidInputTest(unittest.TestCase):
    def cli_message(self, task):
        """The message `npeps synth` prints for this task (after 'npeps synth: ')."""
        cli = os.environ.get("NPEPS_CLI")
        if not cli:
            self.skipTest("NPEPS_CLI not set")
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(task, f)
        try:
            p = subprocess.run([cli, "synth", f.name, "--method", "enum"],
                               capture_output=True, text=True, timeout=60)
        finally:
            os.unlink(f.name)
        self.assertEqual(p.returncode, 2, p.stderr)
        return p.stderr.strip().removeprefix("npeps synth: ")

    def test_same_message_as_cli(self):
        bad = [{"inputs": [[1, 2]], "output": [1]}, {"inputs": [[1]], "output": "x"}]
        with self.assertRaises(ValueError) as e:
            npeps.synthesize(bad, method="enum")
        self.assertIn("output", str(e.exception))
        self.assertEqual(str(e.exception), self.cli_message({"examples": bad}))

    def test_mixed_input_types_same_message_as_cli(self):
        bad = [{"inputs": [[1, 2]], "output": 3}, {"inputs": [4], "output": 3}]
        with self.assertRaises(ValueError) as e:
            npeps.Synthesizer(method="enum").synthesize(bad)
        self.assertEqual(str(e.exception), self.cli_message({"examples": bad}))

    def test_bad_options(self):
        with self.assertRaisesRegex(ValueError, "unknown method 'nope'"):
            npeps.Synthesizer(method="nope")
        with self.assertRaisesRegex(ValueError, "threads"):
            npeps.Synthesizer(threads=0)
        with self.assertRaisesRegex(ValueError, "timeout"):
            npeps.synthesize(SORT, timeout=-1)

    def test_not_examples(self):
        with self.assertRaises(ValueError):
            npeps.synthesize("not a list", method="enum")
        with self.assertRaises(ValueError):
            npeps.synthesize([], method="enum")
        with self.assertRaises(ValueError):
            npeps.synthesize([([[1]], {1, 2})], method="enum")  # a set is not JSON


class RunTest(unittest.TestCase):
    def test_run(self):
        self.assertEqual(npeps.run("LIST|SORT,0", [[3, 1, 2]]), [1, 2, 3])
        self.assertEqual(npeps.run("LIST|SUM,0", [[3, 1, 2]]), 6)

    def test_errors(self):
        with self.assertRaisesRegex(ValueError, "^malformed program"):
            npeps.run("LIST|NO_SUCH_OP,0", [[1]])
        with self.assertRaisesRegex(ValueError, "takes 1 input"):
            npeps.run("LIST|SORT,0", [[1], [2]])
        with self.assertRaisesRegex(ValueError, "^bad inputs"):
            npeps.run("LIST|SORT,0", [["a"]])
        with self.assertRaisesRegex(npeps.ExecutionError, r"^statement 1 \(SUM\)"):
            npeps.run("LIST|SUM,0", [[200, 100]])
        self.assertTrue(issubclass(npeps.ExecutionError, RuntimeError))


class ThreadingTest(unittest.TestCase):
    def test_gil_released_and_cancel(self):
        """Python keeps running while a search runs; cancel() stops it."""
        s = npeps.Synthesizer(method="enum", timeout=120)
        result = {}
        start = time.monotonic()
        t = threading.Thread(target=lambda: result.update(s.synthesize(UNSOLVABLE)))
        t.start()
        ticks = 0
        while time.monotonic() - start < 0.5:  # needs the GIL the search released
            ticks += 1
        self.assertTrue(t.is_alive(), "the search ended early")
        while t.is_alive() and time.monotonic() - start < 60:
            s.cancel()
            t.join(0.1)
        elapsed = time.monotonic() - start
        self.assertFalse(t.is_alive())
        self.assertFalse(result["solved"])
        self.assertLess(elapsed, 30)
        self.assertGreater(ticks, 1000)


if __name__ == "__main__":
    unittest.main()
