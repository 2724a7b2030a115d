import { createEmulator } from '../../src/emulator';
import { main } from '../../src/emulator/main';
import { TEST_INTEGRATION } from './helpers';

describe('production refusal', () => {
  const original = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = original;
    process.exitCode = undefined;
  });

  it('createEmulator throws when NODE_ENV=production', async () => {
    process.env.NODE_ENV = 'production';
    await expect(createEmulator({ integration: { ...TEST_INTEGRATION } })).rejects.toThrow(
      /production/,
    );
  });

  it('main() refuses with exit code 1 and starts nothing', async () => {
    await main({ NODE_ENV: 'production', LOG_LEVEL: 'silent' });
    expect(process.exitCode).toBe(1);
  });

  it('createEmulator validates its options', async () => {
    await expect(
      createEmulator({ integration: { ...TEST_INTEGRATION, clientSecret: '' } }),
    ).rejects.toThrow(TypeError);
    await expect(
      createEmulator({ integration: { ...TEST_INTEGRATION }, idTokenTtlSeconds: 0 }),
    ).rejects.toThrow(TypeError);
  });
});
