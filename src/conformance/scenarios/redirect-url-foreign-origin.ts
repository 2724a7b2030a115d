/** `redirect-url-foreign-origin`: an open-redirect attempt through the `url` deep-link parameter. */
import { EVIL_HOST, openRedirect } from '../factories';

export const scenario = openRedirect({
  id: 'redirect-url-foreign-origin',
  title: 'Open redirect: url=https://evil.example/',
  param: 'url',
  payload: () => `https://${EVIL_HOST}/`,
});
