/** `happy-url`: a valid "url" deep link signs in an ADMIN and a USER and lands on the vendor's origin. */
import { happyPath } from '../factories';

export const scenario = happyPath('url');
