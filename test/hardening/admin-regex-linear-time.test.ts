// Admin-supplied regular expressions run over client text on a linear-time engine, in the built
// gateway as `npm start` runs it: a prompt rule and an expert route's RULES classifier with nested
// quantifiers (`(a+)+$`, which a backtracking engine takes exponential time on) answer a
// 50,000-character message correctly while /healthz keeps answering; what the engine cannot run
// (backreferences, lookaround) is refused when saved, with invalid_argument. A child process, so a
// gateway stalled by a pattern fails the test on its timeout instead of stalling the test runner.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PromptRuleOperation, PromptRuleScope, PromptRulesService } from '../../gen/llmgateway/v1/prompt_rules_service_pb.js';
import { ExpertClassifierType, RouteStrategy, RoutesService } from '../../gen/llmgateway/v1/routes_service_pb.js';
import { startFaultUpstream, type FaultUpstream } from '../fixtures/fault-upstream.js';
import { adminCaller, type AdminCall } from '../helpers/admin-call.js';
import { checkStartScript, freePort, START_FLAGS, startGatewayProcess, waitFor, type GatewayProcess } from '../helpers/gateway-process.js';

const ADMIN_TOKEN = 'gw-admin-linear-regex-test-0123456789abcdef';
/** No match for `(a+)+$`: a backtracking engine tries every way to split the a's before giving up. */
const STALLING = `${'a'.repeat(50_000)}b`;
const MATCHING = `b${'a'.repeat(50_000)}`;

let upstream: FaultUpstream;
let started: GatewayProcess;
let dataDir: string;
let base: string;
let admin: AdminCall;
let openai: OpenAI;

beforeAll(async () => {
  checkStartScript();
  upstream = await startFaultUpstream();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-linear-regex-'));
  const port = await freePort();
  started = startGatewayProcess({ GATEWAY_DATA_DIR: dataDir, GATEWAY_PORT: String(port), GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN }, { nodeFlags: START_FLAGS });
  await waitFor(() => started.output().includes('gateway listening'), 'the gateway to listen');
  base = `http://127.0.0.1:${port}`;
  admin = adminCaller(base, ADMIN_TOKEN);
  await admin('ProvidersService/CreateProvider', {
    id: 'fault', name: 'Fault', type: 'PROVIDER_TYPE_OPENAI', baseUrl: upstream.baseUrl, apiKey: upstream.apiKey,
    models: ['ok-ruled', 'ok-as', 'ok-other'].map((upstreamModel) => ({ upstreamModel })),
  });
  await admin('RoutesService/CreateRoute', {
    name: 'ruled', strategy: 'ROUTE_STRATEGY_PRIORITY', targets: [{ providerId: 'fault', upstreamModel: 'ok-ruled' }],
  });
  const secret = String((await admin('KeysService/CreateKey', { name: 'linear-regex' }))['secret']);
  openai = new OpenAI({ baseURL: `${base}/v1`, apiKey: secret, maxRetries: 0 });
});
afterAll(async () => {
  started?.child.kill('SIGKILL');
  await started?.exited;
  await upstream?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** A completion and, at the same time, another client's health probe: both must answer. */
async function completeWithProbe(model: string, content: string) {
  const [answer, health] = await Promise.all([
    openai.chat.completions.create({ model, messages: [{ role: 'user', content }] }).withResponse(),
    fetch(`${base}/healthz`),
  ]);
  expect(health.status).toBe(200);
  return answer;
}

describe('admin regexes over client text', () => {
  it('a prompt rule with nested quantifiers rewrites a long message correctly, and the gateway keeps answering', async () => {
    await admin('PromptRulesService/CreatePromptRule', {
      name: 'strip-trailing', scope: 'PROMPT_RULE_SCOPE_ROUTE', scopeId: 'ruled',
      operation: 'PROMPT_RULE_OPERATION_REGEX_REPLACE', pattern: '(a+)+$', replacement: 'X',
    });
    const lastUserText = () => upstream.lastBody('ok-ruled')?.messages?.at(-1)?.content;

    const untouched = await completeWithProbe('ruled', STALLING);
    expect(untouched.data.choices[0]?.message.content).toBe('served by ruled');
    expect(untouched.response.headers.get('x-gateway-rules')).toBeNull();
    expect(lastUserText()).toBe(STALLING);

    const rewritten = await completeWithProbe('ruled', MATCHING);
    expect(rewritten.response.headers.get('x-gateway-rules')).toBe('strip-trailing');
    expect(lastUserText()).toBe('bX');
  });

  it('an expert route whose RULES pattern has nested quantifiers classifies a long message, and the gateway keeps answering', async () => {
    await admin('RoutesService/CreateRoute', {
      name: 'experts', strategy: 'ROUTE_STRATEGY_EXPERT',
      expert: {
        experts: [
          { name: 'as', description: 'Ends in a run of a', providerId: 'fault', upstreamModel: 'ok-as' },
          { name: 'other', description: 'Everything else', providerId: 'fault', upstreamModel: 'ok-other' },
        ],
        fallbackExpert: 'other',
        classifier: { type: 'EXPERT_CLASSIFIER_TYPE_RULES', rules: [{ pattern: '(a+)+$', expert: 'as' }] },
        preprocessing: { maxCharacters: 100_000 },
      },
    });
    const noMatch = await completeWithProbe('experts', STALLING);
    expect(noMatch.response.headers.get('x-gateway-upstream-model')).toBe('ok-other');
    const match = await completeWithProbe('experts', MATCHING);
    expect(match.response.headers.get('x-gateway-upstream-model')).toBe('ok-as');
  });

  it('refuses, when saved, patterns the linear-time engine cannot run, with invalid_argument saying why', async () => {
    const transport = createConnectTransport({
      baseUrl: base,
      httpVersion: '1.1',
      interceptors: [(next) => (request) => (request.header.set('authorization', `Bearer ${ADMIN_TOKEN}`), next(request))],
    });
    const rules = createClient(PromptRulesService, transport);
    const refusal = async (call: Promise<unknown>) => {
      const error = await call.then(() => undefined, (caught: unknown) => ConnectError.from(caught));
      expect(error?.code).toBe(Code.InvalidArgument);
      return error!.rawMessage;
    };
    const cases: Array<[string, string]> = [
      ['(\\w)\\1', 'backreferences are not supported: `\\1`'],
      ['api_key(?=:)', 'lookahead is not supported: `(?=`'],
      ['(?<=token=)\\w+', 'lookbehind is not supported: `(?<=`'],
    ];
    for (const [pattern, reason] of cases) {
      const message = await refusal(
        rules.createPromptRule({
          name: 'refused', scope: PromptRuleScope.ROUTE, scopeId: 'ruled', operation: PromptRuleOperation.REGEX_REPLACE, pattern, replacement: '',
        }),
      );
      expect(message).toBe(`pattern: does not compile on the gateway's linear-time regex engine (RE2 syntax: no backreferences, lookahead or lookbehind): ${reason}`);
    }
    const routes = createClient(RoutesService, transport);
    const message = await refusal(
      routes.createRoute({
        name: 'experts-refused',
        strategy: RouteStrategy.EXPERT,
        expert: {
          experts: [{ name: 'only', description: 'Only', providerId: 'fault', upstreamModel: 'ok-other' }],
          fallbackExpert: 'only',
          classifier: { type: ExpertClassifierType.RULES, rules: [{ pattern: 'deploy(?! now)', expert: 'only' }] },
        },
      }),
    );
    expect(message).toMatch(/^expert\.classifier\.rules\[0\]\.pattern: does not compile on the gateway's linear-time regex engine .*: lookahead is not supported: `\(\?!`$/);
  });
});
