// The Node.js releases the gateway runs on: 24 LTS (the one it is built and
// measured on) and 22 LTS from 22.12 (its dependencies' floor: kysely,
// better-sqlite3 13, the openai and @google/genai SDKs, connect-node 2.2).
// package.json's `engines` says the same; keep the two in step.
export const SUPPORTED_NODE = '24 LTS, or 22 LTS from 22.12';

/** Why this Node.js version cannot run the gateway, or undefined when it can. */
export function unsupportedRuntime(version: string): string | undefined {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  if (major >= 24 || (major === 22 && minor >= 12)) return undefined;
  return [
    `llm-gateway needs Node.js ${SUPPORTED_NODE}; this is Node.js ${version.replace(/^v/, '')}.`,
    'Install Node.js 24 LTS, or run through the repository script that fetches it from the npm registry:',
    '  scripts/with-node npm ci && scripts/with-node npm run build && scripts/with-node npm start',
  ].join('\n');
}
