/** Where `installMessages()` puts the texts, shared by every copy of the package on the page. */
export const MESSAGES_GLOBAL = '__klaviyoDeviceModeMessages';
