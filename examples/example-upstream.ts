// `npm run example:upstream`: a local OpenAI-compatible host, to try the
// gateway without a vendor key (the README's walkthrough uses it). It is the
// test suite's OpenAI-wire fixture server: each model name is a canned
// scenario — `plain-text` answers "Hello, world!", `one-tool-call` calls a
// weather tool, `json-schema` answers JSON, `error-429` is rate limited, …
// (test/fixtures/scenarios.ts lists them all). Any API key is accepted.
import { startOpenAIFixture } from '../test/fixtures/openai-upstream.js';
import { SCENARIOS } from '../test/fixtures/scenarios.js';

const port = Number(process.env['EXAMPLE_UPSTREAM_PORT'] ?? 9999);
const upstream = await startOpenAIFixture({ family: 'openai-compatible', apiKey: '', port, record: false });
console.log(`example upstream (OpenAI-compatible, any API key) at ${upstream.baseUrl}`);
console.log(`models: ${SCENARIOS.map((scenario) => scenario.name).join(', ')}`);
const stop = () => void upstream.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
