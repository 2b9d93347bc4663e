export { InvalidEnvironmentError } from '../config/read-environment';
export { VaultEnvironment, readVaultSettings, vaultConfig, type VaultSettings } from './config/vault.config';
export {
  DATABASE_SECRET_NAMES,
  databaseConnectionString,
  onDatabaseCredentialsChange,
  withCredentials,
} from '../config/database-url';
export { currentVaultSession, loadSecretsBeforeBootstrap, processSecrets, withLoadedSecrets } from './load-secrets';
export {
  SECRET_REDACTION_PATHS,
  redactDeep,
  redactSecretValues,
  secretRedactionPinoOptions,
} from '../config/redaction';
export { REDACTED, SECRET_NAME_PATTERN, SecretsService, type SecretChangeListener } from '../config/secrets.service';
export { VaultHealthIndicator } from './vault-health.indicator';
export {
  DATABASE_PASSWORD,
  DATABASE_USERNAME,
  VaultSession,
  VaultStartupError,
  type VaultHealthDetails,
  type VaultLogger,
} from './vault-session';
export { pinoVaultLogger } from './vault-logger';
export { VaultReadiness } from './vault-readiness';
export { VaultModule } from './vault.module';
