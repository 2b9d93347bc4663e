/**
 * `rocAuc` → `roc_auc`, `confusionMatrix` → `confusion_matrix`; a key with no camelCase hump is kept as it is
 * (`feedback_holdout`, and scikit-learn's `C`).
 */
export function snakeCase(key: string): string {
  return /[a-z0-9][A-Z]/.test(key) ? key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase() : key;
}

/**
 * A copy of a JSON value with every object key in snake_case, for internal records (camelCase) shown as they are in
 * the API (snake_case outside). `rename` maps a key before that (`ham` → `not_spam`).
 */
export function snakeCaseKeys(value: unknown, rename: Readonly<Record<string, string>> = {}): unknown {
  if (Array.isArray(value)) return value.map((item) => snakeCaseKeys(item, rename));
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [rename[key] ?? snakeCase(key), snakeCaseKeys(item, rename)]),
  );
}
