# -*- coding: utf-8 -*-
# Copyright: claude-in-a-box contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the collection keeps the facts its roles share (the `shared` lookup reads them through this).

The collection's root is found from this file's own place in it (plugins/plugin_utils/), the one layout that holds
in a checkout and in an installed collection alike."""
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# each name and its one file, relative to the collection's root
FILES = {
    "kubernetes": "files/kubernetes.yml",
    "tools": "files/tools.yml",
}
CHART = "charts/claude-in-a-box"


class SharedFacts(object):
    def __init__(self, root=ROOT):
        self.root = root

    def path(self, relative):
        return os.path.join(self.root, relative)

    def collection(self):
        """galaxy.yml in a checkout; MANIFEST.json's collection_info once installed."""
        galaxy = self.path("galaxy.yml")
        if os.path.exists(galaxy):
            with open(galaxy) as fh:
                return yaml.safe_load(fh)
        with open(self.path("MANIFEST.json")) as fh:
            return json.load(fh)["collection_info"]

    def get(self, name, key=None):
        if name == "chart":
            if key:
                raise ValueError("key is not used with 'chart' (it is a path)")
            chart = self.path(CHART)
            if not os.path.isdir(chart):
                raise OSError("the chart is missing from the collection: %s" % chart)
            return chart
        if name == "collection":
            data = self.collection()
        elif name in FILES:
            with open(self.path(FILES[name])) as fh:
                data = yaml.safe_load(fh)
        else:
            raise ValueError("unknown shared fact %r: one of %s" % (name, ", ".join(sorted(list(FILES) + ["chart", "collection"]))))
        if key is None:
            return data
        if key not in data:
            raise KeyError("%s has no key %r (it has: %s)" % (FILES.get(name, name), key, ", ".join(sorted(data))))
        return data[key]
