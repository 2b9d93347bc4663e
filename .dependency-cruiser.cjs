/**
 * The module boundaries of src/, checked by `npm run check:boundaries` (part of `npm test`).
 * docs/architecture.md explains each module and why each arrow exists; keep the two in step.
 *
 * A module is a top-level folder of src/ (src/main.ts belongs to `app`). Every import between two modules must be
 * one of the arrows below; anything else, and any cycle, fails the check.
 */
const MODULES = [
  'app',
  'engine',
  'config',
  'http',
  'health',
  'auth',
  'metrics',
  'vault',
  'mlflow',
  'training',
  'classifier',
  'feedback',
  'retraining',
  'web',
];

/** module → the modules it may import (besides itself, node_modules and node: built-ins). */
const ARROWS = {
  // The engine (text → features → model → artifact) is plain TypeScript: it imports nothing of the application.
  engine: [],
  // Environment reading and the secrets port: the base every module stands on.
  config: [],
  // Fastify/Nest plumbing shared by the routes: error shape, exception filter, throttling, request ids, logging.
  http: ['config'],
  // Probes and the readiness registry; modules register their own indicators, so health knows none of them.
  health: ['config', 'http'],
  auth: ['config', 'http'],
  // The Vault adapter of the secrets port.
  vault: ['config', 'health'],
  // The registry: tracking-store port, MLflow and local adapters, the promotion gate, the publish use case.
  mlflow: ['engine', 'config', 'health'],
  // Data sets, evaluation, trainer, search and the training CLIs (no NestJS).
  training: ['engine', 'config', 'mlflow'],
  // Serving: models held, swapped and followed; predictions, KServe, the seed's routes.
  classifier: ['engine', 'config', 'http', 'auth', 'health', 'mlflow'],
  // Labelled feedback: API and store.
  feedback: ['engine', 'config', 'http', 'auth', 'health'],
  metrics: ['config', 'http', 'classifier'],
  // Cron, the Kubernetes Lease, runners; publishes through the registry and tells serving to follow.
  retraining: ['engine', 'config', 'http', 'auth', 'health', 'mlflow', 'training', 'feedback', 'classifier'],
  // The server-rendered pages, through presenters.
  web: ['engine', 'config', 'http', 'health', 'mlflow', 'training', 'classifier', 'feedback'],
  // The composition root (app.module, create-app, main.ts) wires everything.
  app: MODULES,
};

/**
 * A `cli/` folder holds a module's command-line code: it may also read Vault, as the service does at start.
 * A `*.cli.ts` file is the entry of its own process, a composition root like src/main.ts: it may wire any module.
 */
const CLI_EXTRA = ['vault'];

const moduleOf = (name) => (name === 'app' ? '^src/(app/|main\\.ts$)' : `^src/${name}/`);
const anyOf = (names) => (names.length === 0 ? '^$' : names.map(moduleOf).join('|'));

module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'Modules and files depend one way: a cycle makes every module in it a part of every other.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'engine-imports-nothing-of-the-app',
      severity: 'error',
      comment: 'The engine runs the same in the service, the CLIs and the benchmarks; it imports only its own files.',
      from: { path: '^src/engine/' },
      to: { path: '^src/', pathNot: '^src/engine/' },
    },
    {
      name: 'engine-through-its-entry',
      severity: 'error',
      comment: 'Outside the engine, use its public entry (src/engine/index.ts) or a sub-entry (src/engine/*/index.ts).',
      from: { path: '^(src|bench)/', pathNot: '^src/engine/|\\.spec\\.ts$' },
      to: { path: '^src/engine/', pathNot: '^src/engine/(index|[^/]+/index)\\.ts$' },
    },
    ...MODULES.map((name) => ({
      name: `${name}-arrows`,
      severity: 'error',
      comment: `${name} may import: ${ARROWS[name].join(', ') || 'nothing of the application'} (see docs/architecture.md).`,
      from: { path: moduleOf(name), pathNot: '\\.spec\\.ts$|/cli/|\\.cli\\.ts$' },
      to: { path: '^src/', pathNot: `${moduleOf(name)}|${anyOf(ARROWS[name])}` },
    })),
    ...MODULES.map((name) => ({
      name: `${name}-cli-arrows`,
      severity: 'error',
      comment: `${name}'s command-line entries may import: ${[...ARROWS[name], ...CLI_EXTRA].join(', ')}.`,
      from: { path: `^src/${name}/(cli/|.+/cli/)`, pathNot: '\\.spec\\.ts$|\\.cli\\.ts$' },
      to: { path: '^src/', pathNot: `${moduleOf(name)}|${anyOf([...ARROWS[name], ...CLI_EXTRA])}` },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$|fixture' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};

