"""What the Kubernetes Deployment (deploy/k8s, rendered) expects of the image, as shell assignments for
deploy/image-test.sh, which runs the container the same way and checks each of these on it.

Usage: python3 deploy/podman/k8s-facts.py RENDERED.yaml ENV_FILE
Prints K8S_* variables (shell-quoted); writes the ConfigMap's settings to ENV_FILE (KEY=VALUE lines, podman --env-file).
"""
import shlex
import sys

import yaml

docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
deployment = next(d for d in docs if d["kind"] == "Deployment")
config = next(d for d in docs if d["kind"] == "ConfigMap")["data"]
pod = deployment["spec"]["template"]["spec"]
container = pod["containers"][0]
ports = {p["name"]: p["containerPort"] for p in container["ports"]}


def probe(name):
    get = container[name]["httpGet"]
    port = get["port"]
    return get["path"], ports[port] if isinstance(port, str) else port


mounts = {m["name"]: m["mountPath"] for m in container.get("volumeMounts", [])}
volumes = {v["name"]: v for v in pod.get("volumes", [])}
key_location = config["MP_JWT_VERIFY_PUBLICKEY_LOCATION"]
# The Secret volume whose mount holds the key file, and the file's name in it (items[].path).
secret_mount, secret_file = None, None
for name, volume in volumes.items():
    if "secret" in volume and key_location.startswith(mounts.get(name, "//") + "/"):
        secret_mount = mounts[name]
        paths = [item["path"] for item in volume["secret"].get("items", [])]
        secret_file = key_location[len(secret_mount) + 1:]
        if paths and secret_file not in paths:
            sys.exit(f"{key_location} is not a file of the Secret volume {name} (items: {paths})")
if secret_mount is None:
    sys.exit(f"MP_JWT_VERIFY_PUBLICKEY_LOCATION {key_location} is on no mounted Secret")
writable = [path for name, path in mounts.items() if "emptyDir" in volumes.get(name, {})]
security = container.get("securityContext", {})
memory = container["resources"]["limits"]["memory"]
units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "K": 10**3, "M": 10**6, "G": 10**9}
memory_bytes = next((int(memory[: -len(u)]) * f for u, f in units.items() if memory.endswith(u)), None) or int(memory)

facts = {
    "K8S_HTTP_PORT": ports["http"],
    "K8S_MANAGEMENT_PORT": ports["management"],
    "K8S_READINESS": "%s:%s" % probe("readinessProbe"),
    "K8S_LIVENESS": "%s:%s" % probe("livenessProbe"),
    "K8S_STARTUP": "%s:%s" % probe("startupProbe"),
    "K8S_KEY_LOCATION": key_location,
    "K8S_RUN_AS_USER": pod["securityContext"]["runAsUser"],
    "K8S_READ_ONLY_ROOT": str(security.get("readOnlyRootFilesystem", False)).lower(),
    "K8S_WRITABLE_DIRS": " ".join(writable),
    "K8S_MEMORY_LIMIT_BYTES": memory_bytes,
    "K8S_GRACE_SECONDS": pod.get("terminationGracePeriodSeconds", 30),
    "K8S_IMAGE": container["image"],
}
for key, value in facts.items():
    print(f"{key}={shlex.quote(str(value))}")
with open(sys.argv[2], "w") as out:
    for key, value in config.items():
        if "\n" in str(value):
            sys.exit(f"ConfigMap value of {key} spans lines: not a valid environment variable value")
        out.write(f"{key}={value}\n")
