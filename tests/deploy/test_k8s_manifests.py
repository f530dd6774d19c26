"""deploy/k8s and the Dockerfile, checked offline: every manifest against the
Kubernetes JSON schemas (strict: an unknown field is an error; the schemas
ship in the kubernetes-validate package), then what the schemas cannot see:
names that refer to each other, probes, the one image and its entry point."""

import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
KUBERNETES_VERSION = "1.37.0"
ENTRYPOINT = ROOT / "scripts" / "container-entrypoint"


def load(path):
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def kustomization():
    return yaml.safe_load((K8S / "kustomization.yaml").read_text())


@pytest.fixture(scope="module")
def manifests():
    """kind/name -> document, for every resource the kustomization lists."""
    docs = {}
    for name in kustomization()["resources"]:
        for doc in load(K8S / name):
            docs[f"{doc['kind']}/{doc['metadata']['name']}"] = doc
    return docs


def test_every_manifest_file_is_in_the_kustomization():
    listed = set(kustomization()["resources"])
    on_disk = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == on_disk


RESOURCE_FILES = sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")


@pytest.mark.parametrize("path", RESOURCE_FILES, ids=lambda p: p.name)
def test_manifests_match_the_kubernetes_schemas(path):
    for doc in load(path):
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda d: d["spec"].update(replicas="three"), "three"),
        (lambda d: d["spec"]["template"]["spec"]["containers"][0].update(imagePullPolice="x"),
         "imagePullPolice"),
    ],
)
def test_the_schema_check_catches_a_broken_manifest(manifests, change, complaint):
    broken = yaml.safe_load(yaml.safe_dump(manifests["Deployment/cap-web"]))
    change(broken)
    with pytest.raises(kubernetes_validate.ValidationError, match=complaint):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def pods(manifests):
    """(name, pod template metadata, pod spec) of every workload."""
    for key, doc in manifests.items():
        if doc["kind"] in ("Deployment", "Job"):
            template = doc["spec"]["template"]
            yield key, template["metadata"], template["spec"]


def selects(selector, labels):
    return all(labels.get(k) == v for k, v in selector.items())


def test_web_worker_and_beat_run_from_one_image_with_an_entrypoint_role(manifests):
    usage = subprocess.run([str(ENTRYPOINT)], capture_output=True, text=True)
    assert usage.returncode == 2
    roles = usage.stderr.split("usage: container-entrypoint ")[1].split()[0].split("|")
    seen = {}
    for key, _, spec in pods(manifests):
        (container,) = spec["containers"]
        assert container["image"] == "cap", key  # kustomize's images: sets the registry
        assert container["args"][0] in roles, key
        seen[container["args"][0]] = key
    assert set(seen) == {"web", "worker", "beat", "setup"}
    (image,) = kustomization()["images"]
    assert image["name"] == "cap"


def test_the_dockerfile_builds_what_the_manifests_run():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["/opt/cap/scripts/container-entrypoint"]' in dockerfile
    assert "COPY scripts/gunicorn.conf.py scripts/container-entrypoint scripts/" in dockerfile
    assert "USER 1000:1000" in dockerfile  # the manifests' runAsUser
    assert "INVENIO_INSTANCE_PATH=/opt/cap/var/instance" in dockerfile


def test_selectors_services_and_budgets_find_their_pods(manifests):
    labels = {key: meta["labels"] for key, meta, _ in pods(manifests)}
    for key, doc in manifests.items():
        if doc["kind"] == "Deployment":
            assert selects(doc["spec"]["selector"]["matchLabels"], labels[key]), key
        if doc["kind"] in ("Service", "PodDisruptionBudget"):
            selector = doc["spec"]["selector"]
            selector = selector.get("matchLabels", selector)
            matched = [k for k, pod_labels in labels.items() if selects(selector, pod_labels)]
            assert len(matched) == 1 and matched[0].startswith("Deployment/"), (key, matched)
    budgets = {doc["metadata"]["name"] for doc in manifests.values()
               if doc["kind"] == "PodDisruptionBudget"}
    assert budgets == {"cap-web", "cap-worker"}  # beat: one replica, no budget


def test_the_web_pods_are_probed_on_api_ping_and_scaled(manifests):
    web = manifests["Deployment/cap-web"]
    (container,) = web["spec"]["template"]["spec"]["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    for probe in ("startupProbe", "readinessProbe"):
        get = container[probe]["httpGet"]
        assert get["path"] == "/api/ping" and get["port"] in ports, probe
        headers = {h["name"]: h["value"] for h in get["httpHeaders"]}
        config = manifests["ConfigMap/cap-config"]["data"]["invenio.cfg"]
        assert f'"{headers["Host"]}"' in config.split("TRUSTED_HOSTS = ")[1].split("\n")[0]
        assert headers["X-Forwarded-Proto"] == "https"  # not redirected to HTTPS
    assert container["livenessProbe"]["tcpSocket"]["port"] in ports
    hpa = manifests["HorizontalPodAutoscaler/cap-web"]
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                             "name": "cap-web"}
    budget = manifests["PodDisruptionBudget/cap-web"]["spec"]["minAvailable"]
    assert budget < hpa["spec"]["minReplicas"]  # a node drain can always proceed


def test_beat_is_a_single_replica_never_doubled(manifests):
    beat = manifests["Deployment/cap-beat"]["spec"]
    assert beat["replicas"] == 1 and beat["strategy"]["type"] == "Recreate"


def test_every_reference_names_a_manifest(manifests):
    service = manifests["Service/cap-web"]
    service_ports = {p["name"] for p in service["spec"]["ports"]}
    for rule in manifests["Ingress/cap"]["spec"]["rules"]:
        for path in rule["http"]["paths"]:
            backend = path["backend"]["service"]
            assert f"Service/{backend['name']}" in manifests
            assert backend["port"]["name"] in service_ports
    for key, _, spec in pods(manifests):
        (container,) = spec["containers"]
        for source in container.get("envFrom", []):
            assert f"Secret/{source['secretRef']['name']}" in manifests, key
        volumes = {v["name"]: v for v in spec["volumes"]}
        for mount in container["volumeMounts"]:
            volume = volumes[mount["name"]]
            if "configMap" in volume:
                config = manifests[f"ConfigMap/{volume['configMap']['name']}"]
                assert mount["subPath"] in config["data"], key
                assert mount["mountPath"] == "/opt/cap/var/instance/invenio.cfg", key


def test_the_deployed_invenio_cfg_is_python_and_the_secret_holds_placeholders(manifests):
    config = manifests["ConfigMap/cap-config"]["data"]["invenio.cfg"]
    settings = {}
    exec(compile(config, "invenio.cfg", "exec"), settings)
    assert settings["CAP_FILES_LOCATION_URI"].startswith("root://")
    assert "SECRET_KEY" not in settings  # secrets only in the Secret
    secret = manifests["Secret/cap-secrets"]["stringData"]
    assert all(key.startswith("INVENIO_") for key in secret)
    assert secret["INVENIO_SECRET_KEY"] == "change-me"
