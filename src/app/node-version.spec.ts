import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeVersionProblem, REQUIRED_NODE } from './node-version';

describe(nodeVersionProblem.name, () => {
  it('should refuse Node 20 and 24.8 with one line naming the version needed', () => {
    expect(nodeVersionProblem('20.20.2')).toBe('spam-classifier needs Node.js >= 24.9 (this is 20.20.2); see .nvmrc');
    expect(nodeVersionProblem('24.8.0')).toContain('>= 24.9');
  });

  it('should accept 24.9 and later', () => {
    expect(nodeVersionProblem('24.9.0')).toBeUndefined();
    expect(nodeVersionProblem('24.22.3')).toBeUndefined();
    expect(nodeVersionProblem('26.0.0')).toBeUndefined();
  });

  it('should ask for the version package.json engines names', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      engines: { node: string };
    };
    expect(pkg.engines.node).toBe(`>=${REQUIRED_NODE.major}.${REQUIRED_NODE.minor}`);
  });
});
