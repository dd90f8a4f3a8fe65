#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The deployment files under deploy/, checked statically (containers cannot run on
the test machines), for tests/deploy_test.sh.

  manifests.py check DEPLOY_DIR METRICS_FILE
      one line per check: "1<TAB>name" or "0<TAB>name<TAB>what was found";
      METRICS_FILE is real `xdpport stats --prometheus` output, for the alerts
  manifests.py dump DEPLOY_DIR
      shell assignments (shlex-quoted) of what the test runs as plain processes:
      ENTRYPOINT=(...) INIT_0=(...) ... WATCH=(...) METRICS=(...) REMOVE_0=(...)
      RULES_MOUNT= TEXTFILE_MOUNT= RULES_CONF=
"""
import glob
import json
import os
import re
import shlex
import sys

import yaml

CAPS = {"BPF", "NET_ADMIN", "SYS_ADMIN"}
results = []


def check(ok, name, found=""):
    results.append((1 if ok else 0, name, str(found).replace("\n", " ")[:300]))


def load(deploy):
    docs = {}
    for path in sorted(glob.glob(os.path.join(deploy, "**", "*.y*ml"), recursive=True)):
        try:
            with open(path) as f:
                docs[path] = [d for d in yaml.safe_load_all(f) if d is not None]
            check(docs[path] != [], "yaml: %s parses" % os.path.relpath(path, deploy))
        except yaml.YAMLError as e:
            check(False, "yaml: %s parses" % os.path.relpath(path, deploy), e)
    return docs


def find(docs, kind):
    return [d for ds in docs.values() for d in ds if isinstance(d, dict) and d.get("kind") == kind]


def containers(pod):
    return pod.get("initContainers", []) + pod.get("containers", [])


def privileged_enough(c):
    sc = c.get("securityContext") or {}
    caps = set((sc.get("capabilities") or {}).get("add") or [])
    return sc.get("privileged") is True or CAPS <= caps


def mounts_hostpath(pod, c, host, at):
    vols = {v["name"]: v for v in pod.get("volumes", [])}
    return any(m.get("mountPath") == at and
               (vols.get(m["name"], {}).get("hostPath") or {}).get("path") == host
               for m in c.get("volumeMounts", []))


def subpaths(node):
    if isinstance(node, dict):
        return [k for k in node if k in ("subPath", "subPathExpr")] + \
            [s for v in node.values() for s in subpaths(v)]
    if isinstance(node, list):
        return [s for v in node for s in subpaths(v)]
    return []


def by_name(pod, name, init=False):
    for c in pod.get("initContainers" if init else "containers", []):
        if c["name"] == name:
            return c
    return {}


def rules_mount(pod, c, configmap):
    vols = {v["name"]: v for v in pod.get("volumes", [])}
    for m in c.get("volumeMounts", []):
        if (vols.get(m["name"], {}).get("configMap") or {}).get("name") == configmap:
            return m["mountPath"]
    return None


def containerfile(deploy):
    path = os.path.join(deploy, "kubernetes", "Containerfile")
    text = open(path).read()
    stages = re.findall(r"^FROM\s+(\S+)", text, re.M)
    entry = re.findall(r"^ENTRYPOINT\s+(\[.*\])\s*$", text, re.M)
    return text, stages, json.loads(entry[-1]) if entry else None


def check_daemonset(docs, deploy):
    ds = find(docs, "DaemonSet")
    cms = find(docs, "ConfigMap")
    check(len(ds) == 1 and len(cms) == 1, "daemonset: one DaemonSet and one ConfigMap",
          "%d, %d" % (len(ds), len(cms)))
    if not ds or not cms:
        return
    ds, cm = ds[0], cms[0]
    pod = ds["spec"]["template"]["spec"]
    check(ds.get("apiVersion") == "apps/v1", "daemonset: apps/v1", ds.get("apiVersion"))
    labels = ds["spec"]["template"]["metadata"].get("labels", {})
    check(ds["spec"]["selector"]["matchLabels"].items() <= labels.items(),
          "daemonset: the selector matches the pod's labels")
    check(pod.get("hostNetwork") is True, "daemonset: hostNetwork", pod.get("hostNetwork"))
    check(pod.get("priorityClassName") == "system-node-critical",
          "daemonset: priorityClassName system-node-critical", pod.get("priorityClassName"))
    check(any(t.get("operator") == "Exists" and "key" not in t and "effect" not in t
              for t in pod.get("tolerations", [])),
          "daemonset: tolerates every taint (operator Exists, no key, no effect)",
          pod.get("tolerations"))
    all_c = containers(pod)
    check(all_c and all(privileged_enough(c) for c in all_c),
          "daemonset: every container has CAP_BPF, CAP_NET_ADMIN, CAP_SYS_ADMIN (or privileged)")
    check(all_c and all(mounts_hostpath(pod, c, "/sys/fs/bpf", "/sys/fs/bpf") for c in all_c),
          "daemonset: every container mounts the node's /sys/fs/bpf (pins outlive the pod)")
    check(len({c["image"] for c in all_c}) == 1, "daemonset: one image for every container",
          {c["image"] for c in all_c})
    check(subpaths(docs) == [], "manifests: no subPath anywhere (kubelet never updates those)")
    check(cm["metadata"].get("namespace") == ds["metadata"].get("namespace"),
          "configmap: in the DaemonSet's namespace")
    name = cm["metadata"]["name"]
    watch, apply_init, attach = by_name(pod, "watch"), by_name(pod, "apply", True), \
        by_name(pod, "attach", True)
    at = rules_mount(pod, watch, name)
    check(at is not None, "daemonset: the watcher mounts the ConfigMap as a directory", at)
    check("rules.conf" in cm.get("data", {}), "configmap: has the rules.conf key")
    want = ["apply", "--watch", "%s/rules.conf" % at]
    check(watch.get("args") == want, "daemonset: the watcher runs %s" % " ".join(want),
          watch.get("args"))
    inits = [c["name"] for c in pod.get("initContainers", [])]
    check(inits[:2] == ["apply", "attach"] and apply_init.get("args") ==
          ["apply", "%s/rules.conf" % at] and rules_mount(pod, apply_init, name) == at and
          (attach.get("args") or [""])[0] == "attach",
          "daemonset: init containers apply the rules, then attach", inits)
    metrics = by_name(pod, "metrics")
    args = metrics.get("args", [])
    textfile = args[args.index("--textfile") + 1] if "--textfile" in args else None
    vols = {v["name"]: v for v in pod.get("volumes", [])}
    check(args[:1] == ["stats"] and "--watch" in args and textfile and
          any(m["mountPath"] == textfile and "hostPath" in vols.get(m["name"], {})
              for m in metrics.get("volumeMounts", [])),
          "daemonset: the metrics container writes a textfile into a hostPath", args)

    jobs = find(docs, "Job")
    check(len(jobs) == 1, "remove job: there is one", len(jobs))
    if jobs:
        jp = jobs[0]["spec"]["template"]["spec"]
        steps = [c.get("args") for c in containers(jp)]
        check(steps == [["detach", "--all"], ["flush"]],
              "remove job: detach --all, then flush", steps)
        check(jp.get("hostNetwork") is True and jp.get("nodeName") and
              all(privileged_enough(c) and mounts_hostpath(jp, c, "/sys/fs/bpf", "/sys/fs/bpf")
                  for c in containers(jp)) and
              {c["image"] for c in containers(jp)} == {c["image"] for c in all_c},
              "remove job: on one node, the same image, privileges and bpffs")

    text, stages, entry = containerfile(deploy)
    check(stages[:1] == ["debian:12"] and stages[-1:] == ["scratch"] and len(stages) == 2,
          "Containerfile: builds on debian:12, ships FROM scratch", stages)
    check(entry == ["/usr/sbin/xdpport"], "Containerfile: the entry point is the binary", entry)
    check("deploy/kubernetes/rootfs.sh" in text and re.search(r"^COPY --from=\S+ /rootfs/ /",
                                                              text, re.M),
          "Containerfile: the image is what rootfs.sh assembles")


def check_prometheus(docs, metrics_file):
    metrics = set(re.findall(r"^# TYPE (\S+)", open(metrics_file).read(), re.M))
    alerts = [r for ds in docs.values() for d in ds if isinstance(d, dict) and "groups" in d
              for g in d["groups"] for r in g.get("rules", [])]
    names = [r.get("alert") for r in alerts]
    check("XdpportPolicyDropsJumped" in names and "XdpportRulesStale" in names,
          "alerts: drops by policy jumped, rules stale", names)
    check(alerts and all(r.get("expr") and r.get("for") and
                         (r.get("labels") or {}).get("severity") and
                         (r.get("annotations") or {}).get("summary") for r in alerts),
          "alerts: every rule has expr, for, a severity and a summary")
    used = {m for r in alerts for m in re.findall(r"\bxdpport_[a-z_]+", r.get("expr", ""))}
    check(used and used <= metrics, "alerts: every xdpport metric they use is exported",
          sorted(used - metrics))
    scrape = [d for ds in docs.values() for d in ds if isinstance(d, dict) and
              "scrape_configs" in d]
    check(scrape and all("job_name" in j for j in scrape[0]["scrape_configs"]),
          "scrape config: scrape_configs with job names")


def dump(deploy):
    docs = {p: [d for d in yaml.safe_load_all(open(p)) if d]
            for p in glob.glob(os.path.join(deploy, "**", "*.y*ml"), recursive=True)}
    ds, cm, job = find(docs, "DaemonSet")[0], find(docs, "ConfigMap")[0], find(docs, "Job")[0]
    pod = ds["spec"]["template"]["spec"]
    out = {"ENTRYPOINT": containerfile(deploy)[2]}
    for i, c in enumerate(pod.get("initContainers", [])):
        out["INIT_%d" % i] = c["args"]
    out["WATCH"] = by_name(pod, "watch")["args"]
    out["METRICS"] = by_name(pod, "metrics")["args"]
    for i, c in enumerate(containers(job["spec"]["template"]["spec"])):
        out["REMOVE_%d" % i] = c["args"]
    for k, v in out.items():
        print("%s=(%s)" % (k, " ".join(shlex.quote(a) for a in v)))
    args = out["METRICS"]
    print("TEXTFILE_MOUNT=%s" % shlex.quote(args[args.index("--textfile") + 1]))
    print("RULES_MOUNT=%s" % shlex.quote(rules_mount(pod, by_name(pod, "watch"),
                                                     cm["metadata"]["name"])))
    print("RULES_CONF=%s" % shlex.quote(cm["data"]["rules.conf"]))


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "check":
        docs = load(sys.argv[2])
        check_daemonset(docs, sys.argv[2])
        check_prometheus(docs, sys.argv[3])
        for ok, name, found in results:
            print("%d\t%s\t%s" % (ok, name, found))
        return 0
    if len(sys.argv) == 3 and sys.argv[1] == "dump":
        dump(sys.argv[2])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
