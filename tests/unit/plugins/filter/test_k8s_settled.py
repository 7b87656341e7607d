"""k8s_settled: an applied Deployment or StatefulSet that needs no wait, read from the apply's own result."""
import copy

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.ciab.claude_in_a_box.plugins.filter.k8s_settled import k8s_settled

STS = {"kind": "StatefulSet", "metadata": {"name": "claude-agent", "generation": 3}, "spec": {"replicas": 1},
       "status": {"observedGeneration": 3, "readyReplicas": 1, "updatedReplicas": 1,
                  "currentRevision": "claude-agent-abc", "updateRevision": "claude-agent-abc"}}
DEPLOY = {"kind": "Deployment", "metadata": {"name": "claude-agent-egress", "generation": 2}, "spec": {"replicas": 1},
          "status": {"observedGeneration": 2, "readyReplicas": 1, "updatedReplicas": 1, "availableReplicas": 1}}


def changed(obj, **status):
    obj = copy.deepcopy(obj)
    for key, value in status.items():
        if value is None:
            obj["status"].pop(key, None)
        else:
            obj["status"][key] = value
    return obj


def single(obj):
    return {"changed": False, "result": obj}


def listed(*objs):
    return {"changed": False, "result": {"results": [{"changed": False, "result": o} for o in objs]}}


@pytest.mark.parametrize("result, kind, name, expected", [
    (single(STS), "StatefulSet", "claude-agent", True),
    (listed({"kind": "ConfigMap", "metadata": {"name": "x"}}, DEPLOY), "Deployment", "claude-agent-egress", True),
    (single(changed(STS, observedGeneration=2)), "StatefulSet", "claude-agent", False),
    (single(changed(STS, readyReplicas=0)), "StatefulSet", "claude-agent", False),
    (single(changed(STS, updatedReplicas=0)), "StatefulSet", "claude-agent", False),
    (single(changed(STS, currentRevision="claude-agent-old")), "StatefulSet", "claude-agent", False),
    (single(changed(STS, updateRevision=None, currentRevision=None)), "StatefulSet", "claude-agent", False),
    (single(changed(DEPLOY, availableReplicas=0)), "Deployment", "claude-agent-egress", False),
    (single({"kind": "StatefulSet", "metadata": {"name": "claude-agent", "generation": 1}}), "StatefulSet", "claude-agent", False),
    (single(STS), "StatefulSet", "other", False),
    (single(DEPLOY), "StatefulSet", "claude-agent-egress", False),
    ({"skipped": True}, "Deployment", "claude-agent-egress", False),
    (None, "Deployment", "claude-agent-egress", False),
])
def test_settled(result, kind, name, expected):
    assert k8s_settled(result, kind, name) is expected


def test_refuses_other_kinds():
    with pytest.raises(AnsibleFilterError):
        k8s_settled(single(STS), "DaemonSet", "claude-agent")
