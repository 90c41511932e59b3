/** Entry of `dist/klaviyo-device-mode.messages.js`: a script tag that installs the log texts. */
import { installMessages } from './messages.js';

installMessages();
