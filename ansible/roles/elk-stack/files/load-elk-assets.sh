#!/usr/bin/env bash
# Loads the spam-classifier ingest pipeline, index template and Kibana dashboard. Idempotent: every call
# overwrites. Used by the compose `elk` profile and by the elk-stack role's in-cluster Job.
#   ES_URL, KIBANA_URL   endpoints (required)
#   ELASTIC_USERNAME / ELASTIC_PASSWORD   basic auth when security is on (optional)
#   ASSETS_DIR           folder with the JSON/NDJSON files (default: this script's folder)
set -euo pipefail

: "${ES_URL:?ES_URL is required}"
: "${KIBANA_URL:?KIBANA_URL is required}"
ASSETS_DIR="${ASSETS_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"

auth=()
if [ -n "${ELASTIC_USERNAME:-}" ]; then
  # Credentials go to curl through a config on stdin, never on its command line.
  auth=(--config -)
fi

call() {
  local method="$1" url="$2"
  shift 2
  if [ "${#auth[@]}" -gt 0 ]; then
    printf 'user = "%s:%s"\n' "$ELASTIC_USERNAME" "${ELASTIC_PASSWORD:-}" |
      curl -fsS --retry 10 --retry-delay 5 --retry-all-errors "${auth[@]}" -X "$method" "$url" "$@"
  else
    curl -fsS --retry 10 --retry-delay 5 --retry-all-errors -X "$method" "$url" "$@"
  fi
}

echo "ingest pipeline spam-classifier-logs"
call PUT "$ES_URL/_ingest/pipeline/spam-classifier-logs" \
  -H 'Content-Type: application/json' --data-binary "@$ASSETS_DIR/ingest-pipeline.json" >/dev/null

echo "index template spam-classifier-logs"
call PUT "$ES_URL/_index_template/spam-classifier-logs" \
  -H 'Content-Type: application/json' --data-binary "@$ASSETS_DIR/index-template.json" >/dev/null

echo "kibana saved objects"
result="$(call POST "$KIBANA_URL/api/saved_objects/_import?overwrite=true" \
  -H 'kbn-xsrf: spam-classifier' --form "file=@$ASSETS_DIR/kibana-dashboard.ndjson")"
case "$result" in
  *'"success":true'*) echo "dashboard imported" ;;
  *) echo "kibana import failed: $result" >&2; exit 1 ;;
esac
