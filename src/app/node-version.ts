/**
 * Imported first by every entry point: stops at once, with one line naming the version needed, when the running
 * Node.js is older than the one package.json's `engines` asks for (NestJS 12 and undici fail obscurely on Node 20).
 */
export const REQUIRED_NODE = { major: 24, minor: 9 } as const;

export function nodeVersionProblem(version: string = process.versions.node): string | undefined {
  const [major, minor] = version.split('.').map(Number);
  if (major > REQUIRED_NODE.major || (major === REQUIRED_NODE.major && minor >= REQUIRED_NODE.minor)) return undefined;
  return `spam-classifier needs Node.js >= ${REQUIRED_NODE.major}.${REQUIRED_NODE.minor} (this is ${version}); see .nvmrc`;
}

const problem = nodeVersionProblem();
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
