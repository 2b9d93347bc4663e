#!/usr/bin/env bash
# Static checks of the delivery files, with tools from Debian's packages (yamllint, ansible,
# ansible-lint, the ShellCheck linter, groovy) and the project's ajv. Runs every check, prints one line per check, and exits 1 when
# any check has a finding (2 when a tool is missing).
#   bash scripts/check-delivery.sh            # all checks
#   HELM=/path/to/helm bash scripts/check-delivery.sh   # also helm lint/template (CI agents with helm)
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

failures=()
missing=()

need() {
  # need <command> <debian package>
  if ! command -v "$1" >/dev/null 2>&1; then
    missing+=("$1 (Debian package $2)")
  fi
}

run() {
  # run <label> <command…>: prints the command's output only when it fails.
  local label="$1"
  shift
  local out
  if out="$("$@" 2>&1)"; then
    printf 'ok    %s\n' "$label"
  else
    printf 'FAIL  %s\n' "$label"
    printf '%s\n' "$out" | sed 's/^/      /'
    failures+=("$label")
  fi
}

need yamllint yamllint
need ansible-playbook ansible
need ansible-lint ansible-lint
need shellcheck shellcheck
need groovy groovy
need node "Node 24 (.node24)"
if [ "${#missing[@]}" -gt 0 ]; then
  printf 'check-delivery: missing tools: %s\n' "${missing[*]}" >&2
  exit 2
fi

# Debian's groovy looks for /usr/lib/jvm/default-java, which only default-jre creates.
if [ -z "${JAVA_HOME:-}" ] && [ ! -x /usr/lib/jvm/default-java/bin/java ] && command -v java >/dev/null 2>&1; then
  JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
  export JAVA_HOME
fi

# 1. YAML that is not a Helm template (the ignore list is in .yamllint); warnings count as findings.
run "yamllint (every YAML file except Helm templates)" yamllint --strict .

# 2. Ansible: syntax against both inventories, then ansible-lint (production profile, offline).
for inventory in ansible/inventory/*.yml; do
  run "ansible-playbook --syntax-check ($(basename "$inventory"))" \
    ansible-playbook --syntax-check -i "$inventory" ansible/setup-infrastructure.yml ansible/deploy-app.yml
done
run "ansible-lint (production profile, offline)" \
  ansible-lint --offline -c ansible/.ansible-lint ansible/setup-infrastructure.yml ansible/deploy-app.yml

# 3. Every shell script: *.sh files and files whose first line names sh or bash.
mapfile -t scripts < <(
  find . \( -path ./node_modules -o -path ./.node24 -o -path ./.git -o -path ./dist -o -path ./coverage \
    -o -path ./var -o -path ./test-artifacts \) -prune -o -type f -print |
    while IFS= read -r f; do
      case "$f" in
        *.sh) printf '%s\n' "$f" ;;
        *.ts | *.js | *.mjs | *.cjs | *.json | *.md | *.yml | *.yaml | *.groovy | *.py) ;;
        *) if head -c 64 "$f" 2>/dev/null | head -n 1 | grep -Eq '^#!.*\b(ba)?sh\b'; then printf '%s\n' "$f"; fi ;;
      esac
    done | sort
)
if [ "${#scripts[@]}" -eq 0 ]; then
  printf 'FAIL  shellcheck: no shell scripts found (expected at least .ci/run)\n'
  failures+=("shellcheck")
else
  run "shellcheck (${#scripts[@]} scripts: ${scripts[*]})" shellcheck --severity=style "${scripts[@]}"
fi

# 4. Jenkinsfiles: parsed by Groovy's compiler, declarative shape, stages, credentials never echoed.
run "groovy: jenkins/Jenkinsfile" groovy scripts/check-jenkinsfile.groovy \
  --expect-stages "Checkout,Set up Node 24,Lint and test,Build image,Push image,Helm lint and package,Deploy with Ansible,Verify rollout,Health check,Trigger training,Clean up" \
  jenkins/Jenkinsfile
run "groovy: jenkins/Jenkinsfile.train" groovy scripts/check-jenkinsfile.groovy \
  --expect-stages "Train,Evaluate,Register,Promote if better,Roll out" \
  jenkins/Jenkinsfile.train

# 5. Helm values: values.yaml, each example over it, and the production + Vault stack, against the schema.
run "values.schema.json: values.yaml and every values-*.yaml" node scripts/validate-helm-values.mjs
run "values.schema.json: values-production.yaml + values-vault.yaml" \
  node scripts/validate-helm-values.mjs values-production.yaml+values-vault.yaml

# 6. Optional, where helm exists (Jenkins agents): lint and render every example.
if [ -n "${HELM:-}" ] || command -v helm >/dev/null 2>&1; then
  helm_bin="${HELM:-helm}"
  run "helm lint --strict (defaults)" "$helm_bin" lint --strict helm/spam-classifier
  for f in helm/spam-classifier/values-*.yaml; do
    run "helm lint --strict ($(basename "$f"))" "$helm_bin" lint --strict helm/spam-classifier -f "$f"
    run "helm template ($(basename "$f"))" "$helm_bin" template ci helm/spam-classifier -f "$f"
  done
else
  printf 'skip  helm lint / helm template: no helm here (the Jenkinsfile runs them with kubeconform)\n'
fi

if [ "${#failures[@]}" -gt 0 ]; then
  printf '\ncheck-delivery: %d check(s) failed: %s\n' "${#failures[@]}" "$(IFS=';'; echo "${failures[*]}")"
  exit 1
fi
printf '\ncheck-delivery: all checks passed\n'
