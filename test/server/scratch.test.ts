import { it } from 'vitest';
import { startGateway } from '../helpers/start-gateway.js';
import { createBufRunner } from './helpers.js';
it('x', async () => {
  const g = await startGateway();
  const r = createBufRunner();
  const a = await r.buf(['curl','-v','--protocol','connect','-H',`authorization: Bearer wrong-token-xxxxxxxxxxxxxxxx`,'-d','{"name":"x"}',`${g.url}/llmgateway.v1.KeysService/CreateKey`]);
  console.log(a.exitCode, a.stdout, a.stderr.slice(0, 4000));
  r.dispose(); await g.close();
});
