import { demoPassthrough } from '../../src/dev/local-environment';

test('the demo forwards the session lifetimes and names it is given, nothing else', () => {
  expect(
    demoPassthrough({
      SESSION_IDLE_TIMEOUT_SECONDS: '60',
      SESSION_ABSOLUTE_TIMEOUT_SECONDS: '',
      INTEGRATION_CLIENT_SECRET: 'x',
      PRODUCT_NAME: 'Acme',
    }),
  ).toEqual({ SESSION_IDLE_TIMEOUT_SECONDS: '60', PRODUCT_NAME: 'Acme' });
});
