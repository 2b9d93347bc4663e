# Vault policy of the spam-classifier service, attached to its Kubernetes auth role and its AppRole.
# Least privilege: read its own KV v2 secret, read credentials of its own database role, renew the leases of
# those credentials and its own token. Nothing is listed, written or deleted; no other path is reachable.
# Names follow the service's defaults (VAULT_KV_MOUNT=secret, VAULT_SECRET_PATH=spam-classifier/config,
# VAULT_DB_MOUNT=database, VAULT_DB_ROLE=spam-classifier); change them here and there together.

# KV v2 read of the current version (GET secret/data/spam-classifier/config). Metadata and other paths: denied.
path "secret/data/spam-classifier/config" {
  capabilities = ["read"]
}

# Dynamic PostgreSQL credentials of its own role only.
path "database/creds/spam-classifier" {
  capabilities = ["read"]
}

# Renewal of the leases of those credentials only: the service sends the lease id in the URL
# (PUT sys/leases/renew/<lease_id>), so the rule can name the role's lease prefix instead of every lease.
path "sys/leases/renew/database/creds/spam-classifier/*" {
  capabilities = ["update"]
}

# Its own token. Vault's default policy grants these too; they are listed so the roles also work with
# token_no_default_policy=true.
path "auth/token/lookup-self" {
  capabilities = ["read"]
}

path "auth/token/renew-self" {
  capabilities = ["update"]
}
