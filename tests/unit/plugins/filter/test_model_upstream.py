"""model_upstream_problem: the credential broker's upstream, as the roles check it before anything is applied."""
import pytest

from ansible_collections.ciab.claude_in_a_box.plugins.filter.model_upstream import model_upstream_problem


@pytest.mark.parametrize("url, allow_http", [
    ("https://api.anthropic.com", False),
    ("https://llm-gateway.corp.example:8443/anthropic", False),
    ("http://model.ciab-test.svc.cluster.local:18090", True),
    ("https://127.example.com", False),  # a name that starts like an address is a name
])
def test_fine(url, allow_http):
    assert model_upstream_problem(url, allow_http, "u") == ""


@pytest.mark.parametrize("url, allow_http, said", [
    ("ftp://api.anthropic.com", True, "is not an http(s) URL"),
    ("https://user:pw@api.anthropic.com", True, "is not an http(s) URL"),
    ("https://api.anthropic.com/?q=1", True, "is not an http(s) URL"),
    ("https://api.anthropic.com\nCIAB_IMAGE=evil", True, "is not an http(s) URL"),
    ("https://api.anthropic.com/ x", True, "is not an http(s) URL"),
    (None, True, "is not an http(s) URL"),
    ("https://localhost:8443", True, "is the pod's loopback"),
    ("https://LOCALHOST.", True, "is the pod's loopback"),
    ("https://proxy.localhost", True, "is the pod's loopback"),
    ("http://127.0.0.1:9", True, "is the pod's loopback"),
    ("https://127.1.2.3", True, "is the pod's loopback"),
    ("https://0.0.0.0", True, "is the pod's loopback"),
    ("http://gateway.test", False, "is plain http"),
])
def test_refused_with_the_reason(url, allow_http, said):
    problem = model_upstream_problem(url, allow_http, "workload_model_upstream")
    assert problem.startswith("workload_model_upstream ") and said in problem
