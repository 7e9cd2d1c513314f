"""The deploy files pass the checkers that run here (no container engine does): the compose
blueprint through `docker-compose config`, its nginx file through `nginx -t`, the alert rules
through `promtool check rules` and their unit tests through `promtool test rules`, Prometheus'
configuration through `promtool check config`, the Dockerfile's runtime packages against Debian's
archive, and Grafana's provisioning against the dashboard it provisions."""
import json
import os
import re
import shutil
import subprocess

import pytest
import yaml

from topology import make_certificate, nginx_main_config

pytestmark = [
    pytest.mark.swiftrack_only,
    pytest.mark.skipif(os.environ.get("SWIFTRACK_COMPAT_ENGINE", "sqlite") != "sqlite",
                       reason="files, not the engine: runs in the SQLite pass"),
]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMPOSE = os.path.join(ROOT, "deploy", "compose")
PROMETHEUS = os.path.join(ROOT, "deploy", "prometheus")
SECRETS = {"POSTGRES_PASSWORD": "pg-secret", "MINIO_ROOT_USER": "swiftrack", "MINIO_ROOT_PASSWORD": "minio-secret",
           "GRAFANA_ADMIN_PASSWORD": "grafana-secret", "SWIFTRACK_TLS_DIR": "/srv/certs"}


def compose_config(env):
    return subprocess.run(["docker-compose", "-f", os.path.join(COMPOSE, "docker-compose.yml"), "config"],
                          capture_output=True, text=True, timeout=60, env=env, cwd=COMPOSE)


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="needs docker-compose (scripts/bootstrap)")
def test_the_compose_blueprint_is_valid_and_needs_its_secrets():
    env = dict(os.environ, **SECRETS)
    checked = compose_config(env)
    assert checked.returncode == 0, checked.stderr
    config = yaml.safe_load(checked.stdout)
    services = config["services"]
    assert {"postgres", "minio", "minio-bucket", "swiftrack-1", "swiftrack-2", "nginx", "prometheus",
            "grafana"} <= set(services)
    for replica in ("swiftrack-1", "swiftrack-2"):
        command = services[replica]["command"]
        assert "postgresql://swiftrack:pg-secret@postgres:5432/swiftrack" in command
        assert command[command.index("--artifacts-destination") + 1] == "s3://swiftrack/artifacts"
        assert "--require-https" in command and "--audit" in command
        assert services[replica]["environment"]["MLFLOW_S3_ENDPOINT_URL"] == "http://minio:9000"
    # Only nginx is published beyond loopback; monitoring stays on 127.0.0.1.
    published = {name: [str(p.get("published", p) if isinstance(p, dict) else p) for p in s.get("ports", [])]
                 for name, s in services.items()}
    assert set(published["nginx"]) >= {"443", "80"} or any("443" in p for p in published["nginx"])
    for name in ("prometheus", "grafana"):
        assert all("127.0.0.1" in str(p) for p in services[name]["ports"]), services[name]["ports"]
    for name in ("postgres", "minio", "swiftrack-1", "swiftrack-2"):
        assert not services[name].get("ports"), name
    for missing in SECRETS:
        without = {k: v for k, v in env.items() if k != missing}
        refused = compose_config(without)
        assert refused.returncode != 0 and missing in refused.stderr, (missing, refused.stderr)


def test_the_blueprints_nginx_file_passes_nginx_t(tmp_path):
    text = open(os.path.join(COMPOSE, "nginx", "swiftrack.conf")).read()
    cert, key = make_certificate(str(tmp_path))
    # Only what needs the compose network or its volumes is replaced: the replicas' names, the ports, the certificate.
    for old, new in [("swiftrack-1:5000", "127.0.0.1:5001"), ("swiftrack-2:5000", "127.0.0.1:5002"),
                     ("listen 443 ssl", "listen 127.0.0.1:18443 ssl"), ("listen 80;", "listen 127.0.0.1:18080;"),
                     ("/etc/nginx/certs/fullchain.pem", cert), ("/etc/nginx/certs/privkey.pem", key)]:
        assert old in text
        text = text.replace(old, new)
    site = tmp_path / "site.conf"
    site.write_text(text)
    checked = subprocess.run(["nginx", "-t", "-c", nginx_main_config(str(tmp_path), str(site))],
                             capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    assert "proxy_next_upstream error timeout http_502 http_503;" in text
    # A POST that reached a replica is never sent to a second one.
    assert re.search(r"^\s*proxy_next_upstream [^;]*non_idempotent", text, re.M) is None


def test_the_alert_rules_pass_promtool_and_their_unit_tests():
    rules = os.path.join(PROMETHEUS, "swiftrack.rules.yml")
    checked = subprocess.run(["promtool", "check", "rules", rules], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS: 10 rules found" in checked.stdout
    names = {rule["alert"] for group in yaml.safe_load(open(rules))["groups"] for rule in group["rules"]}
    assert names == {"SwiftrackDown", "SwiftrackHighErrorRate", "SwiftrackP99LatencyHigh",
                     "SwiftrackDatabasePoolSaturated", "SwiftrackDatabasePoolTimeouts", "SwiftrackAuditWriteFailures",
                     "SwiftrackAuditRecordsDropped", "SwiftrackLocalStoreDiskLow", "SwiftrackLocalStoreDiskCritical",
                     "SwiftrackSealedArtifactMismatch"}
    tested = subprocess.run(["promtool", "test", "rules", "swiftrack.rules.test.yml"], capture_output=True, text=True,
                            timeout=60, cwd=PROMETHEUS)
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_the_rules_name_only_series_swiftrack_exposes():
    """Every swiftrack_* series an alert reads is one the server registers (a renamed metric would
    silence its alert without any checker noticing)."""
    rules = open(os.path.join(PROMETHEUS, "swiftrack.rules.yml")).read()
    used = set(re.findall(r"swiftrack_[a-z_]+", rules)) - {"swiftrack_http_request_duration_seconds_bucket"}
    used.add("swiftrack_http_request_duration_seconds")
    sources = ""
    for folder, _, files in os.walk(os.path.join(ROOT, "Sources")):
        for name in files:
            if name.endswith(".swift"):
                sources += open(os.path.join(folder, name)).read()
    registered = set(re.findall(r'"(swiftrack_[a-z_]+)"', sources))
    assert used <= registered, used - registered


def test_prometheus_config_passes_promtool(tmp_path):
    config = yaml.safe_load(open(os.path.join(PROMETHEUS, "prometheus.yml")))
    assert config["rule_files"] == ["/etc/prometheus/rules/swiftrack.rules.yml"]
    config["rule_files"] = [os.path.join(PROMETHEUS, "swiftrack.rules.yml")]   # the mount point, here
    local = tmp_path / "prometheus.yml"
    local.write_text(yaml.safe_dump(config))
    checked = subprocess.run(["promtool", "check", "config", str(local)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    targets = config["scrape_configs"][0]["static_configs"][0]["targets"]
    assert targets == ["swiftrack-1:9464", "swiftrack-2:9464"]
    compose = open(os.path.join(COMPOSE, "docker-compose.yml")).read()
    assert '- --metrics-port\n    - "9464"' in compose


def test_the_dockerfile_installs_packages_debian_12_has():
    text = open(os.path.join(COMPOSE, "Dockerfile")).read()
    assert text.count("FROM ") == 2 and "debian:12-slim" in text and "-static-stdlib" in text
    runtime = text.split("FROM debian:12-slim")[1]
    packages = re.search(r"apt-get install -y --no-install-recommends \\\s*(.*?)\\\s*&&", runtime, re.S).group(1).split()
    assert "libmicrohttpd12" in packages and "libpq5" in packages
    # One apt-cache for them all (one process per package took over the test's 20 s on a busy machine).
    shown = subprocess.run(["apt-cache", "show", "--no-all-versions", *packages], capture_output=True, text=True,
                           timeout=60)
    found = set(re.findall(r"^Package: (\S+)$", shown.stdout, re.M))
    assert found == set(packages), f"not Debian 12 packages: {sorted(set(packages) - found)}"
    # The libraries the binary links against are all installed by that list.
    assert "USER swiftrack" in runtime and "HEALTHCHECK" in runtime


def test_grafana_provisions_the_dashboard_with_its_datasource():
    datasource = yaml.safe_load(open(os.path.join(COMPOSE, "grafana", "provisioning", "datasources", "prometheus.yml")))
    assert datasource["datasources"][0]["url"] == "http://prometheus:9090"
    provider = yaml.safe_load(open(os.path.join(COMPOSE, "grafana", "provisioning", "dashboards", "swiftrack.yml")))
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"
    dashboard = json.load(open(os.path.join(ROOT, "deploy", "grafana", "swiftrack.json")))
    assert dashboard["uid"] == "swiftrack-overview" and dashboard["panels"]
