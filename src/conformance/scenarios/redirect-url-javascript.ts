/** `redirect-url-javascript`: an open-redirect attempt through the `url` deep-link parameter. */
import { openRedirect } from '../factories';

export const scenario = openRedirect({
  id: 'redirect-url-javascript',
  title: 'Open redirect: url=javascript:…',
  param: 'url',
  payload: () => 'javascript:alert(document.domain)',
});
