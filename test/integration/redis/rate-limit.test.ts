import request from 'supertest';
import { loadConfig } from '../../../src/config';
import { createStores, type Stores } from '../../../src/stores';
import { buildApp } from '../../support/harness';
import { createLogger } from '../../../src/web/logger';
import { CLIENT_ID, CLIENT_SECRET, PUBLIC_URL, SESSION_SECRET } from '../../support/harness';
import { LogCapture } from '../../support/log-capture';
import { deleteKeys, describeWithRedis, TEST_REDIS_URL, uniquePrefix } from '../../support/redis';

describeWithRedis('rate limits shared through Redis', () => {
  const prefix = uniquePrefix();
  const stores: Stores[] = [];

  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await deleteKeys(prefix);
  });

  test('two instances share one callback budget per IP', async () => {
    const config = loadConfig({
      PUBLIC_URL,
      INTEGRATION_CLIENT_ID: CLIENT_ID,
      INTEGRATION_CLIENT_SECRET: CLIENT_SECRET,
      SESSION_SECRET,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      RATE_LIMIT_CALLBACK_MAX: '3',
      LOG_LEVEL: 'info',
    });
    const apps = [0, 1].map(() => {
      const logger = createLogger('info', new LogCapture());
      const s = createStores(config, logger);
      stores.push(s);
      return buildApp(config, logger, { stores: s }).app;
    });
    for (const s of stores)
      for (let i = 0; i < 50 && !(await s.ping()); i += 1)
        await new Promise((r) => setTimeout(r, 50));

    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1)
      statuses.push((await request(apps[i % 2]!).get('/callback?mode=sso')).status);
    expect(statuses).toEqual([400, 400, 400, 429, 429]);
  });
});
