"""The code scorers the `mlflow.genai.evaluate` tests share (test_evaluate.py and both UIs' views of
evaluation runs): a bool, a number and a `Feedback` with a rationale, each rule-based (no LLM)."""
from mlflow.entities import Feedback
from mlflow.genai.scorers import scorer


@scorer
def exact(outputs, expectations):
    return outputs == expectations["expected_response"]


@scorer
def length(outputs):
    return len(outputs)


@scorer
def judged(inputs, outputs):
    return Feedback(value="yes" if len(outputs) > 1 else "no",
                    rationale=f"the answer to {inputs['question']} has {len(outputs)} characters")
