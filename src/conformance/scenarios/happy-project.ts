/** `happy-project`: a valid "project" deep link signs in an ADMIN and a USER and lands on the vendor's origin. */
import { happyPath } from '../factories';

export const scenario = happyPath('project');
