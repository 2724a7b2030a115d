import { demoBanner } from '../../src/dev/demo';

test('the banner names both URLs, the idle timeout and how to show it again', () => {
  const text = demoBanner(
    {
      emulatorUrl: 'http://127.0.0.1:4000',
      backendUrl: 'http://localhost:3000',
      idleTimeoutSeconds: 1800,
    },
    1234,
  );
  expect(text).toContain('http://127.0.0.1:4000/');
  expect(text).toContain('http://localhost:3000/callback');
  expect(text).toContain('1800 s');
  expect(text).toContain('kill -USR2 1234');
});
