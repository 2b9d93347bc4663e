#!/bin/sh
# Ansible vault password "file" for CI: prints $ANSIBLE_VAULT_PASSWORD (set by Jenkins' withCredentials),
# so the password never touches the disk or a command line.
#   ANSIBLE_VAULT_PASSWORD_FILE=ansible/vault-password-from-env.sh ansible-playbook …
if [ -z "${ANSIBLE_VAULT_PASSWORD:-}" ]; then
  echo "ANSIBLE_VAULT_PASSWORD is not set" >&2
  exit 1
fi
printf '%s\n' "$ANSIBLE_VAULT_PASSWORD"
